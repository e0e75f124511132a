/**
 * The rollup tables are ledgers of signed deltas (migration 0006): each ingest batch appends, per
 * key, `new − old` of the contributions of the tickets it changed, in the same transaction as the
 * events — by COPY on a server. A figure is the sum of its key's rows, whatever order the rows
 * were appended in (measures are integers, so sums are exact). Compaction folds a tenant's rows
 * back to one per key and drops the keys that sum to zero, in one transaction, so a reader sees
 * the same sums before and after it.
 *
 * A missing dimension is '' in the tables and null in the core.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Contribution, ContributionKind } from '../core/aggregate/index.js';
import { copyField } from './copy-text.js';
import { bumpDataVersion } from './data-version.repository.js';
import type { CopyIn } from './database.js';
import type { DB } from './schema.js';
import { isoString } from './iso-string.js';
import { insertValues } from './values-rows.js';

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
  sla_sketch: {
    table: 'sla_sketch_rollup',
    dims: ['metric', ...BASE_DIMS, 'bin'],
    measures: ['n'],
  },
  handle_sketch: { table: 'handle_sketch_rollup', dims: [...BASE_DIMS, 'bin'], measures: ['n'] },
};

function dimText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/**
 * `compute`, remembered for the most recent arguments (up to 50,000): rollup rows repeat the same
 * dimension values (teams, agents, priorities…) and bucket starts thousands of times a batch.
 */
function remembered<K, V>(compute: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(key);
      if (cache.size >= 50_000) cache.clear();
      cache.set(key, value);
    }
    return value;
  };
}

/** A dimension value as a COPY field ('' when missing). */
const copyDimText = remembered((text: string) => copyField(text));
const copyDim = (value: unknown) => copyDimText(dimText(value));
/** Bucket starts as ISO text. */
const bucketText = remembered((bucket: number) => isoString(bucket));

const ident = (name: string): RawBuilder<unknown> => sql.ref(name);

/** A measure as stored: an integer (ms for durations). */
function measureValue(v: number | undefined): number {
  const r = Math.round(v ?? 0);
  return Number.isFinite(r) ? r : 0;
}

/**
 * The rows as COPY text for `(tenant_id, bucket, ...dims, ...measures)`: bucket as ISO text, a
 * missing dimension as '', measures rounded to integers. One line per row, each ending in `\n`.
 */
