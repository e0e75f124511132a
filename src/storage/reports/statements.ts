/**
 * The SQL text of each report, full or incremental, with every value inlined as a quoted literal:
 * the statements run inside `COPY (…) TO STDOUT` or `DECLARE … CURSOR FOR`, neither of which
 * takes bind parameters. Every value comes from checked parameters (report-params.ts) and goes
 * through {@link literal}.
 *
 * An incremental pull (`since`) reads the rows whose writing transaction the cursor's snapshot
 * does not see (migration 0013), deletions first; sla-instances adds the open clocks whose status
 * changed with the clock alone (at risk, or breached at `due_at`) since the cursor's query time.
 */
import type { ReportColumn } from '../../core/report/table.js';
import {
  CONTACT_COLUMNS,
  slaInstanceColumns,
  STATUS_INTERVAL_COLUMNS,
  TICKET_COLUMNS,
  type SqlColumn,
} from './columns.js';
import { kpiDailyColumns, kpiDailySums } from './kpi-daily.js';

export const REPORT_NAMES = [
  'tickets',
  'sla-instances',
  'contacts',
  'status-intervals',
  'kpi-daily',
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export const REPORT_FILTERS = ['team', 'agent', 'priority', 'channel', 'category'] as const;
export type ReportFilter = (typeof REPORT_FILTERS)[number];

export interface ReportParams {
  tenantId: string;
  /** The query time (ms): statuses of open clocks are as of it. */
  now: number;
  /** kpi-daily's days are local days of this zone. */
  zone: string;
  from?: number | undefined;
  to?: number | undefined;
  filters: Partial<Record<ReportFilter, readonly string[]>>;
  /** An incremental pull: the snapshot and query time of the cursor. */
  since?: { snapshot: string; now: number } | undefined;
}

/** How values are encoded: COPY text for the row readers, or the CSV served as it is. */
export type Encoding = 'rows' | 'csv';

export interface ReportStatement {
  columns: ReportColumn[];
  sql: string;
}

/** A quoted SQL string literal (standard_conforming_strings is on in every supported server). */
export function literal(value: string): string {
  if (value.includes('\u0000')) throw new Error('a report parameter holds a NUL character');
  return `'${value.replaceAll("'", "''")}'`;
}

const instant = (ms: number) => `${literal(new Date(ms).toISOString())}::timestamptz`;
const quoteName = (name: string) => `"${name}"`;

function encoded(c: SqlColumn, encoding: Encoding): string {
  const e = `(${c.expr})`;
  let out = e;
  if (c.type === 'timestamp') {
    out =
      encoding === 'rows'
        ? `(extract(epoch from ${e}) * 1000)::int8`
        : `to_char(${e} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  } else if (c.type === 'bool' && encoding === 'csv') {
    out = `case when ${e} then 'true' when not ${e} then 'false' end`;
  }
  return `${out} as ${quoteName(c.name)}`;
}

const selectList = (columns: readonly SqlColumn[], encoding: Encoding) =>
  columns.map((c) => encoded(c, encoding)).join(',\n    ');

const SQL_TYPE = {
  string: 'text',
  int: 'int8',
  float: 'float8',
  bool: 'boolean',
  timestamp: 'timestamptz',
};

/** A deletion row: the key from `r.row_key`, every other column null, `deleted` true. */
function tombstoneColumns(columns: readonly SqlColumn[], keys: readonly string[]): SqlColumn[] {
  return columns.map((c) => {
    const i = keys.indexOf(c.name);
    let expr = `null::${SQL_TYPE[c.type]}`;
    if (c.name === 'ticket_id') expr = 'r.ticket_id';
    else if (c.name === 'deleted') expr = 'true';
    else if (i >= 0) {
      const part = keys.length === 1 ? 'r.row_key' : `split_part(r.row_key, '|', ${i + 1})`;
      expr = c.type === 'int' ? `${part}::int8` : part;
    }
    return { ...c, expr };
  });
}

function filterSql(filters: ReportParams['filters'], column: (f: ReportFilter) => string): string {
  return REPORT_FILTERS.filter((f) => (filters[f]?.length ?? 0) > 0)
    .map((f) => ` and ${column(f)} in (${filters[f]!.map(literal).join(', ')})`)
    .join('');
}

function rangeSql(p: ReportParams, column: string): string {
  return (
    (p.from === undefined ? '' : ` and ${column} >= ${instant(p.from)}`) +
    (p.to === undefined ? '' : ` and ${column} < ${instant(p.to)}`)
  );
}

/**
 * The tickets the cursor's snapshot does not see written, from the journal of the tickets each
 * transaction wrote (migration 0018): every changed derived row is theirs.
 */
function changedTickets(p: ReportParams, snapshot: string): string {
  return `select distinct unnest(ticket_ids) as ticket_id from ticket_change
    where tenant_id = ${literal(p.tenantId)}::uuid and rev >= pg_snapshot_xmin(${snapshot})
      and not pg_visible_in_snapshot(rev, ${snapshot})`;
}

function ticketsStatement(p: ReportParams, encoding: Encoding): string {
  const record = `d(requester_id text, organization_id text, tier int8, via text,
      last_solved_at float8, closed_at float8, touches int8, reopens int8, reassignments int8,
      escalations int8, contacts int8, handle_seconds float8, fcr boolean)`;
  const from = `from ticket t cross join lateral json_to_record(t.derived) as ${record}`;
  const tenant = `t.tenant_id = ${literal(p.tenantId)}::uuid and t.status is not null`;
  const list = selectList(TICKET_COLUMNS, encoding);
  if (p.since !== undefined) {
    const s = `${literal(p.since.snapshot)}::pg_snapshot`;
    return `with ch as (${changedTickets(p, s)})
  select ${list}\n  ${from}\n  join ch on ch.ticket_id = t.ticket_id
  where ${tenant} and not pg_visible_in_snapshot(t.rev, ${s})`;
  }
  const filters = filterSql(p.filters, (f) => (f === 'agent' ? 't.assignee_id' : `t.${f}`));
  return `select ${list}\n  ${from}\n  where ${tenant} and not t.deleted${filters}${rangeSql(p, 't.created_at')}`;
}

interface ChildTable {
  report: ReportName;
  table: string;
  alias: string;
  keys: readonly string[];
  columns: SqlColumn[];
  agentColumn: string;
  range: (p: ReportParams, alias: string) => string;
}

function childTables(p: ReportParams): Record<string, ChildTable> {
  return {
    'sla-instances': {
      report: 'sla-instances',
      table: 'sla_clock',
      alias: 'c',
      keys: ['metric', 'cycle'],
      columns: slaInstanceColumns(instant(p.now)),
      agentColumn: 'agent',
      range: (q, a) => rangeSql(q, `${a}.started_at`),
    },
    contacts: {
      report: 'contacts',
      table: 'contact',
      alias: 'x',
      keys: ['n'],
      columns: CONTACT_COLUMNS,
      agentColumn: 'agent_id',
      range: (q, a) => rangeSql(q, `${a}.ended_at`),
    },
    'status-intervals': {
      report: 'status-intervals',
      table: 'backlog_segment',
      alias: 's',
      keys: ['n'],
      columns: STATUS_INTERVAL_COLUMNS,
      agentColumn: 'agent',
      range: (q, a) =>
        (q.to === undefined ? '' : ` and ${a}.valid_from < ${instant(q.to)}`) +
        (q.from === undefined
          ? ''
          : ` and (${a}.valid_to is null or ${a}.valid_to > ${instant(q.from)})`),
    },
  };
}

function childStatement(t: ChildTable, p: ReportParams, encoding: Encoding): string {
  const a = t.alias;
  const tenant = `${literal(p.tenantId)}::uuid`;
  const list = selectList(t.columns, encoding);
  if (p.since === undefined) {
    const filters = filterSql(p.filters, (f) => `${a}.${f === 'agent' ? t.agentColumn : f}`);
    return `select ${list}\n  from ${t.table} ${a}\n  where ${a}.tenant_id = ${tenant}${filters}${t.range(p, a)}`;
  }
  const s = `${literal(p.since.snapshot)}::pg_snapshot`;
  const tombstones = selectList(tombstoneColumns(t.columns, t.keys), encoding);
  let sql = `with ch as (${changedTickets(p, s)})
  select ${tombstones}
  from ch join report_row_deleted r on r.tenant_id = ${tenant} and r.report = ${literal(t.report)}
    and r.ticket_id = ch.ticket_id
  where not pg_visible_in_snapshot(r.rev, ${s})
  union all
  select ${list}
  from ch join ${t.table} ${a} on ${a}.tenant_id = ${tenant} and ${a}.ticket_id = ch.ticket_id
  where ${a}.rev is not null and not pg_visible_in_snapshot(${a}.rev, ${s})`;
  if (t.report === 'sla-instances') {
    const was = instant(p.since.now);
    const now = instant(p.now);
    sql += `
  union all
  select ${list}
  from sla_clock ${a}
  where ${a}.tenant_id = ${tenant} and ${a}.stopped_at is null and ${a}.status = 'active'
    and ${a}.due_at >= ${was}
    and (${a}.due_at < ${now} or (${a}.at_risk_at > ${was} and ${a}.at_risk_at <= ${now}))
    and (${a}.rev is null or pg_visible_in_snapshot(${a}.rev, ${s}))`;
  }
  return sql;
}

function kpiDailyStatement(p: ReportParams, encoding: Encoding): string {
  const zone = literal(p.zone);
  const tenant = `tenant_id = ${literal(p.tenantId)}::uuid`;
  const list = selectList(kpiDailyColumns(zone), encoding);
  if (p.since === undefined) {
    const where = `${tenant}${filterSql(p.filters, (f) => f)}${rangeSql(p, 'bucket')}`;
    return `select ${list}\n  from (${kpiDailySums(zone, where)}) k`;
  }
  const s = `${literal(p.since.snapshot)}::pg_snapshot`;
  const window = `${tenant}
    and bucket >= (select (lo::timestamp at time zone ${zone}) - interval '1 day' from b)
    and bucket < (select (hi::timestamp at time zone ${zone}) + interval '2 days' from b)`;
  return `with ch as (
    select distinct (bucket at time zone ${zone})::date as day, team, priority, channel
    from report_rollup_change
    where ${tenant} and rev >= pg_snapshot_xmin(${s}) and not pg_visible_in_snapshot(rev, ${s})),
  b as (select min(day) as lo, max(day) as hi from ch),
  cur as (${kpiDailySums(zone, window)})
  select ${list}
  from (select ch.day, ch.team, ch.priority, ch.channel,
      ${kpiDailyColumns(zone)
        .filter(
          (c) => !['day', 'day_start', 'team', 'priority', 'channel', 'deleted'].includes(c.name),
        )
        .map((c) => `cur.${c.name}`)
        .join(', ')},
      cur.day is null as deleted
    from ch left join cur on cur.day = ch.day and cur.team = ch.team
      and cur.priority = ch.priority and cur.channel = ch.channel) k`;
}

/** The statement of a report and its columns (without their SQL). */
export function reportStatement(
  name: ReportName,
  p: ReportParams,
  encoding: Encoding,
): ReportStatement {
  let columns: SqlColumn[];
  let sql: string;
  if (name === 'tickets') {
    columns = TICKET_COLUMNS;
    sql = ticketsStatement(p, encoding);
  } else if (name === 'kpi-daily') {
    columns = kpiDailyColumns(literal(p.zone));
    sql = kpiDailyStatement(p, encoding);
  } else {
    const table = childTables(p)[name]!;
    columns = table.columns;
    sql = childStatement(table, p, encoding);
  }
  return { columns: columns.map(({ expr: _expr, ...c }) => c), sql };
}

/** A report's columns, without running anything. */
export function reportColumns(name: ReportName): ReportColumn[] {
  const p: ReportParams = { tenantId: '', now: 0, zone: 'UTC', filters: {} };
  return reportStatement(name, p, 'rows').columns;
}
