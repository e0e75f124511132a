/**
 * The report tables' columns as SQL (GET /v1/reports/{name}): each column's name, type and
 * meaning (core/report/table.ts) with the expression that computes it. The HTTP reports, the
 * `reporting` views and the docs are all built from these lists.
 *
 * Rows of the ticket-keyed tables come from the derived tables the fold writes (`ticket`,
 * `sla_clock`, `contact`, `backlog_segment`); kpi-daily sums the rollup ledgers by local day.
 */
import type { ReportColumn } from '../../core/report/table.js';

/** A report column with the SQL expression computing it (over the report's FROM clause). */
export interface SqlColumn extends ReportColumn {
  expr: string;
}

type Spec = [
  name: string,
  type: SqlColumn['type'],
  expr: string,
  description: string,
  flags?: { dictionary?: boolean; notNull?: boolean },
];

const dict = { dictionary: true };
const key = { notNull: true };

function columns(specs: readonly Spec[]): SqlColumn[] {
  return specs.map(([name, type, expr, description, flags]) => ({
    name,
    type,
    expr,
    description,
    nullable: flags?.notNull !== true,
    ...(flags?.dictionary === true ? { dictionary: true } : {}),
  }));
}

/** The column every report ends with: false in full pulls; true for a deletion in an incremental pull. */
const DELETED: Spec = [
  'deleted',
  'bool',
  'false',
  'True only in an incremental pull: the row with this key no longer exists.',
  key,
];

const ms = (field: string) => `to_timestamp(${field} / 1000.0)`;

/** tickets: one row per ticket (FROM ticket t, json_to_record(t.derived) d). */
export const TICKET_COLUMNS = columns([
  ['ticket_id', 'string', 't.ticket_id', 'The ticket id, as sent in its events.', key],
  ['status', 'string', 't.status', 'Current status.', dict],
  ['priority', 'string', 't.priority', 'Current priority.', dict],
  ['channel', 'string', 't.channel', 'Current channel.', dict],
  ['team', 'string', 't.team', 'Current group (team).', dict],
  ['assignee_id', 'string', 't.assignee_id', 'Current assignee.', dict],
  ['requester_id', 'string', 'd.requester_id', 'The requester.'],
  ['organization_id', 'string', 'd.organization_id', "The requester's organization.", dict],
  ['category', 'string', 't.category', 'Current category.', dict],
  ['tier', 'int', 'd.tier', 'Current support tier (1 = first line).'],
  ['via', 'string', 'd.via', 'Who created the ticket: customer or agent.', dict],
  ['policy_id', 'string', 't.policy_id', 'The SLA policy that applies now.', dict],
  ['created_at', 'timestamp', 't.created_at', 'When the ticket was created.'],
  [
    'first_solved_at',
    'timestamp',
    't.first_solved_at',
    'Its first transition to solved or closed.',
  ],
  [
    'last_solved_at',
    'timestamp',
    ms('d.last_solved_at'),
    'Its latest transition to solved or closed.',
  ],
  ['closed_at', 'timestamp', ms('d.closed_at'), 'When it entered closed; null while not closed.'],
  ['last_event_at', 'timestamp', 't.last_occurred_at', 'The instant of its latest event.'],
  [
    'touches',
    'int',
    'd.touches',
    'Agent responses and contacts before the first solve (FCR touches).',
  ],
  ['reopens', 'int', 'd.reopens', 'Reopen events (solved or closed back to a backlog status).'],
  ['reassignments', 'int', 'd.reassignments', 'Reassignment events.'],
  ['escalations', 'int', 'd.escalations', 'Escalation events.'],
  ['contacts', 'int', 'd.contacts', 'Completed contacts (calls, chats).'],
  ['handle_seconds', 'float', 'd.handle_seconds', 'Talk + hold + wrap seconds of its contacts.'],
  ['fcr', 'bool', 'd.fcr', 'Resolved at first contact (one_touch); null until first solved.'],
  [
    'deleted',
    'bool',
    't.deleted',
    'The ticket was deleted (only incremental pulls send these).',
    key,
  ],
]);

