/**
 * Issue 18: every query of tenant data routes to one shard. Each statement of queries/, as
 * scripts/generate-queries.ts records it with the parameters its sample call sent, is EXPLAINed on
 * a fresh distributed database (migration 0016: tenant tables distributed on tenant_id):
 *
 * - a statement on distributed tables must be a router plan: Citus scans of one task each, and no
 *   subplan Citus computes first (recursive planning runs a query per subplan);
 * - a statement on reference tables only is one task too (every node holds a copy), and one that
 *   reads no table, or only catalogs, runs on the coordinator alone: both are fine;
 * - a statement that reads a plain local table fails (0016 leaves no tenant table local);
 * - a statement EXPLAIN cannot take is classified (UNPLANNED, COPY) with why it routes;
 * - FAN_OUT lists the statements that may run on every shard (cross-tenant maintenance), each
 *   with why. One that fans out unlisted fails, and so does an entry that no longer fans out.
 * - PULLED lists the statements that run as one task on the tenant's shard but send its result
 *   back to the shard through the coordinator, each with why; the same rules hold.
 *
 * Runs only when TEST_DATABASE_URL names a Citus coordinator (global-setup.ts's mode 'citus').
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  recordQueries,
  type RecordedCall,
  type RecordedStatement,
} from '../../scripts/generate-queries.js';
import {
  explainJson,
  routingOf,
  shardTable,
  tableKinds,
  type TableKind,
} from '../support/citus-plan.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** scripts/query-samples.ts's TENANT: the tenant of every sample call. */
const SAMPLE_TENANT = '00000000-0000-4000-8000-000000000001';

/**
 * Statements that may run on more than one shard, each with why. Cross-tenant maintenance only:
 * a statement serving one tenant's request or ingest has no place here.
 */
const FAN_OUT: ReadonlyArray<{ name: string; label?: string; sql: RegExp; why: string }> = [
  {
    name: 'nextPendingRecomputeJob',
    sql: /from "recompute_job"/,
    // ingest/recompute-jobs.ts drains the jobs of every tenant in age order: the tenant is what
    // the read finds, so every shard is asked. One small read per batch, off the request path.
    why: 'the recompute worker picks the oldest unfinished job of any tenant',
  },
];

/**
 * Statements whose tenant-scoped query runs as one task on the tenant's shard and whose result
 * passes the coordinator on its way back into that shard ("INSERT/SELECT method: pull to
 * coordinator", no subplan, no other task), each with why it is not one task.
 */
const PULLED: ReadonlyArray<{ name: string; sql: RegExp; why: string }> = [
  {
    name: 'compactRollups',
    sql: /^\s*with gone as \(\s*delete from/,
    // Citus does not push an INSERT … SELECT down whole when its SELECT modifies (the CTE that
    // deletes): the delete and the sums run on the shard, only the sums come back. A router
    // alternative would send every folded row through the service (one process, one thread).
    why: "a compaction deletes a ledger key's rows and inserts their sum in one statement, on one snapshot",
  },
];

/** Statements EXPLAIN cannot take, and why each needs no plan to route to one shard. */
const UNPLANNED: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  {
    pattern: /^(begin|commit|rollback|savepoint|release|start\s+transaction|end)\b/i,
    why: 'transaction control, no table: Citus carries it to the worker connections the statements in the transaction used',
  },
  {
    pattern: /^(fetch|move|close)\b/i,
    why: "reads the cursor a DECLARE opened: the DECLARE's query is EXPLAINed with that statement",
  },
  { pattern: /^(set|reset|show)\b/i, why: 'a setting of the session, no table' },
  {
    pattern: /^((create|alter|drop)\s+role|grant|revoke)\b/i,
    why: 'role and privilege DDL (reporting roles, issue 14), no rows: Citus propagates it to every node',
  },
  {
    pattern: /^(vacuum|analyze)\b/i,
    why: "table maintenance where autovacuum does not run (storage/table-maintainer.ts), no tenant's query: Citus carries it to the table's shards, as each node's autovacuum would",
  },
];

/** `copy <table> (…) from stdin`: the target table. */
const COPY_IN = /^copy\s+"?(\w+)"?\s*(\([^)]*\))?\s*from\s+stdin\b/i;
/** DECLARE … CURSOR FOR <query> and COPY (<query>) TO STDOUT: the query runs as planned alone. */
const WRAPPED = [
  /^declare\s+\w+\s+(?:(?:binary|insensitive|asensitive|no\s+scroll|scroll)\s+)*cursor\s+(?:with(?:out)?\s+hold\s+)?for\s+([\s\S]+)$/i,
  /^copy\s*\(([\s\S]+)\)\s*to\s+stdout\b[\s\S]*$/i,
];

