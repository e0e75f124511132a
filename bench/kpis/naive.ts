/**
 * The "naive" SQL: what an analyst who knows the metric definitions (metrics.md) writes against
 * the tables the service keeps per ticket and per event — `ticket`, `sla_clock`, `contact`,
 * `backlog_segment`, `ticket_event` — without the rollups, the sketches or the range index the
 * API reads. Each statement answers the same question as one benchmarked request, with the same
 * rows: a period start (for `interval=week`, `date_trunc('week', … at time zone …)`), the group
 * key, and the endpoint's measures; percentiles with `percentile_disc`.
 *
 * Parameters: $1 tenant, $2 from (or as_of), $3 to, $4 the query time (`now`).
 */
import { DEFAULT_AGE_BOUNDS } from './params.js';

export const BACKLOG = `('new', 'open', 'pending', 'on_hold')`;
export const SOLVED = `('solved', 'closed')`;

export type Grouping = 'team' | 'agent';
export type Interval = 'week' | 'none';

const TZ = `'Europe/Warsaw'`;

/** The period of an instant: its local ISO week's start as an instant, or null for `none`. */
function period(interval: Interval, column: string): string {
  return interval === 'week'
    ? `(date_trunc('week', ${column} at time zone ${TZ}) at time zone ${TZ})`
    : `null::timestamptz`;
}

/**
 * The ticket's group (`team`) or assignee (`agent`) at instant `at`: the latest value the
 * ticket's created/updated events set at or before it (a JSON null is "unassigned").
 */
function attributeAt(grouping: Grouping, ticket: string, at: string): string {
  const key = grouping === 'team' ? 'group' : 'assignee_id';
  return `(select a.data->>'${key}' from ticket_event a
      where a.tenant_id = $1 and a.ticket_id = ${ticket}
        and a.type in ('ticket.created', 'ticket.updated') and a.data ? '${key}'
        and a.occurred_at <= ${at}
      order by a.occurred_at desc, a.seq desc limit 1)`;
}

/**
 * SLA compliance: clock instances decided in the range — achieved at `stopped_at`, breached at
 * `breached_at` (both are `decided_at`), attributed as the clock recorded at the decision; a
 * clock still running past `due_at` at the query time is breached at `due_at`, attributed to
 * the ticket's current attributes. Averages and percentiles over decided clocks that stopped.
 */
export function slaSql(grouping: Grouping, interval: Interval): string {
  const clockKey = grouping === 'team' ? 'c.team' : 'c.agent';
  const ticketKey = grouping === 'team' ? 't.team' : 't.assignee_id';
  const stopped = `stopped_at is not null and status <> 'active'`;
  return `
with decided as (
  select c.status, c.stopped_at, c.elapsed_business_seconds,
    coalesce(c.decided_at, c.due_at) as at,
    case when c.decided_at is null then ${ticketKey} else ${clockKey} end as key
  from sla_clock c
  join ticket t on t.tenant_id = c.tenant_id and t.ticket_id = c.ticket_id
  where c.tenant_id = $1 and not t.deleted
    and (c.status in ('achieved', 'breached')
      or (c.status = 'active' and c.stopped_at is null and c.due_at <= $4))
)
select ${period(interval, 'at')} as period, key,
  count(*) filter (where status = 'achieved') as achieved,
  count(*) filter (where status <> 'achieved') as breached,
  avg(elapsed_business_seconds) filter (where ${stopped}) as elapsed_business_seconds_avg,
  percentile_disc(0.5) within group (order by elapsed_business_seconds)
    filter (where ${stopped}) as elapsed_business_seconds_p50,
  percentile_disc(0.9) within group (order by elapsed_business_seconds)
    filter (where ${stopped}) as elapsed_business_seconds_p90
from decided
where at >= $2 and at < $3
group by 1, 2`;
}

/**
 * Every status a ticket took, in order, with the one before (`ticket.created` sets the first):
 * a solve is a change from a backlog status to solved/closed, a reopen the reverse.
 */
const STATUSES = `
statuses as (
  select ticket_id, occurred_at, coalesce(data->>'status', 'new') as status,
    lag(coalesce(data->>'status', 'new')) over (partition by ticket_id order by occurred_at, seq) as prev
  from ticket_event
  where tenant_id = $1 and type in ('ticket.created', 'ticket.status_changed')
),
first_solve as (
  select ticket_id, min(occurred_at) as at from statuses
  where status in ${SOLVED} and (prev is null or prev in ${BACKLOG})
  group by ticket_id
),
deleted as (
  select ticket_id, min(occurred_at) as at from ticket_event
  where tenant_id = $1 and type = 'ticket.deleted'
  group by ticket_id
)`;

