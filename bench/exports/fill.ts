/**
 * The SQL that fills the derived tables the reports read (`ticket`, `sla_clock`,
 * `backlog_segment`, `contact`) straight from `generate_series`, without events: this benchmark
 * measures the read/export path, and loading millions of rows through ingest would take the
 * better part of an hour (bench/ingest and bench/kpis measure that path).
 *
 * Every value is a function of the ticket number `i` and a field number, through
 * `pg_temp.bench_u(i, field)` (a uniform [0, 1) from `hashint8extended`), so the rows are the
 * same on every load and a ticket's clocks and segments agree with its ticket row without a join.
 * Each lateral subquery ends in `offset 0`, which keeps the planner from inlining it: inlined,
 * every use of a column repeats its whole expression (15 times slower here).
 */

/** Bump with any change to what these statements produce: a cached database is then reloaded. */
export const GENERATOR_VERSION = 1;

/** The generated data spans six months before this instant. */
const START = `timestamptz '2025-06-01 00:00:00+00'`;
const SPAN = `interval '183 days'`;

export const TEAMS = ['service-desk', 'network', 'applications', 'hardware', 'identity-access'];
const CATEGORIES = [
  'access',
  'account',
  'billing',
  'email',
  'hardware',
  'laptop',
  'network',
  'printer',
  'software',
  'vpn',
  'phone',
  'other',
];
const METRICS = ['first_response', 'next_response', 'resolution'];

const array = (xs: readonly string[]) => `array[${xs.map((x) => `'${x}'`).join(', ')}]`;

/** The helper every statement uses; a temporary function, so nothing is left in the database. */
export const HELPER_SQL = `create or replace function pg_temp.bench_u(i bigint, field int) returns float8
  language sql immutable parallel safe
  as $$ select (hashint8extended(i, field) & 4503599627370495)::float8 / 4503599627370496 $$`;

const u = (field: number) => `pg_temp.bench_u(g.i, ${field})`;
/** An exponential draw with the given mean (u < 1 always, so ln(1 - u) is finite). */
const expo = (field: number, mean: string) => `(-ln(1 - ${u(field)}) * ${mean})`;
const seconds = (expr: string) => `(${expr}) * interval '1 second'`;
const epochMs = (expr: string) => `(extract(epoch from ${expr}) * 1000)::int8`;

/**
 * A ticket's attributes from `g.i` (1-based): `b` the drawn values, `c` the instants that follow
 * from them. `tickets` is the tenant's ticket count (creation instants increase with `i`).
 */
function ticketLaterals(tickets: number): string {
  return `cross join lateral (select
      'INC' || lpad(g.i::text, 7, '0') as ticket_id,
      date_trunc('milliseconds', ${START} + ((g.i - 1 + ${u(1)}) / ${tickets}) * ${SPAN}) as created,
      case when ${u(2)} < 0.35 then 'closed' when ${u(2)} < 0.80 then 'solved'
        when ${u(2)} < 0.88 then 'open' when ${u(2)} < 0.93 then 'pending'
        when ${u(2)} < 0.97 then 'new' else 'on_hold' end as status,
      case when ${u(3)} < 0.15 then 'low' when ${u(3)} < 0.70 then 'normal'
        when ${u(3)} < 0.92 then 'high' else 'urgent' end as priority,
      case when ${u(4)} < 0.45 then 'email' when ${u(4)} < 0.70 then 'web'
        when ${u(4)} < 0.85 then 'chat' else 'phone' end as channel,
      floor(${u(5)} * 5)::int as team_no,
      floor(${u(6)} * 8)::int as agent_no,
      case when ${u(8)} < 0.08 then null else (${array(CATEGORIES)})[1 + floor(${u(9)} * 12)::int] end as category,
      ${u(12)} < 0.08 as reopened,
      case when ${u(14)} < 0.07 then 1 else 0 end as reassignments,
      case when ${u(15)} < 0.06 then 1 else 0 end as escalations,
      1 + floor(${expo(13, '0.8')})::int as touches
    offset 0) b
    cross join lateral (select
      b.status in ('solved', 'closed') or (b.status in ('open', 'pending') and b.reopened) as solved,
      b.status in ('solved', 'closed', 'open', 'pending', 'on_hold') as responded,
      case when b.status = 'new' and ${u(7)} < 0.5 then null else (${array(TEAMS)})[1 + b.team_no] end as team,
      case when b.status = 'new' then null
        else 'agent-' || lpad((b.team_no * 8 + b.agent_no + 1)::text, 3, '0') end as agent,
      case b.priority when 'urgent' then 'urgent-24x7' when 'high' then 'high-office'
        else 'standard-office' end as policy_id,
      case b.priority when 'urgent' then '24x7' else 'warsaw-office' end as calendar_id,
      case when b.channel in ('phone', 'chat') then 1 + (${u(17)} < 0.2)::int else 0 end as contacts,
      case b.priority when 'urgent' then 1800 when 'high' then 7200 when 'normal' then 28800
        else 86400 end as response_target,
      case b.priority when 'urgent' then 14400 when 'high' then 86400 when 'normal' then 259200
        else 432000 end as resolution_target,
      date_trunc('milliseconds', b.created + ${seconds(expo(10, '3600'))}) as responded_at,
      date_trunc('milliseconds', b.created + ${seconds(expo(11, "case b.priority when 'urgent' then 14400 when 'high' then 43200 when 'normal' then 108000 else 216000 end"))}) as solved_at
    offset 0) c`;
}