export function rollupCopyText(spec: RollupSpec, tenantId: string, rows: readonly Contribution[]) {
  const lines = new Array<string>(rows.length);
  const fields = new Array<string>(2 + spec.dims.length + spec.measures.length);
  fields[0] = tenantId;
  for (let r = 0; r < rows.length; r++) {
    const c = rows[r]!;
    const dims = c.dims as unknown as Record<string, unknown>;
    const measures = c.measures as unknown as Record<string, number | undefined>;
    let f = 1;
    fields[f++] = bucketText(c.bucket);
    for (const d of spec.dims) fields[f++] = copyDim(dims[d]);
    for (const m of spec.measures) fields[f++] = String(measureValue(measures[m]));
    lines[r] = fields.join('\t');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A ledger row's values after the tenant, as the insert sends them: `bucket` as ISO text, a
 * missing dimension as '', measures rounded to integers (null when not finite: refused).
 */
function rollupRowValues(spec: RollupSpec, c: Contribution): unknown[] {
  const dims = c.dims as unknown as Record<string, unknown>;
  const measures = c.measures as unknown as Record<string, number | undefined>;
  return [
    bucketText(c.bucket),
    ...spec.dims.map((d) => dimText(dims[d])),
    ...spec.measures.map((m) => {
      const r = Math.round(measures[m] ?? 0);
      return Number.isFinite(r) ? r : null;
    }),
  ];
}

/** The rows' values ({@link rollupRowValues}) as a JSON array of objects. */
export function rollupRowsJson(spec: RollupSpec, rows: readonly Contribution[]): string {
  const names = ['bucket', ...spec.dims, ...spec.measures];
  return JSON.stringify(
    rows.map((c) => {
      const values = rollupRowValues(spec, c);
      return Object.fromEntries(names.map((n, i) => [n, values[i]]));
    }),
  );
}

/**
 * The types of a ledger row's columns as VALUES sends them: tenant, bucket, dimensions (a
 * sketch's bin is the one integer key column, migration 0012; every other key is text), measures.
 */
function valuesColumnsOf(spec: RollupSpec): string[] {
  return [
    'uuid',
    'timestamptz',
    ...spec.dims.map((d) => (d === 'bin' ? 'integer' : 'text')),
    ...spec.measures.map(() => 'bigint'),
  ];
}

function columnsOf(spec: RollupSpec): RawBuilder<unknown> {
  return sql.join(['bucket', ...spec.dims, ...spec.measures].map(ident));
}

async function append(
  db: Kysely<DB>,
  tenantId: string,
  spec: RollupSpec,
  rows: readonly Contribution[],
  copyIn: CopyIn | undefined,
): Promise<void> {
  if (copyIn) {
    const columns = ['tenant_id', 'bucket', ...spec.dims, ...spec.measures].map((c) =>
      c === 'left' ? '"left"' : c,
    );
    await copyIn(
      `copy ${spec.table} (${columns.join(', ')}) from stdin`,
      rollupCopyText(spec, tenantId, rows),
    );
    return;
  }
  await insertValues(
    db,
    rows,
    valuesColumnsOf(spec),
    (c) => [tenantId, ...rollupRowValues(spec, c)],
    (values) =>
      sql`insert into ${sql.table(spec.table)} (tenant_id, ${columnsOf(spec)}) values ${values}`,
  );
}

/**
 * Appends the signed deltas (already merged: one row per key) to the rollup ledgers, by COPY when
 * `copyIn` is given (a server). Rows whose measures are all zero are not written.
 */
export async function applyRollupDeltas(
  db: Kysely<DB>,
  tenantId: string,
  deltas: readonly Contribution[],
  copyIn?: CopyIn,
): Promise<number> {
  const byKind = new Map<ContributionKind, Contribution[]>();
  let written = 0;
  for (const c of deltas) {
    if (!hasNonZero(c)) continue;
    written += 1;
    const rows = byKind.get(c.kind);
    if (rows === undefined) byKind.set(c.kind, [c]);
    else rows.push(c);
  }
  for (const kind of Object.keys(ROLLUPS) as ContributionKind[]) {
    const rows = byKind.get(kind);
    if (rows && rows.length > 0) await append(db, tenantId, ROLLUPS[kind], rows, copyIn);
  }
  return written;
}

export function hasNonZero(c: Contribution): boolean {
  const measures = c.measures as unknown as Record<string, number | undefined>;
  for (const m in measures) if (measureValue(measures[m]) !== 0) return true;
  return false;
}

/** Serialises compaction with `clearDerived` (rebuild) for one tenant. */
function lockTenantRollups(db: Kysely<DB>, tenantId: string) {
  return sql`select pg_advisory_xact_lock(hashtextextended(${`rollups:${tenantId}`}, 0))`.execute(
    db,
  );
}

/**
 * The grouped, summed rows of one rollup table of a tenant (keys summing to zero left out),
 * optionally of the buckets in `[range.from, range.to)` only.
 */
export function summed(
  spec: RollupSpec,
  source: RawBuilder<unknown>,
  tenantId: string | undefined,
  range?: { from: number; to: number },
) {
  const keys = sql.join(['bucket', ...spec.dims].map(ident));
  const sums = sql.join(spec.measures.map((m) => sql`sum(${ident(m)})::bigint as ${ident(m)}`));
  const nonZero = sql.join(
    spec.measures.map((m) => sql`sum(${ident(m)}) <> 0`),
    sql` or `,
  );
  const buckets =
    range === undefined
      ? sql``
      : sql`and bucket >= ${new Date(range.from)} and bucket < ${new Date(range.to)}`;
  const tenant =
    tenantId === undefined ? sql`` : sql`where tenant_id = ${tenantId}::uuid ${buckets}`;
  return sql`select ${keys}, ${sums} from ${source} ${tenant} group by ${keys} having ${nonZero}`;
}

/**
 * Folds one ledger of a tenant (see {@link compactRollups}) and returns its rows before and
 * after. One statement deletes the rows of the keys to fold (several rows, or a zero row) and
 * inserts their non-zero sums back, on one snapshot: rows concurrent ingest appends meanwhile are
 * neither summed nor deleted. The rows never leave the database: on Citus the delete and the sums
 * run as one task on the tenant's shard, and only the sums pass the coordinator on their way back
 * to that shard (an INSERT … SELECT whose SELECT modifies is not pushed down whole).
 */
async function compactLedger(
  trx: Kysely<DB>,
  tenantId: string,
  spec: RollupSpec,
  since: number | undefined,
): Promise<{ before: number; after: number }> {
  const table = sql.table(spec.table);
  // A key's rows share its bucket: a window of buckets folds whole keys.
  const window =
    since === undefined ? sql`` : sql`and bucket >= ${new Date(since).toISOString()}::timestamptz`;
  const keyList = sql.join(['bucket', ...spec.dims].map(ident));
  const zero = sql.join(
    spec.measures.map((m) => sql`sum(${ident(m)}) = 0`),
    sql` and `,
  );
  const count = async () => {
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from ${table} where tenant_id = ${tenantId}::uuid ${window}`.execute(
      trx,
    );
    return Number(rows[0]?.n ?? 0);
  };
  const before = await count();
  await sql`
    with gone as (
      delete from ${table}
      where tenant_id = ${tenantId}::uuid ${window} and (${keyList}) in (
        select ${keyList} from ${table} where tenant_id = ${tenantId}::uuid ${window}
        group by ${keyList} having count(*) > 1 or (${zero}))
      returning ${columnsOf(spec)}
    )
    insert into ${table} (tenant_id, ${columnsOf(spec)})
    select ${tenantId}::uuid, s.* from (${summed(spec, sql`gone`, undefined)}) s`.execute(trx);
  return { before, after: await count() };
}

/**
 * Folds a tenant's ledger rows to one row per key, dropping keys whose deltas cancel out. Only
 * the keys with several rows (or a zero row) are rewritten: after the first compaction most keys
 * hold one row that no later batch touched. Runs in one transaction (the caller's, if `db` is
 * one): concurrent ingest only appends rows, which each ledger's delete does not see and leaves
 * alone. Returns the rows before and after (of the window, with `since`).
 *
 * `since` (epoch ms): only the buckets from then on — those appended to since the last
 * compaction — so that the work follows the rows appended rather than the tenant's history.
 */
export async function compactRollups(
  db: Kysely<DB>,
  tenantId: string,
  options: { since?: number } = {},
): Promise<{ before: number; after: number; version: string }> {
  const work = async (trx: Kysely<DB>) => {
    await lockTenantRollups(trx, tenantId);
    let before = 0;
    let after = 0;
    for (const spec of Object.values(ROLLUPS)) {
      const counts = await compactLedger(trx, tenantId, spec, options.since);
      before += counts.before;
      after += counts.after;
    }
    // Last, so the version's row lock (which ingest also takes) is held only until commit.
    const version = await bumpDataVersion(trx, tenantId);
    return { before, after, version };
  };
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/** Every rollup figure of a tenant (the sum of its key's rows; zero sums left out), for `verify`. */
export async function readRollups(db: Kysely<DB>, tenantId: string): Promise<Contribution[]> {
  const out: Contribution[] = [];
  for (const [kind, spec] of Object.entries(ROLLUPS) as Array<[ContributionKind, RollupSpec]>) {
    const { rows } = await summed(spec, sql.table(spec.table), tenantId).execute(db);
    for (const r of rows as Array<Record<string, unknown>>) out.push(contributionOf(kind, r));
  }
  return out;
}

/** A summed ledger row (`summed`) as the core's contribution. */
export function contributionOf(kind: ContributionKind, r: Record<string, unknown>): Contribution {
  const spec = ROLLUPS[kind];
  const measures: Record<string, number> = {};
  for (const m of spec.measures) measures[m] = Number(r[m]);
  const dims: Record<string, unknown> = {};
  for (const d of spec.dims) dims[d] = r[d] === '' ? null : r[d];
  if (kind === 'escalation' && dims.from_tier !== null) dims.from_tier = Number(dims.from_tier);
  if (dims.bin !== undefined && dims.bin !== null) dims.bin = Number(dims.bin);
  return { kind, bucket: (r.bucket as Date).getTime(), dims, measures } as unknown as Contribution;
}

export async function clearDerived(db: Kysely<DB>, tenantId: string): Promise<void> {
  await lockTenantRollups(db, tenantId);
  await bumpDataVersion(db, tenantId);
  const tables = [
    ...Object.values(ROLLUPS).map((s) => s.table),
    'sla_clock',
    'contact',
    'backlog_segment',
    'ticket',
    'ticket_fold_failure',
    'report_row_deleted',
    'report_rollup_change',
    'ticket_change',
  ];
  for (const table of tables) {
    await sql`delete from ${sql.table(table)} where tenant_id = ${tenantId}::uuid`.execute(db);
  }
  // Every derived row is written anew without tombstones: older report cursors are void.
  await sql`update tenant_data_version set reports_reset_rev = pg_current_xact_id()
    where tenant_id = ${tenantId}::uuid`.execute(db);
}
