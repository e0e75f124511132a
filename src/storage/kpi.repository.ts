/**
 * The reads behind the KPI API (api.md, "KPI parameters"): sums of the rollup ledgers over a
 * range of 15-minute buckets, grouped by period and by attributes; the clocks that passed their
 * `due_at` after their ticket's last event (breached at `due_at`, found at query time); and the
 * backlog as of instants, from the backlog segments. Never the event table.
 *
 * Periods are given as their start instants; `width_bucket` puts each row in the last period
 * starting at or before it, so a period in any time zone is one group, whatever its length.
 * A missing dimension is '' in the tables and null here.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ContributionKind } from '../core/aggregate/index.js';
import { decodeContributions } from './derived-rows.js';
import { ROLLUPS } from './rollup.repository.js';
import type { DB } from './schema.js';

/** A filter: the column's value must be one of `values`. */
export interface ColumnFilter {
  column: string;
  values: readonly string[];
}

export interface GroupedQuery {
  from: number;
  to: number;
  /** Start instants of the periods (ascending; the first ≤ `from`), or null for one period. */
  periodStarts: readonly number[] | null;
  /** Columns to group by. */
  groupBy: readonly string[];
  filters: readonly ColumnFilter[];
}

export interface GroupedRow {
  /** Index into `periodStarts` (0 without periods). */
  period: number;
  keys: Record<string, string | null>;
  sums: Record<string, number>;
  /** For a sketch row: the sketch it belongs to and its bin; `sums.n` is the bin's count. */
  sketch?: { name: string; bin: number };
}

const ident = (name: string) => sql.id(name);
const tsArray = (instants: readonly number[]) =>
  sql`${instants.map((t) => new Date(t).toISOString())}::timestamptz[]`;

function periodColumn(column: string, q: GroupedQuery): RawBuilder<unknown> {
  return q.periodStarts === null
    ? sql`0`
    : sql`width_bucket(${sql.ref(column)}, ${tsArray(q.periodStarts)}) - 1`;
}

function filterSql(filters: readonly ColumnFilter[], qualify: (c: string) => RawBuilder<unknown>) {
  return sql.join(
    filters.map((f) => sql` and ${qualify(f.column)} = any(${[...f.values]}::text[])`),
    sql``,
  );
}

function toRows(
  rows: readonly Record<string, unknown>[],
  groupBy: readonly string[],
  measures: readonly string[],
): GroupedRow[] {
  return rows.map((r) => {
    const keys: Record<string, string | null> = {};
    for (const c of groupBy) {
      const value = r[c] as string | number | null;
      keys[c] = value === '' || value === null ? null : String(value);
    }
    const sums: Record<string, number> = {};
    for (const m of measures) sums[m] = Number(r[m]);
    return { period: Number(r.period), keys, sums };
  });
}

/**
 * The sums of `measures` of one rollup ledger over the buckets in `[from, to)`, per period and
 * group; groups whose sums are all zero (withdrawn contributions) are left out.
 */
export async function sumRollup(
  db: Kysely<DB>,
  tenantId: string,
  kind: ContributionKind,
  measures: readonly string[],
  q: GroupedQuery,
): Promise<GroupedRow[]> {
  const spec = ROLLUPS[kind];
  const keys = [sql`period`, ...q.groupBy.map(ident)];
  const sums = measures.map((m) => sql`sum(${ident(m)})::float8 as ${ident(m)}`);
  const nonZero = sql.join(
    measures.map((m) => sql`sum(${ident(m)}) <> 0`),
    sql` or `,
  );
  const { rows } = await sql<Record<string, unknown>>`
    select ${periodColumn('bucket', q)} as period, ${sql.join([...q.groupBy.map(ident), ...sums])}
    from ${sql.table(spec.table)}
    where tenant_id = ${tenantId}::uuid
      and bucket >= ${new Date(q.from)} and bucket < ${new Date(q.to)}
      ${filterSql(q.filters, ident)}
    group by ${sql.join(keys)}
    having ${nonZero}`.execute(db);
  return toRows(rows, q.groupBy, measures);
}

/**
 * A quantile sketch summed over the buckets in `[from, to)`, per period and group: one row per
 * bin with its count in `sums.n` (bins whose count sums to zero are left out).
 */
export async function sumSketch(
  db: Kysely<DB>,
  tenantId: string,
  kind: 'sla_sketch' | 'handle_sketch',
  name: string,
  q: GroupedQuery,
): Promise<GroupedRow[]> {
  const spec = ROLLUPS[kind];
  const groups = q.groupBy.map(ident);
  const { rows } = await sql<Record<string, unknown>>`
    select ${periodColumn('bucket', q)} as period, ${sql.join([...groups, sql`bin`])},
      sum(n)::float8 as n
    from ${sql.table(spec.table)}
    where tenant_id = ${tenantId}::uuid
      and bucket >= ${new Date(q.from)} and bucket < ${new Date(q.to)}
      ${filterSql(q.filters, ident)}
    group by ${sql.join([sql`period`, ...groups, sql`bin`])}
    having sum(n) <> 0`.execute(db);
  return toRows(rows, q.groupBy, ['n']).map((row, i) => ({
    ...row,
    sketch: { name, bin: Number(rows[i]!.bin) },
  }));
}

/** sla_clock / ticket columns of the SLA group-by names, for clocks found breached at read time. */
const OVERDUE_COLUMNS: Record<string, RawBuilder<unknown>> = {
  metric: sql`c.metric`,
  policy: sql`c.policy_id`,
  team: sql`t.team`,
  agent: sql`t.assignee_id`,
  priority: sql`t.priority`,
  channel: sql`t.channel`,
  category: sql`t.category`,
};