type Kind =
  | 'router'
  | 'reference'
  | 'coordinator'
  | 'unplanned'
  | 'copy'
  | 'not a router plan'
  | 'pulled'
  | 'local table'
  | 'error'
  | 'not run';

interface Verdict {
  kind: Kind;
  /** Why it routes, or how it does not: the plan's tasks, the table, Citus' error. */
  detail: string;
}

const PASSING: ReadonlySet<Kind> = new Set([
  'router',
  'reference',
  'coordinator',
  'unplanned',
  'copy',
]);

const config = inject('testDatabase');
const onCitus = config.mode === 'citus';
// Running every repository on its samples is only worth it where the statements are EXPLAINed.
const calls: RecordedCall[] = onCitus ? await recordQueries() : [];

let database: TestDatabase;
let client: pg.PoolClient;
let kinds: Map<string, TableKind>;

const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim();

function copyVerdict(table: string): Verdict {
  const kind = kinds.get(table);
  if (kind === 'distributed') {
    const detail = `COPY into distributed ${table}: Citus routes each row by its tenant_id, and a call's rows are all of one tenant`;
    return { kind: 'copy', detail };
  }
  if (kind === 'reference') return { kind: 'copy', detail: `COPY into reference ${table}` };
  return { kind: 'local table', detail: `COPY into ${table}, a ${kind ?? 'unknown'} table` };
}

/** The verdict on a plan: where its tables are read, and on how many shards. */
function planVerdict(explain: unknown): Verdict {
  const routing = routingOf(explain);
  const remoteTables = [...new Set(routing.remoteRelations.map(shardTable))].sort();
  // Catalogs (pg_authid behind pg_roles) are not ours; a table of ours read there is local.
  const local = routing.coordinatorRelations.filter((r) => kinds.has(r));
  if (local.length > 0) {
    const named = local.map((r) => `${r} (${kinds.get(r)})`).join(', ');
    return { kind: 'local table', detail: `reads on the coordinator, outside Citus: ${named}` };
  }
  if (routing.scans.length === 0) {
    return { kind: 'coordinator', detail: 'no Citus table: runs on the coordinator alone' };
  }
  const tasks = routing.scans.map((s) =>
    s.taskCount === undefined ? `${s.provider} (${s.method ?? 'no job'})` : String(s.taskCount),
  );
  const tables = remoteTables.join(', ') || '(none shown)';
  const detail = `tasks: ${tasks.join(' + ')}; subplans: ${routing.subplans}; shards of: ${tables}`;
  const router =
    routing.subplans === 0 &&
    routing.scans.every((s) => s.taskCount !== undefined && s.taskCount <= 1);
  if (!router) {
    const pulled =
      routing.subplans === 0 &&
      routing.scans.every(
        (s) =>
          (s.taskCount !== undefined && s.taskCount <= 1) ||
          (s.taskCount === undefined && s.method === 'pull to coordinator'),
      ) &&
      routing.scans.some((s) => s.taskCount === 1);
    return { kind: pulled ? 'pulled' : 'not a router plan', detail };
  }
  // Catalogs a task reads on its node (pg_authid behind pg_roles) do not make it distributed.
  const referenceOnly = remoteTables.every((t) => kinds.get(t) !== 'distributed');
  return { kind: referenceOnly ? 'reference' : 'router', detail };
}

async function judge(statement: RecordedStatement): Promise<Verdict> {
  if (statement.parameters === undefined) {
    const detail = 'rendered from its text outside a repository, so never run with parameters';
    return { kind: 'not run', detail };
  }
  const sql = statement.sql.trim();
  const unplanned = UNPLANNED.find((u) => u.pattern.test(sql));
  if (unplanned !== undefined) return { kind: 'unplanned', detail: unplanned.why };
  const copy = COPY_IN.exec(sql);
  if (copy !== null) return copyVerdict(copy[1]!);
  const query = WRAPPED.map((w) => w.exec(sql)?.[1]).find((q) => q !== undefined) ?? sql;
  try {
    return planVerdict(await explainJson(client, query, statement.parameters));
  } catch (error) {
    return { kind: 'error', detail: error instanceof Error ? error.message : String(error) };
  }
}