/** The ticket rows `lo`..`hi` (1-based ticket numbers) of a tenant with `tickets` tickets. */
export function ticketInsert(tenantId: string, tickets: number, lo: number, hi: number): string {
  const lastSolved = `case when c.solved then c.solved_at + (b.reopened and b.status <> 'open')::int * interval '2 days' end`;
  const closedAt = `case when b.status = 'closed' then ${lastSolved} + interval '4 days' end`;
  const derived = `json_build_object(
      'exists', true,
      'requester_id', 'REQ' || lpad(floor(${u(19)} * 200000)::text, 6, '0'),
      'organization_id', case when ${u(20)} < 0.2 then null else 'ORG' || lpad(floor(${u(21)} * 2000)::text, 4, '0') end,
      'tier', 1 + b.escalations,
      'via', case when ${u(22)} < 0.04 then 'agent' else 'customer' end,
      'last_solved_at', ${epochMs(lastSolved)},
      'closed_at', ${epochMs(closedAt)},
      'touches', b.touches,
      'reopens', case when c.solved and b.reopened then 1 else 0 end,
      'reassignments', b.reassignments,
      'escalations', b.escalations,
      'contacts', c.contacts,
      'handle_seconds', floor(c.contacts * (180 + ${u(18)} * 900) * 10) / 10,
      'fcr', case when c.solved then b.touches = 1 and not b.reopened end)`;
  return `insert into ticket (tenant_id, ticket_id, derived, status, priority, channel, team,
    assignee_id, category, created_at, deleted, first_solved_at, policy_id, last_occurred_at,
    last_seq, config_revision, updated_at, rev)
  select '${tenantId}'::uuid, b.ticket_id, ${derived}, b.status, b.priority, b.channel, c.team,
    c.agent, b.category, b.created, false, case when c.solved then c.solved_at end, c.policy_id,
    coalesce(${closedAt}, ${lastSolved}, case when c.responded then c.responded_at end, b.created),
    g.i * 8, 0, now(), pg_current_xact_id()
  from generate_series(${lo}, ${hi}) g(i)
  ${ticketLaterals(tickets)}`;
}

/**
 * The clock rows `lo`..`hi` (0-based clock numbers k: ticket k / 3 + 1, metric k % 3) of a
 * tenant with `tickets` tickets: a first response, a next response and a resolution clock each.
 */