/**
 * Clocks still running past their `due_at` with no event since (metrics.md: breached at
 * `due_at` as soon as the query time passes it), counted per period of `due_at` and group. Their
 * attribution is the ticket's current attributes — those in force since its last event, which
 * came before `due_at` (a later event would have decided the clock in the fold).
 */
export async function countOverdueClocks(
  db: Kysely<DB>,
  tenantId: string,
  now: number,
  q: GroupedQuery,
): Promise<GroupedRow[]> {
  const column = (name: string) => OVERDUE_COLUMNS[name] ?? sql.ref(`t.${name}`);
  const groups = q.groupBy.map((g) => sql`coalesce(${column(g)}, '') as ${ident(g)}`);
  // Breached once the query time passes due_at: at due_at itself a reply would still achieve it.
  const until = Math.min(q.to, now);
  const { rows } = await sql<Record<string, unknown>>`
    select ${periodColumn('c.due_at', q)} as period,
      ${sql.join([...groups, sql`count(*)::float8 as breached`])}
    from sla_clock c
    join ticket t on t.tenant_id = c.tenant_id and t.ticket_id = c.ticket_id
    where c.tenant_id = ${tenantId}::uuid and c.stopped_at is null and c.status = 'active'
      and c.due_at >= ${new Date(q.from)} and c.due_at < ${new Date(until)}
      and not t.deleted
      ${filterSql(q.filters, (c) => sql`coalesce(${column(c)}, '')`)}
    group by ${sql.join(
      q.groupBy.map((_, i) => sql.lit(i + 2)),
      sql`, `,
    )}${q.groupBy.length > 0 ? sql`, ` : sql``}1`.execute(db);
  return toRows(rows, q.groupBy, ['breached']);
}

/** backlog_segment columns of the backlog group-by names. */
const SEGMENT_COLUMNS: Record<string, string> = {
  team: 'team',
  agent: 'agent',
  priority: 'priority',
  channel: 'channel',
  category: 'category',
  policy: 'policy_id',
};

export interface BacklogTicket {
  /** Index into the instants asked for. */
  at: number;
  ticketId: string;
  status: string;
  createdAt: number;
  calendarId: string;
  keys: Record<string, string | null>;
}

/**
 * The tickets in the backlog at each of `instants` (metrics.md, "Backlog"): the segment holding
 * the instant, with the ticket's status and attributes then. A deleted ticket has no segments.
 */
export async function backlogAt(
  db: Kysely<DB>,
  tenantId: string,
  instants: readonly number[],
  groupBy: readonly string[],
  filters: readonly ColumnFilter[],
): Promise<BacklogTicket[]> {
  const column = (name: string) => sql.ref(`s.${SEGMENT_COLUMNS[name] ?? name}`);
  const keys = groupBy.map((g) => sql`${column(g)} as ${ident(g)}`);
  const { rows } = await sql<Record<string, unknown>>`
    select (e.k - 1)::int as at, ${sql.join([
      sql`s.ticket_id`,
      sql`s.status`,
      sql`s.created_at`,
      sql`s.calendar_id`,
      ...keys,
    ])}
    from unnest(${tsArray(instants)}) with ordinality as e(t, k)
    join backlog_segment s on s.tenant_id = ${tenantId}::uuid
      and tstzrange(s.valid_from, s.valid_to) @> e.t
    where true ${filterSql(filters, (c) => sql`coalesce(${column(c)}, '')`)}`.execute(db);
  return rows.map((r) => {
    const keyValues: Record<string, string | null> = {};
    for (const g of groupBy) keyValues[g] = (r[g] as string | null) ?? null;
    return {
      at: Number(r.at),
      ticketId: String(r.ticket_id),
      status: String(r.status),
      createdAt: (r.created_at as Date).getTime(),
      calendarId: String(r.calendar_id),
      keys: keyValues,
    };
  });
}

/** A provisional FCR: the ticket's first-solve contribution, and when its window ends. */
export interface PendingFcr {
  bucket: number;
  dims: Record<string, string | null>;
}

/**
 * FCR tickets first solved in `[from, to)` whose reopen window has not passed at `now`
 * (metrics.md: counted in `pending_confirmation`), with the dimensions of their first-solve
 * contribution. Only tickets first solved within `windowMs` of `now` can be pending.
 */
export async function listPendingFcr(
  db: Kysely<DB>,
  tenantId: string,
  from: number,
  to: number,
  now: number,
  windowMs: number,
): Promise<PendingFcr[]> {
  const since = Math.max(from, now - windowMs);
  if (since >= to) return [];
  const { rows } = await sql<{ contributions: unknown[][] }>`
    select contributions from ticket
    where tenant_id = ${tenantId}::uuid
      and first_solved_at >= ${new Date(since)} and first_solved_at < ${new Date(to)}
      and not deleted and (derived->>'fcr')::boolean
      and (derived->>'fcr_window_ends_at')::float8 > ${now}`.execute(db);
  const pending: PendingFcr[] = [];
  for (const row of rows) {
    for (const c of decodeContributions(row.contributions ?? [])) {
      if (c.kind !== 'fcr' || c.measures.fcr !== 1) continue;
      const dims: Record<string, string | null> = {};
      for (const [name, value] of Object.entries(c.dims))
        dims[name] = value === null ? null : String(value);
      pending.push({ bucket: c.bucket, dims });
    }
  }
  return pending;
}