const verdicts = new Map<RecordedStatement, Promise<Verdict>>();
function verdictOf(statement: RecordedStatement): Promise<Verdict> {
  let verdict = verdicts.get(statement);
  if (verdict === undefined) {
    verdict = judge(statement);
    verdicts.set(statement, verdict);
  }
  return verdict;
}

const listed = (call: RecordedCall, statement: RecordedStatement) =>
  FAN_OUT.find(
    (f) =>
      f.name === call.name &&
      (f.label === undefined || f.label === call.label) &&
      f.sql.test(statement.sql),
  );

const pulledEntry = (call: RecordedCall, statement: RecordedStatement) =>
  PULLED.find((p) => p.name === call.name && p.sql.test(statement.sql));

/** What is wrong with the statement's verdict, as a sentence naming it; undefined if nothing. */
function problemOf(call: RecordedCall, index: number, verdict: Verdict): string | undefined {
  const statement = call.statements[index]!;
  if (PASSING.has(verdict.kind)) return undefined;
  if (verdict.kind === 'not a router plan' && listed(call, statement) !== undefined)
    return undefined;
  if (verdict.kind === 'pulled' && pulledEntry(call, statement) !== undefined) return undefined;
  const hint = verdict.detail.includes('pull to coordinator')
    ? ' (an INSERT … SELECT whose rows come from parameters passes through the coordinator: a multi-row INSERT … VALUES or COPY goes to the shard)'
    : verdict.kind === 'not a router plan'
      ? ' (cross-tenant maintenance? list it in FAN_OUT with why)'
      : '';
  return `${call.module} ${call.title}, statement #${index + 1}: ${verdict.kind}${hint}: ${verdict.detail}\n  ${oneLine(statement.sql)}`;
}

const byFile = new Map<string, RecordedCall[]>();
for (const call of calls) byFile.set(call.file, [...(byFile.get(call.file) ?? []), call]);

describe.skipIf(!onCitus)('on Citus, each statement of queries/ routes to one shard', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    client = await database.pool!.connect();
    await client.query(`insert into tenant (tenant_id, name) values ($1, 'sample')`, [
      SAMPLE_TENANT,
    ]);
    kinds = await tableKinds(client);
  });

  afterAll(async () => {
    client?.release();
    await database?.close();
  });

  it('records the statements with the sample tenant in their parameters', () => {
    expect(calls.length).toBeGreaterThan(0);
    const tenantScoped = calls.filter((c) =>
      c.statements.some((s) => s.parameters?.includes(SAMPLE_TENANT)),
    );
    expect(tenantScoped.length, 'SAMPLE_TENANT is query-samples.ts TENANT').toBeGreaterThan(0);
  });

  for (const [file, inFile] of byFile) {
    describe(file, () => {
      for (const call of inFile) {
        call.statements.forEach((statement, index) => {
          const name = `${call.title} #${index + 1}: ${oneLine(statement.sql).slice(0, 60)}`;
          it(name, async () => {
            const problem = problemOf(call, index, await verdictOf(statement));
            expect(problem, problem).toBeUndefined();
          });
        });
      }
    });
  }

  /** The entries of a list whose statements are gone or no longer plan as `kind`. */
  async function staleEntries<E extends { name: string }>(
    entries: readonly E[],
    find: (call: RecordedCall, statement: RecordedStatement) => E | undefined,
    kind: Kind,
  ): Promise<string[]> {
    const stale: string[] = [];
    for (const entry of entries) {
      const matches = calls.flatMap((call) =>
        call.statements.filter((s) => find(call, s) === entry),
      );
      const found = await Promise.all(matches.map(async (s) => (await verdictOf(s)).kind));
      if (matches.length === 0) stale.push(`${entry.name}: no such statement`);
      else if (found.some((k) => k !== kind)) {
        stale.push(`${entry.name}: plans as ${found.join(', ')} now, not ${kind}: update the list`);
      }
    }
    return stale;
  }

  it('lists in FAN_OUT only statements that fan out', async () => {
    expect(await staleEntries(FAN_OUT, listed, 'not a router plan')).toEqual([]);
  });

  it('lists in PULLED only statements that pass the coordinator', async () => {
    expect(await staleEntries(PULLED, pulledEntry, 'pulled')).toEqual([]);
  });
});