export function clockInsert(tenantId: string, tickets: number, lo: number, hi: number): string {
  const factor = `case c.calendar_id when '24x7' then 1.0 else 0.42 end`;
  return `insert into sla_clock (tenant_id, ticket_id, metric, cycle, policy_id, policy_version,
    calendar_id, status, stop_reason, started_at, stopped_at, target_seconds,
    elapsed_business_seconds, elapsed_calendar_seconds, paused_calendar_seconds, running_since,
    due_at, at_risk_at, breached_at, decided_at, team, agent, priority, channel, category)
  select '${tenantId}'::uuid, b.ticket_id, (${array(METRICS)})[m + 1], 1, c.policy_id, 1,
    c.calendar_id,
    case when d.running and m = 2 and b.status in ('pending', 'on_hold') then 'paused'
      when d.running then 'active' when d.wall * ${factor} > d.target then 'breached' else 'achieved' end,
    case when d.running then null when m = 2 then 'solved' else 'responded' end,
    d.started, case when not d.running then d.stopped end, d.target,
    case when d.running then floor(${u(33)} * d.target) else floor(d.wall * ${factor}) end,
    case when d.running then floor(${u(33)} * d.target / ${factor}) else floor(d.wall) end,
    case when m = 2 and ${u(34)} < 0.25 then floor(${u(35)} * 86400) else 0 end,
    case when d.running and not (m = 2 and b.status in ('pending', 'on_hold')) then d.started end,
    d.due, date_trunc('milliseconds', d.started + ${seconds(`0.8 * d.target / ${factor}`)}),
    case when not d.running and d.wall * ${factor} > d.target then d.due end,
    case when d.running then null when d.wall * ${factor} > d.target then d.due
      else d.stopped end,
    c.team, c.agent, b.priority, b.channel, b.category
  from (select k, k / 3 + 1 as i, (k % 3)::int as m from generate_series(${lo}, ${hi}) k) g
  ${ticketLaterals(tickets)}
  cross join lateral (select
      case when m = 2 then c.resolution_target else c.response_target end::float8 as target,
      case m when 0 then not c.responded when 1 then b.status in ('open', 'new') and ${u(32)} < 0.6
        else not c.solved end as running,
      case when m = 1 then date_trunc('milliseconds', c.responded_at + ${seconds(expo(31, '86400'))})
        else b.created end as started,
      case m when 0 then extract(epoch from c.responded_at - b.created)
        when 1 then ${expo(30, 'c.response_target * 1.1')}
        else extract(epoch from c.solved_at - b.created) end as wall
    offset 0) d0
  cross join lateral (select d0.*,
      date_trunc('milliseconds', d0.started + ${seconds(`d0.target / ${factor}`)}) as due,
      date_trunc('milliseconds', d0.started + ${seconds('d0.wall')}) as stopped offset 0) d`;
}

/**
 * The backlog segments `lo`..`hi` (0-based: ticket s / 2 + 1, n = s % 2): `new` until the first
 * response, then open (or pending, on hold) until the first solve, or still running.
 */
export function segmentInsert(tenantId: string, tickets: number, lo: number, hi: number): string {
  return `insert into backlog_segment (tenant_id, ticket_id, n, valid_from, valid_to, status,
    team, agent, priority, channel, category, policy_id, calendar_id, created_at)
  select '${tenantId}'::uuid, b.ticket_id, g.n,
    case when g.n = 0 then b.created else c.responded_at end,
    case when g.n = 0 then c.responded_at when c.solved then greatest(c.solved_at, c.responded_at) end,
    case when g.n = 0 or b.status = 'new' then 'new'
      when b.status in ('pending', 'on_hold') then b.status else 'open' end,
    c.team, case when g.n = 1 then c.agent end, b.priority, b.channel, b.category, c.policy_id,
    c.calendar_id, b.created
  from (select s, s / 2 + 1 as i, (s % 2)::int as n from generate_series(${lo}, ${hi}) s) g
  ${ticketLaterals(tickets)}`;
}

/** One contact for every 50th ticket (talk, hold, wrap), for a non-empty contacts table. */
export function contactInsert(tenantId: string, tickets: number): string {
  return `insert into contact (tenant_id, ticket_id, n, ended_at, started_at, agent_id, channel,
    team, priority, category, policy_id, talk_seconds, hold_seconds, wrap_seconds, handle_seconds)
  select '${tenantId}'::uuid, b.ticket_id, 0, c.responded_at + ${seconds('t.talk + t.hold')},
    c.responded_at, coalesce(c.agent, 'agent-001'), b.channel, c.team, b.priority, b.category,
    c.policy_id, t.talk, t.hold, t.wrap, t.talk + t.hold + t.wrap
  from generate_series(50, ${tickets}, 50) g(i)
  ${ticketLaterals(tickets)}
  cross join lateral (select floor(${expo(40, '420')}) as talk, floor(${expo(41, '60')}) as hold,
    floor(${expo(42, '90')}) as wrap offset 0) t`;
}
