/**
 * The rollup tables: signed contribution deltas are added in place (`value + excluded.value`),
 * so a changed ticket withdraws its old contribution and adds its new one in the same
 * transaction. Rows are upserted in key order so concurrent batches lock them in one order.
 * A missing dimension is '' in the table (primary keys cannot hold NULL) and null in the core.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Contribution, ContributionKind } from '../core/aggregate/index.js';
import type { DB } from './schema.js';
import { isoString } from './ticket-state.repository.js';

const BASE_DIMS = ['team', 'agent', 'priority', 'channel', 'category', 'policy'] as const;

export interface RollupSpec {
  table: string;
  dims: readonly string[];
  measures: readonly string[];
}

export const ROLLUPS: Record<ContributionKind, RollupSpec> = {
  sla: {
    table: 'sla_rollup',
    dims: ['metric', ...BASE_DIMS],
    measures: ['achieved', 'breached', 'stopped', 'elapsed_business_ms'],
  },
  fcr: {
    table: 'fcr_rollup',
    dims: BASE_DIMS,
    measures: ['solved', 'fcr', 'zero_touch', 'touched', 'reopened', 'escalated'],
  },
  volume: {
    table: 'volume_rollup',
    dims: BASE_DIMS,
    measures: ['created', 'solved', 'reopens', 'deleted'],
  },
  handle_time: {
    table: 'handle_time_rollup',
    dims: BASE_DIMS,
    measures: ['contacts', 'talk_ms', 'hold_ms', 'wrap_ms', 'handle_ms'],
  },
  escalation: {
    table: 'escalation_rollup',
    dims: ['from_tier', ...BASE_DIMS],
    measures: ['escalations'],
  },
  reassignment: { table: 'reassignment_rollup', dims: BASE_DIMS, measures: ['reassignments'] },
  backlog_flow: { table: 'backlog_flow_rollup', dims: BASE_DIMS, measures: ['entered', 'left'] },
};

function dimText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** JSON text of a string (dimension values recur: teams, agents, priorities…). */
const quotedCache = new Map<string, string>();

function quoted(value: string): string {
  let q = quotedCache.get(value);
  if (q === undefined) {
    q = JSON.stringify(value);
    if (quotedCache.size >= 50_000) quotedCache.clear();
    quotedCache.set(value, q);
  }
  return q;
}

/** `,"name":` of each column, per spec. */
const columnPrefixes = new Map<RollupSpec, { dims: string[]; measures: string[] }>();

function prefixesOf(spec: RollupSpec) {
  let p = columnPrefixes.get(spec);
  if (p === undefined) {
    const prefix = (name: string) => `,${JSON.stringify(name)}:`;
    p = { dims: spec.dims.map(prefix), measures: spec.measures.map(prefix) };
    columnPrefixes.set(spec, p);
  }
  return p;
}

/**
 * The rows as the JSON array `jsonb_to_recordset` reads: `bucket` as ISO text, a missing
 * dimension as '', measures rounded to integers. Written directly: a batch has thousands.
 */
export function rollupRowsJson(spec: RollupSpec, rows: readonly Contribution[]): string {
  const prefixes = prefixesOf(spec);
  // Rows joined once: a flat string rather than a rope of pieces kept alive across the query.
  const parts = new Array<string>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const c = rows[r]!;
    const dims = c.dims as unknown as Record<string, unknown>;
    const measures = c.measures as unknown as Record<string, number | undefined>;
    let out = '{"bucket":"' + isoString(c.bucket) + '"';
    for (let i = 0; i < spec.dims.length; i++) {
      out += prefixes.dims[i]! + quoted(dimText(dims[spec.dims[i]!]));
    }
    for (let i = 0; i < spec.measures.length; i++) {
      const v = Math.round(measures[spec.measures[i]!] ?? 0);
      out += prefixes.measures[i]! + (Number.isFinite(v) ? String(v) : 'null');
    }
    parts[r] = out + '}';
  }
  return `[${parts.join(',')}]`;
}

const ident = (name: string): RawBuilder<unknown> => sql.ref(name);

async function upsert(
  db: Kysely<DB>,
  tenantId: string,
  spec: RollupSpec,
  rows: Contribution[],
): Promise<void> {
  const keyCols = ['bucket', ...spec.dims];
  const recordDef = sql.join([
    sql`bucket timestamptz`,
    ...spec.dims.map((d) => sql`${ident(d)} text`),
    ...spec.measures.map((m) => sql`${ident(m)} bigint`),
  ]);
  const cols = sql.join([...keyCols, ...spec.measures].map(ident));
  const updates = sql.join(
    spec.measures.map(
      (m) => sql`${ident(m)} = ${sql.table(spec.table)}.${ident(m)} + excluded.${ident(m)}`,
    ),
  );
  // Key order, so concurrent batches lock shared rollup rows in one order (no deadlocks).
  await sql`
    insert into ${sql.table(spec.table)} (tenant_id, ${cols})
    select ${tenantId}::uuid, ${cols}
    from jsonb_to_recordset(${rollupRowsJson(spec, rows)}::jsonb) as x(${recordDef})
    order by ${sql.join(keyCols.map(ident))}
    on conflict (tenant_id, ${sql.join(keyCols.map(ident))}) do update set ${updates}`.execute(db);
}

/** Adds the signed deltas (already merged: one row per key) to the rollups. */
export async function applyRollupDeltas(
  db: Kysely<DB>,
  tenantId: string,
  deltas: readonly Contribution[],
): Promise<void> {
  const byKind = new Map<ContributionKind, Contribution[]>();
  for (const c of deltas) {
    const rows = byKind.get(c.kind);
    if (rows === undefined) byKind.set(c.kind, [c]);
    else rows.push(c);
  }
  for (const kind of Object.keys(ROLLUPS) as ContributionKind[]) {
    const rows = byKind.get(kind);
    if (rows && rows.length > 0) await upsert(db, tenantId, ROLLUPS[kind], rows);
  }
}

/** Every non-zero rollup row of a tenant as contributions (for `verify`). */
export async function readRollups(db: Kysely<DB>, tenantId: string): Promise<Contribution[]> {
  const out: Contribution[] = [];
  for (const [kind, spec] of Object.entries(ROLLUPS) as Array<[ContributionKind, RollupSpec]>) {
    const { rows } = await sql<Record<string, unknown>>`
      select * from ${sql.table(spec.table)} where tenant_id = ${tenantId}::uuid`.execute(db);
    for (const r of rows) {
      const measures: Record<string, number> = {};
      for (const m of spec.measures) measures[m] = Number(r[m]);
      if (Object.values(measures).every((v) => v === 0)) continue;
      const dims: Record<string, unknown> = {};
      for (const d of spec.dims) dims[d] = r[d] === '' ? null : r[d];
      if (kind === 'escalation' && dims.from_tier !== null) dims.from_tier = Number(dims.from_tier);
      out.push({
        kind,
        bucket: (r.bucket as Date).getTime(),
        dims,
        measures,
      } as unknown as Contribution);
    }
  }
  return out;
}

export async function clearDerived(db: Kysely<DB>, tenantId: string): Promise<void> {
  const tables = [
    ...Object.values(ROLLUPS).map((s) => s.table),
    'sla_clock',
    'contact',
    'backlog_segment',
    'ticket',
  ];
  for (const table of tables) {
    await sql`delete from ${sql.table(table)} where tenant_id = ${tenantId}::uuid`.execute(db);
  }
}