/**
 * FCR (`one_touch`, 7-day window), from the events: customer-created, not deleted tickets first
 * solved in the range; touches = public agent replies + contacts before the first solve;
 * escalated = a tier raised above every earlier tier before it; reopened = back in a backlog
 * status within 7 days after it. Attributed to the ticket at the first solve.
 */
export function fcrSql(grouping: Grouping, interval: Interval): string {
  return `
with ${STATUSES},
cohort as (
  select f.ticket_id, f.at from first_solve f
  where f.at >= $2 and f.at < $3
    and f.ticket_id not in (select ticket_id from deleted)
    and not exists (select 1 from ticket_event c where c.tenant_id = $1
      and c.ticket_id = f.ticket_id and c.type = 'ticket.created' and c.data->>'via' = 'agent')
),
facts as (
  select c.at, ${attributeAt(grouping, 'c.ticket_id', 'c.at')} as key,
    (select count(*) from ticket_event e where e.tenant_id = $1 and e.ticket_id = c.ticket_id
      and e.occurred_at < c.at
      and ((e.type = 'ticket.message' and e.data->>'direction' = 'outbound'
            and coalesce((e.data->>'public')::boolean, true) and e.actor_type = 'agent')
        or e.type = 'contact.completed')) as touches,
    exists (select 1 from ticket_event u where u.tenant_id = $1 and u.ticket_id = c.ticket_id
      and u.type = 'ticket.updated' and u.data ? 'tier' and u.occurred_at < c.at
      and (u.data->>'tier')::int > (select max((p.data->>'tier')::int) from ticket_event p
        where p.tenant_id = $1 and p.ticket_id = c.ticket_id
          and p.type in ('ticket.created', 'ticket.updated') and p.data ? 'tier'
          and (p.occurred_at, p.seq) < (u.occurred_at, u.seq))) as escalated,
    exists (select 1 from ticket_event r where r.tenant_id = $1 and r.ticket_id = c.ticket_id
      and r.type = 'ticket.status_changed' and r.data->>'status' in ${BACKLOG}
      and r.occurred_at > c.at and r.occurred_at < c.at + interval '7 days') as reopened
  from cohort c
)
select ${period(interval, 'at')} as period, key,
  count(*) as solved,
  count(*) filter (where touches = 1 and not escalated and not reopened) as fcr,
  count(*) filter (where touches = 0) as zero_touch,
  count(*) filter (where touches >= 1) as touched,
  count(*) filter (where touches = 1 and not escalated and not reopened
    and at + interval '7 days' > $4) as pending_confirmation,
  count(*) filter (where reopened) as reopened,
  count(*) filter (where escalated) as escalated
from facts
group by 1, 2`;
}

/** Handle time of the contacts that ended in the range, from the contact table. */
export function handleTimeSql(grouping: Grouping, interval: Interval): string {
  const key = grouping === 'team' ? 'team' : 'agent_id';
  return `
select ${period(interval, 'ended_at')} as period, ${key} as key,
  count(*) as contacts,
  sum(talk_seconds) as talk_seconds, sum(hold_seconds) as hold_seconds,
  sum(wrap_seconds) as wrap_seconds, sum(handle_seconds) as handle_seconds,
  sum(handle_seconds) / count(*) as aht_seconds,
  percentile_disc(0.5) within group (order by handle_seconds) as handle_seconds_p50,
  percentile_disc(0.9) within group (order by handle_seconds) as handle_seconds_p90
from contact
where tenant_id = $1 and ended_at >= $2 and ended_at < $3
group by 1, 2`;
}

/**
 * Volume from the events: tickets created, first solved, reopened (every reopen) in the range —
 * deleted tickets left out for all of history — and deletions, each attributed to the ticket at
 * that instant.
 */
export function volumeSql(grouping: Grouping, interval: Interval): string {
  return `
with ${STATUSES},
facts as (
  select ticket_id, occurred_at as at, 'created' as what from ticket_event
  where tenant_id = $1 and type = 'ticket.created' and occurred_at >= $2 and occurred_at < $3
  union all
  select ticket_id, at, 'solved' from first_solve where at >= $2 and at < $3
  union all
  select ticket_id, occurred_at, 'reopens' from statuses
  where status in ${BACKLOG} and prev in ${SOLVED} and occurred_at >= $2 and occurred_at < $3
),
counted as (
  select at, ticket_id, what from facts where ticket_id not in (select ticket_id from deleted)
  union all
  select at, ticket_id, 'deleted' from deleted where at >= $2 and at < $3
)
select ${period(interval, 'k.at')} as period, ${attributeAt(grouping, 'k.ticket_id', 'k.at')} as key,
  count(*) filter (where k.what = 'created') as created,
  count(*) filter (where k.what = 'solved') as solved,
  count(*) filter (where k.what = 'reopens') as reopens,
  count(*) filter (where k.what = 'deleted') as deleted
from counted k
group by 1, 2`;
}

