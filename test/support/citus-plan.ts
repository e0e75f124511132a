/**
 * Reading a Citus `EXPLAIN (FORMAT JSON)`: where a statement runs. Citus plans a statement on
 * distributed or reference tables as a custom scan ("Custom Scan (Citus Adaptive)", "Citus
 * Router" in older releases) whose "Distributed Query" holds the job ("Task Count", a task per
 * shard it reads or writes, each with the "Remote Plan" a worker made) and the subplans computed
 * before it (recursive planning). A statement Citus does not plan shows only PostgreSQL's nodes,
 * which run on the coordinator. The plan's JSON is walked as a whole rather than through "Plans"
 * only: subplans, INSERT … SELECT's select query and the remote plans sit under keys of their own.
 */
import type pg from 'pg';

/** What the plan says about where a statement runs. */
export interface Routing {
  /** Each Citus scan: its provider, its task count (none for a scan that shows no job). */
  scans: Array<{ provider: string; taskCount: number | undefined; method: string | undefined }>;
  /** Subplans Citus runs before the statement (each a distributed query of its own). */
  subplans: number;
  /** Relations read on the coordinator itself: outside every task's remote plan. */
  coordinatorRelations: string[];
  /** Relations (shards) the tasks read on the nodes, as their remote plans name them. */
  remoteRelations: string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: Json): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const field = (node: Json | undefined, key: string): Json | undefined =>
  node !== undefined && isObject(node) ? node[key] : undefined;

/** The Citus scans, subplans and relations of an `EXPLAIN (FORMAT JSON)` result. */
export function routingOf(explain: unknown): Routing {
  const routing: Routing = {
    scans: [],
    subplans: 0,
    coordinatorRelations: [],
    remoteRelations: [],
  };
  const visit = (node: Json, remote: boolean): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, remote);
      return;
    }
    if (!isObject(node)) return;
    const provider = node['Custom Plan Provider'];
    if (typeof provider === 'string' && provider.startsWith('Citus')) {
      const query = field(node, 'Distributed Query');
      const count = field(field(query, 'Job'), 'Task Count');
      const subplans = field(query, 'Subplans');
      const method = field(node, 'INSERT/SELECT method') ?? field(node, 'MERGE method');
      routing.scans.push({
        provider,
        taskCount: typeof count === 'number' ? count : undefined,
        method: typeof method === 'string' ? method : undefined,
      });
      routing.subplans += Array.isArray(subplans) ? subplans.length : 0;
    }
    const relation = node['Relation Name'];
    if (typeof relation === 'string') {
      (remote ? routing.remoteRelations : routing.coordinatorRelations).push(relation);
    }
    for (const [key, child] of Object.entries(node)) visit(child, remote || key === 'Remote Plan');
  };
  visit(explain as Json, false);
  return routing;
}

/** How Citus holds a table of the database: distributed, reference, or not at all (local). */
export type TableKind = 'distributed' | 'reference' | 'citus-local' | 'local';

/** Every table and view of the application's schemas by name, with how Citus holds it. */
export async function tableKinds(client: pg.ClientBase): Promise<Map<string, TableKind>> {
  const { rows } = await client.query<{ name: string; kind: TableKind }>(`
    select c.relname as name,
           case when p.partmethod = 'h' then 'distributed'
                when p.repmodel = 't' then 'reference'
                when p.logicalrelid is not null then 'citus-local'
                else 'local' end as kind
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_dist_partition p on p.logicalrelid = c.oid
    where c.relkind in ('r', 'p', 'v', 'm', 'f')
      and n.nspname not in ('pg_catalog', 'information_schema', 'citus', 'pg_toast')
      and n.nspname not like 'columnar%'`);
  return new Map(rows.map((r) => [r.name, r.kind]));
}

/** A shard's table: remote plans name `ticket_102008` for `ticket`. */
export const shardTable = (shard: string): string => shard.replace(/_\d+$/, '');

/** The type a parameter's JS value stands for, for a cast where PostgreSQL cannot infer one. */
function typeOf(value: unknown): string {
  if (Array.isArray(value)) {
    const first = value.find((v) => v !== null && v !== undefined);
    return `${first === undefined ? 'text' : typeOf(first)}[]`;
  }
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'bigint') return 'bigint';
  if (typeof value === 'number') return Number.isInteger(value) ? 'bigint' : 'double precision';
  if (value instanceof Date) return 'timestamptz';
  if (value instanceof Uint8Array) return 'bytea';
  if (typeof value === 'object' && value !== null) return 'jsonb';
  return 'text';
}

/** `sql` with every bare `$n` cast to the type of its value. */
export function castParameter(sql: string, n: number, value: unknown): string {
  const type = typeOf(value);
  return sql.replace(new RegExp(`\\$${n}(?![0-9])(?!\\s*::)`, 'g'), () => `$${n}::${type}`);
}

const UNTYPED_PARAMETER = /could not determine data type of parameter \$(\d+)/;

/**
 * Citus plans an INSERT … SELECT it pulls through the coordinator at execution, with the
 * parameters' values; EXPLAIN with parameters asks for a plan without them and gets this error.
 */
const PLAN_NEEDS_VALUES = /could not create distributed plan/;

/** A parameter's value as an SQL literal; undefined for one that has no plain literal. */
function literalOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  return undefined;
}

/** `sql` with every `$n` replaced by its value's literal, or undefined if one has none. */
export function inlineParameters(sql: string, parameters: readonly unknown[]): string | undefined {
  const literals = parameters.map(literalOf);
  if (literals.some((l) => l === undefined)) return undefined;
  return sql.replace(/\$([0-9]+)/g, (whole, n: string) => literals[Number(n) - 1] ?? whole);
}

/**
 * `EXPLAIN (FORMAT JSON)` of `sql` with its parameters, as the application sends them (the
 * planner gets their values, as it does for the application's unnamed statements). A parameter
 * whose type PostgreSQL cannot infer from the statement alone (the application's own statement
 * then runs with a type the driver's context gives) gets an explicit cast from its value. A
 * statement Citus plans only with its values ({@link PLAN_NEEDS_VALUES}) is EXPLAINed with them
 * written in as literals.
 */
export async function explainJson(
  client: pg.ClientBase,
  sql: string,
  parameters: readonly unknown[],
): Promise<unknown> {
  let text = sql;
  for (let attempt = 0; ; attempt++) {
    try {
      const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(
        `explain (format json) ${text}`,
        [...parameters],
      );
      return rows[0]!['QUERY PLAN'];
    } catch (error) {
      const message = error instanceof Error ? error.message : '';
      const inlined = PLAN_NEEDS_VALUES.test(message)
        ? inlineParameters(text, parameters)
        : undefined;
      if (inlined !== undefined) {
        const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(
          `explain (format json) ${inlined}`,
        );
        return rows[0]!['QUERY PLAN'];
      }
      const untyped = UNTYPED_PARAMETER.exec(message);
      if (untyped === null || attempt >= parameters.length) throw error;
      const n = Number(untyped[1]);
      text = castParameter(text, n, parameters[n - 1]);
    }
  }
}