/** sla-instances: one row per clock instance (FROM sla_clock c). `now` is the query time. */
export function slaInstanceColumns(now: string): SqlColumn[] {
  const open = `c.stopped_at is null and c.status = 'active'`;
  return columns([
    ['ticket_id', 'string', 'c.ticket_id', 'The ticket.', key],
    [
      'metric',
      'string',
      'c.metric',
      'first_response, next_response or resolution.',
      { ...dict, ...key },
    ],
    ['cycle', 'int', 'c.cycle', 'The instance of the metric on the ticket (1, 2, …).', key],
    [
      'status',
      'string',
      `case when ${open} and c.due_at < ${now} then 'breached'
        when ${open} and c.at_risk_at <= ${now} then 'at_risk' else c.status end`,
      'active, at_risk, paused, achieved or breached, as of the query time.',
      dict,
    ],
    ['stop_reason', 'string', 'c.stop_reason', 'Why the clock stopped (responded, solved…).', dict],
    ['policy_id', 'string', 'c.policy_id', 'The SLA policy of the clock.', dict],
    ['policy_version', 'int', 'c.policy_version', 'The policy list version it was started under.'],
    ['calendar_id', 'string', 'c.calendar_id', 'The business calendar it runs on.', dict],
    ['started_at', 'timestamp', 'c.started_at', 'When the clock started.'],
    ['stopped_at', 'timestamp', 'c.stopped_at', 'When it stopped; null while running or paused.'],
    ['target_seconds', 'float', 'c.target_seconds', 'The target, in business seconds.'],
    [
      'elapsed_business_seconds',
      'float',
      'c.elapsed_business_seconds',
      "Business seconds elapsed (a running clock's as of its ticket's last event).",
    ],
    [
      'elapsed_calendar_seconds',
      'float',
      'c.elapsed_calendar_seconds',
      'Wall seconds while running.',
    ],
    ['paused_calendar_seconds', 'float', 'c.paused_calendar_seconds', 'Wall seconds while paused.'],
    [
      'due_at',
      'timestamp',
      'case when c.stopped_at is null then c.due_at end',
      'When it breaches if still running (open clocks).',
    ],
    [
      'at_risk_at',
      'timestamp',
      'case when c.stopped_at is null then c.at_risk_at end',
      'When it becomes at risk (open clocks).',
    ],
    [
      'breached_at',
      'timestamp',
      `case when ${open} and c.due_at < ${now} then c.due_at else c.breached_at end`,
      'When it breached; null if it has not.',
    ],
    [
      'decided_at',
      'timestamp',
      'c.decided_at',
      'When it was decided (achieved → stop, breached → breach).',
    ],
    ['team', 'string', 'c.team', 'The group at the decision instant.', dict],
    ['agent', 'string', 'c.agent', 'The assignee at the decision instant.', dict],
    ['priority', 'string', 'c.priority', 'The priority at the decision instant.', dict],
    ['channel', 'string', 'c.channel', 'The channel at the decision instant.', dict],
    ['category', 'string', 'c.category', 'The category at the decision instant.', dict],
    DELETED,
  ]);
}

/** contacts: one row per completed contact (FROM contact x). */
export const CONTACT_COLUMNS = columns([
  ['ticket_id', 'string', 'x.ticket_id', 'The ticket.', key],
  ['n', 'int', 'x.n', "The contact's number within the ticket (0, 1, …).", key],
  ['agent_id', 'string', 'x.agent_id', 'The agent who handled it.', dict],
  ['started_at', 'timestamp', 'x.started_at', 'When it started, when known.'],
  ['ended_at', 'timestamp', 'x.ended_at', 'When it ended (the instant it is attributed to).'],
  ['channel', 'string', 'x.channel', 'Its channel (default: the ticket’s).', dict],
  ['team', 'string', 'x.team', 'The ticket’s group when it ended.', dict],
  ['priority', 'string', 'x.priority', 'The ticket’s priority when it ended.', dict],
  ['category', 'string', 'x.category', 'The ticket’s category when it ended.', dict],
  ['policy_id', 'string', 'x.policy_id', 'The ticket’s SLA policy when it ended.', dict],
  ['talk_seconds', 'float', 'x.talk_seconds', 'Talk seconds.'],
  ['hold_seconds', 'float', 'x.hold_seconds', 'Hold seconds.'],
  ['wrap_seconds', 'float', 'x.wrap_seconds', 'After-contact work seconds.'],
  ['handle_seconds', 'float', 'x.handle_seconds', 'talk + hold + wrap.'],
  DELETED,
]);

/** status-intervals: the backlog segments (FROM backlog_segment s). */
export const STATUS_INTERVAL_COLUMNS = columns([
  ['ticket_id', 'string', 's.ticket_id', 'The ticket.', key],
  ['n', 'int', 's.n', "The interval's number within the ticket (0, 1, …).", key],
  ['status', 'string', 's.status', 'The backlog status held over the interval.', dict],
  ['valid_from', 'timestamp', 's.valid_from', 'Start of the interval (inclusive).'],
  ['valid_to', 'timestamp', 's.valid_to', 'End of the interval (exclusive); null while it lasts.'],
  ['team', 'string', 's.team', 'The group over the interval.', dict],
  ['agent', 'string', 's.agent', 'The assignee over the interval.', dict],
  ['priority', 'string', 's.priority', 'The priority over the interval.', dict],
  ['channel', 'string', 's.channel', 'The channel over the interval.', dict],
  ['category', 'string', 's.category', 'The category over the interval.', dict],
  ['policy_id', 'string', 's.policy_id', 'The SLA policy over the interval.', dict],
  ['calendar_id', 'string', 's.calendar_id', 'The calendar business age is measured on.', dict],
  ['ticket_created_at', 'timestamp', 's.created_at', 'When the ticket was created (for ages).'],
  DELETED,
]);