/**
 * The backlog as of $2 with a plain scan of the backlog segments (the segment holding the
 * instant: `valid_from <= T < valid_to`), age `T − created_at` in the default buckets.
 */
export function backlogSql(grouping: Grouping): string {
  const key = grouping === 'team' ? 'team' : 'agent';
  const age = `extract(epoch from ($2::timestamptz - created_at))`;
  const bounds = `array[${DEFAULT_AGE_BOUNDS.join(', ')}]::numeric[]`;
  const buckets = DEFAULT_AGE_BOUNDS.map((_, i) => i)
    .concat([DEFAULT_AGE_BOUNDS.length])
    .map((i) => `count(*) filter (where width_bucket(${age}, ${bounds}) = ${i}) as bucket_${i}`);
  return `
select null::timestamptz as period, ${key} as key,
  count(*) as total,
  count(*) filter (where status in ('new', 'open')) as actionable,
  avg(${age}) as age_seconds_avg,
  ${buckets.join(',\n  ')}
from backlog_segment
where tenant_id = $1 and valid_from <= $2 and (valid_to is null or valid_to > $2)
group by 1, 2`;
}

/** The backlog at the end of each local week of the range (the last one at `to`), by plain scans. */
export function backlogTrendSql(grouping: Grouping): string {
  const key = grouping === 'team' ? 's.team' : 's.agent';
  return `
with ends as (
  select least((w + interval '1 week') at time zone ${TZ}, $3::timestamptz) as at
  from generate_series(date_trunc('week', $2::timestamptz at time zone ${TZ}),
    ($3::timestamptz at time zone ${TZ}) - interval '1 millisecond', interval '1 week') as w
)
select e.at as period, ${key} as key,
  count(*) as total,
  count(*) filter (where s.status in ('new', 'open')) as actionable
from ends e
join backlog_segment s on s.tenant_id = $1
  and s.valid_from <= e.at and (s.valid_to is null or s.valid_to > e.at)
group by 1, 2`;
}

/**
 * The backlog as of $2 from the events alone (no derived table): each ticket's last status at or
 * before T (`ticket.created` sets the first), kept when a backlog status and the ticket is never
 * deleted; grouped by its team at T, aged from its `ticket.created`. A check of the backlog
 * segments themselves, not only of how the API reads them.
 */
export function backlogFromEventsSql(grouping: Grouping): string {
  const age = `extract(epoch from ($2::timestamptz - o.created_at))`;
  const bounds = `array[${DEFAULT_AGE_BOUNDS.join(', ')}]::numeric[]`;
  const buckets = DEFAULT_AGE_BOUNDS.map((_, i) => i)
    .concat([DEFAULT_AGE_BOUNDS.length])
    .map((i) => `count(*) filter (where width_bucket(${age}, ${bounds}) = ${i}) as bucket_${i}`);
  return `
with state as (
  select distinct on (ticket_id) ticket_id, coalesce(data->>'status', 'new') as status
  from ticket_event
  where tenant_id = $1 and type in ('ticket.created', 'ticket.status_changed')
    and occurred_at <= $2
  order by ticket_id, occurred_at desc, seq desc
),
open_tickets as (
  select s.ticket_id, s.status, c.occurred_at as created_at
  from state s
  join ticket_event c on c.tenant_id = $1 and c.ticket_id = s.ticket_id
    and c.type = 'ticket.created'
  where s.status in ${BACKLOG}
    and not exists (select 1 from ticket_event d where d.tenant_id = $1
      and d.ticket_id = s.ticket_id and d.type = 'ticket.deleted')
)
select null::timestamptz as period, ${attributeAt(grouping, 'o.ticket_id', '$2::timestamptz')} as key,
  count(*) as total,
  count(*) filter (where o.status in ('new', 'open')) as actionable,
  avg(${age}) as age_seconds_avg,
  ${buckets.join(',\n  ')}
from open_tickets o
group by 1, 2`;
}
