/**
 * kpi-daily: the rollups summed per local day (in the tenant's zone, or the one asked) × team ×
 * priority × channel — the figures of the KPI API (`interval=day`, grouped by those keys) as one
 * table. Buckets are 15-minute UTC instants and every local midnight falls on one, so each bucket
 * belongs to exactly one local day.
 */
import type { SqlColumn } from './columns.js';

interface Measure {
  name: string;
  table: string;
  /** Over the ledger row; summed. */
  expr: string;
  type: 'int' | 'float';
  description: string;
}

const sla = (metric: string, outcome: 'achieved' | 'breached'): Measure => ({
  name: `${metric}_${outcome}`,
  table: 'sla_rollup',
  expr: `case when metric = '${metric}' then ${outcome} else 0 end`,
  type: 'int',
  description: `${metric} clocks ${outcome}, by decision instant.`,
});
const seconds = (name: string, column: string, description: string): Measure => ({
  name,
  table: 'handle_time_rollup',
  expr: `${column} / 1000.0`,
  type: 'float',
  description,
});
const count = (name: string, table: string, column: string, description: string): Measure => ({
  name,
  table,
  expr: `"${column}"`,
  type: 'int',
  description,
});

export const KPI_DAILY_MEASURES: readonly Measure[] = [
  count('created', 'volume_rollup', 'created', 'Tickets created.'),
  count('solved', 'volume_rollup', 'solved', 'Tickets first solved.'),
  count('reopens', 'volume_rollup', 'reopens', 'Reopen events.'),
  count('tickets_deleted', 'volume_rollup', 'deleted', 'Tickets deleted.'),
  sla('first_response', 'achieved'),
  sla('first_response', 'breached'),
  sla('next_response', 'achieved'),
  sla('next_response', 'breached'),
  sla('resolution', 'achieved'),
  sla('resolution', 'breached'),
  count(
    'fcr_cohort',
    'fcr_rollup',
    'solved',
    'FCR cohort: tickets first solved (not agent-created).',
  ),
  count('fcr', 'fcr_rollup', 'fcr', 'Cohort tickets resolved at first contact.'),
  count('zero_touch', 'fcr_rollup', 'zero_touch', 'Cohort tickets solved with no touch.'),
  count('reopened', 'fcr_rollup', 'reopened', 'Cohort tickets reopened within the FCR window.'),
  count(
    'escalated',
    'fcr_rollup',
    'escalated',
    'Cohort tickets escalated before their first solve.',
  ),
  count('escalations', 'escalation_rollup', 'escalations', 'Escalation events.'),
  count('reassignments', 'reassignment_rollup', 'reassignments', 'Reassignment events.'),
  count('contacts', 'handle_time_rollup', 'contacts', 'Contacts completed.'),
  seconds('talk_seconds', 'talk_ms', 'Talk seconds of those contacts.'),
  seconds('hold_seconds', 'hold_ms', 'Hold seconds of those contacts.'),
  seconds('wrap_seconds', 'wrap_ms', 'After-contact work seconds of those contacts.'),
  seconds('handle_seconds', 'handle_ms', 'Handle seconds (talk + hold + wrap).'),
  count('backlog_entered', 'backlog_flow_rollup', 'entered', 'Entries into the backlog.'),
  count('backlog_left', 'backlog_flow_rollup', 'left', 'Departures from the backlog.'),
];

const TABLES = [...new Set(KPI_DAILY_MEASURES.map((m) => m.table))];

/** The union of the ledgers' rows, one measure column each (`where` applies to every ledger). */
export function kpiDailyLedgers(where: string): string {
  return TABLES.map((table) => {
    const values = KPI_DAILY_MEASURES.map((m) =>
      m.table === table ? `${m.expr} as ${m.name}` : `0 as ${m.name}`,
    ).join(', ');
    return `select bucket, team, priority, channel, ${values} from ${table} where ${where}`;
  }).join('\n  union all ');
}

/** The kpi-daily columns, over `k` (the day's sums) with `day` the local date. */
export function kpiDailyColumns(zone: string): SqlColumn[] {
  const dims = (name: string, description: string): SqlColumn => ({
    name,
    type: 'string',
    expr: `nullif(k.${name}, '')`,
    nullable: true,
    dictionary: true,
    description,
  });
  return [
    {
      name: 'day',
      type: 'string',
      expr: `to_char(k.day, 'YYYY-MM-DD')`,
      nullable: false,
      description: 'The local date (YYYY-MM-DD) in the report’s time zone.',
    },
    {
      name: 'day_start',
      type: 'timestamp',
      // An ambiguous local midnight is its first occurrence (calendars.md), where PostgreSQL
      // alone would take the second: the instant an hour after 23:00 is the earlier one.
      expr: `least(k.day::timestamp at time zone ${zone},
        (k.day::timestamp - interval '1 hour') at time zone ${zone} + interval '1 hour')`,
      nullable: false,
      description:
        'The instant the local day starts (the KPI API’s period_start for interval=day).',
    },
    dims('team', 'The group at the instant each figure is attributed to.'),
    dims('priority', 'The priority at that instant.'),
    dims('channel', 'The channel at that instant.'),
    ...KPI_DAILY_MEASURES.map((m): SqlColumn => ({
      name: m.name,
      type: m.type,
      // Null only in a deletion row of an incremental pull.
      expr: m.type === 'int' ? `k.${m.name}::int8` : `k.${m.name}::float8`,
      nullable: true,
      description: m.description,
    })),
    {
      name: 'deleted',
      type: 'bool',
      expr: 'k.deleted',
      nullable: false,
      description: 'True only in an incremental pull: the row with this key no longer exists.',
    },
  ];
}

/** The sums of the measures per local day and key, named as the columns expect (`k`). */
export function kpiDailySums(zone: string, where: string): string {
  const sums = KPI_DAILY_MEASURES.map((m) => `sum(u.${m.name}) as ${m.name}`).join(', ');
  const nonZero = KPI_DAILY_MEASURES.map((m) => `sum(u.${m.name}) <> 0`).join(' or ');
  return `select (u.bucket at time zone ${zone})::date as day, u.team, u.priority, u.channel,
    ${sums}, false as deleted
  from (${kpiDailyLedgers(where)}) u
  group by 1, 2, 3, 4
  having ${nonZero}`;
}
