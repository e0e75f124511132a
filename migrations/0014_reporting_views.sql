-- Direct SQL for BI tools (issue 14): the report tables of GET /v1/reports/{name} as views in a
-- schema of their own, `reporting`, for tools that connect straight to PostgreSQL (Metabase,
-- Power BI, Grafana). Each view has the HTTP report's columns (src/storage/reports/columns.ts,
-- kpi-daily.ts), with the same values in SQL types: timestamps as timestamptz, counts as bigint,
-- seconds as double precision, kpi_daily's local day as a date. The reports' `deleted` column is
-- left out: it is true only in incremental pulls, and a view is always the whole table. No view
-- has a tenant_id: each shows the rows of one tenant, the one its reader logs in for.
--
-- A reader is a login role created by `deskmetrics reporting-role create` (roles are
-- cluster-wide, so no migration creates one) and mapped to its tenant in `reporting_role`. It is
-- granted SELECT on these views and nothing else. The views run with their owner's privileges
-- (security_invoker = false, spelled out), which is how they read tables their reader cannot,
-- and filter on the tenant mapped to `current_user` (the reader: a view does not change it). The
-- mapping is read by a subquery, not by a function: a function called from a view runs with the
-- caller's privileges, and the reader has none on reporting_role.
--
-- security_barrier: without it the planner may evaluate a reader's own WHERE conditions before
-- the view's tenant filter, and a condition calling a function that reports its argument (a
-- RAISE NOTICE in pg_temp) would see other tenants' rows. With it, only leakproof functions and
-- operators (built-in comparisons; no one but a superuser can mark a function leakproof) are
-- pushed below the filter.

-- Which tenant each reporting login reads. A small global table (a reference table in Citus, as
-- api_key is): the login is known before the tenant, as a key is, and role names are unique in
-- the cluster.
create table reporting_role (
  role_name text primary key,
  tenant_id uuid not null references tenant (tenant_id),
  created_at timestamptz not null default now()
);

create schema reporting;
comment on schema reporting is
  'deskmetrics report tables for BI tools: each view shows the rows of the tenant of the role reading it (docs/reporting-sql.md).';

-- tickets: one row per ticket, as GET /v1/reports/tickets (deleted tickets left out).
create view reporting.tickets with (security_barrier, security_invoker = false) as
select
  t.ticket_id,
  t.status,
  t.priority,
  t.channel,
  t.team,
  t.assignee_id,
  d.requester_id,
  d.organization_id,
  t.category,
  d.tier,
  d.via,
  t.policy_id,
  t.created_at,
  t.first_solved_at,
  to_timestamp(d.last_solved_at / 1000.0) as last_solved_at,
  to_timestamp(d.closed_at / 1000.0) as closed_at,
  t.last_occurred_at as last_event_at,
  d.touches,
  d.reopens,
  d.reassignments,
  d.escalations,
  d.contacts,
  d.handle_seconds,
  d.fcr
from ticket t
  cross join lateral json_to_record(t.derived) as d(requester_id text, organization_id text,
    tier int8, via text, last_solved_at float8, closed_at float8, touches int8, reopens int8,
    reassignments int8, escalations int8, contacts int8, handle_seconds float8, fcr boolean)
where t.tenant_id = (select r.tenant_id from reporting_role r where r.role_name = current_user)
  and t.status is not null
  and not t.deleted;
comment on view reporting.tickets is
  'One row per ticket: its current attributes, milestones and counts (GET /v1/reports/tickets).';
comment on column reporting.tickets.ticket_id is 'The ticket id, as sent in its events.';
comment on column reporting.tickets.status is 'Current status.';
comment on column reporting.tickets.priority is 'Current priority.';
comment on column reporting.tickets.channel is 'Current channel.';
comment on column reporting.tickets.team is 'Current group (team).';
comment on column reporting.tickets.assignee_id is 'Current assignee.';
comment on column reporting.tickets.requester_id is 'The requester.';
comment on column reporting.tickets.organization_id is 'The requester''s organization.';
comment on column reporting.tickets.category is 'Current category.';
comment on column reporting.tickets.tier is 'Current support tier (1 = first line).';
comment on column reporting.tickets.via is 'Who created the ticket: customer or agent.';
comment on column reporting.tickets.policy_id is 'The SLA policy that applies now.';
comment on column reporting.tickets.created_at is 'When the ticket was created.';
comment on column reporting.tickets.first_solved_at is 'Its first transition to solved or closed.';
comment on column reporting.tickets.last_solved_at is 'Its latest transition to solved or closed.';
comment on column reporting.tickets.closed_at is 'When it entered closed; null while not closed.';
comment on column reporting.tickets.last_event_at is 'The instant of its latest event.';
comment on column reporting.tickets.touches is 'Agent responses and contacts before the first solve (FCR touches).';
comment on column reporting.tickets.reopens is 'Reopen events (solved or closed back to a backlog status).';
comment on column reporting.tickets.reassignments is 'Reassignment events.';
comment on column reporting.tickets.escalations is 'Escalation events.';
comment on column reporting.tickets.contacts is 'Completed contacts (calls, chats).';
comment on column reporting.tickets.handle_seconds is 'Talk + hold + wrap seconds of its contacts.';
comment on column reporting.tickets.fcr is 'Resolved at first contact (one_touch); null until first solved.';

-- sla_instances: one row per SLA clock instance; an open clock past its due or at-risk instant
-- is breached or at risk as of now(), the start of the reading transaction.
create view reporting.sla_instances with (security_barrier, security_invoker = false) as
select
  c.ticket_id,
  c.metric,
  c.cycle::int8 as cycle,
  case
    when c.stopped_at is null and c.status = 'active' and c.due_at < now() then 'breached'
    when c.stopped_at is null and c.status = 'active' and c.at_risk_at <= now() then 'at_risk'
    else c.status
  end as status,
  c.stop_reason,
  c.policy_id,
  c.policy_version::int8 as policy_version,
  c.calendar_id,
  c.started_at,
  c.stopped_at,
  c.target_seconds,
  c.elapsed_business_seconds,
  c.elapsed_calendar_seconds,
  c.paused_calendar_seconds,
  case when c.stopped_at is null then c.due_at end as due_at,
  case when c.stopped_at is null then c.at_risk_at end as at_risk_at,
  case
    when c.stopped_at is null and c.status = 'active' and c.due_at < now() then c.due_at
    else c.breached_at
  end as breached_at,
  c.decided_at,
  c.team,
  c.agent,
  c.priority,
  c.channel,
  c.category
from sla_clock c
where c.tenant_id = (select r.tenant_id from reporting_role r where r.role_name = current_user);
comment on view reporting.sla_instances is
  'One row per SLA clock instance (first response, next response, resolution), its status as of the query (GET /v1/reports/sla-instances).';
comment on column reporting.sla_instances.ticket_id is 'The ticket.';
comment on column reporting.sla_instances.metric is 'first_response, next_response or resolution.';
comment on column reporting.sla_instances.cycle is 'The instance of the metric on the ticket (1, 2, …).';
comment on column reporting.sla_instances.status is 'active, at_risk, paused, achieved or breached, as of the query time.';
comment on column reporting.sla_instances.stop_reason is 'Why the clock stopped (responded, solved…).';
comment on column reporting.sla_instances.policy_id is 'The SLA policy of the clock.';
comment on column reporting.sla_instances.policy_version is 'The policy list version it was started under.';
comment on column reporting.sla_instances.calendar_id is 'The business calendar it runs on.';
comment on column reporting.sla_instances.started_at is 'When the clock started.';
comment on column reporting.sla_instances.stopped_at is 'When it stopped; null while running or paused.';
comment on column reporting.sla_instances.target_seconds is 'The target, in business seconds.';
comment on column reporting.sla_instances.elapsed_business_seconds is 'Business seconds elapsed (a running clock''s as of its ticket''s last event).';
comment on column reporting.sla_instances.elapsed_calendar_seconds is 'Wall seconds while running.';
comment on column reporting.sla_instances.paused_calendar_seconds is 'Wall seconds while paused.';
comment on column reporting.sla_instances.due_at is 'When it breaches if still running (open clocks).';
comment on column reporting.sla_instances.at_risk_at is 'When it becomes at risk (open clocks).';
comment on column reporting.sla_instances.breached_at is 'When it breached; null if it has not.';
comment on column reporting.sla_instances.decided_at is 'When it was decided (achieved → stop, breached → breach).';
comment on column reporting.sla_instances.team is 'The group at the decision instant.';
comment on column reporting.sla_instances.agent is 'The assignee at the decision instant.';
comment on column reporting.sla_instances.priority is 'The priority at the decision instant.';
comment on column reporting.sla_instances.channel is 'The channel at the decision instant.';
comment on column reporting.sla_instances.category is 'The category at the decision instant.';

-- contacts: one row per completed contact.
create view reporting.contacts with (security_barrier, security_invoker = false) as
select
  x.ticket_id,
  x.n::int8 as n,
  x.agent_id,
  x.started_at,
  x.ended_at,
  x.channel,
  x.team,
  x.priority,
  x.category,
  x.policy_id,
  x.talk_seconds,
  x.hold_seconds,
  x.wrap_seconds,
  x.handle_seconds
from contact x
where x.tenant_id = (select r.tenant_id from reporting_role r where r.role_name = current_user);
comment on view reporting.contacts is
  'One row per completed contact (call, chat, work session) with its durations (GET /v1/reports/contacts).';
comment on column reporting.contacts.ticket_id is 'The ticket.';
comment on column reporting.contacts.n is 'The contact''s number within the ticket (0, 1, …).';
comment on column reporting.contacts.agent_id is 'The agent who handled it.';
comment on column reporting.contacts.started_at is 'When it started, when known.';
comment on column reporting.contacts.ended_at is 'When it ended (the instant it is attributed to).';
comment on column reporting.contacts.channel is 'Its channel (default: the ticket’s).';
comment on column reporting.contacts.team is 'The ticket’s group when it ended.';
comment on column reporting.contacts.priority is 'The ticket’s priority when it ended.';
comment on column reporting.contacts.category is 'The ticket’s category when it ended.';
comment on column reporting.contacts.policy_id is 'The ticket’s SLA policy when it ended.';
comment on column reporting.contacts.talk_seconds is 'Talk seconds.';
comment on column reporting.contacts.hold_seconds is 'Hold seconds.';
comment on column reporting.contacts.wrap_seconds is 'After-contact work seconds.';
comment on column reporting.contacts.handle_seconds is 'talk + hold + wrap.';

-- status_intervals: the backlog segments, [valid_from, valid_to) in one backlog status with
-- unchanged attribution.
create view reporting.status_intervals with (security_barrier, security_invoker = false) as
select
  s.ticket_id,
  s.n::int8 as n,
  s.status,
  s.valid_from,
  s.valid_to,
  s.team,
  s.agent,
  s.priority,
  s.channel,
  s.category,
  s.policy_id,
  s.calendar_id,
  s.created_at as ticket_created_at
from backlog_segment s
where s.tenant_id = (select r.tenant_id from reporting_role r where r.role_name = current_user);
comment on view reporting.status_intervals is
  'The intervals each ticket spent in a backlog status with unchanged attribution: the backlog as of T is the intervals containing T (GET /v1/reports/status-intervals).';
comment on column reporting.status_intervals.ticket_id is 'The ticket.';
comment on column reporting.status_intervals.n is 'The interval''s number within the ticket (0, 1, …).';
comment on column reporting.status_intervals.status is 'The backlog status held over the interval.';
comment on column reporting.status_intervals.valid_from is 'Start of the interval (inclusive).';
comment on column reporting.status_intervals.valid_to is 'End of the interval (exclusive); null while it lasts.';
comment on column reporting.status_intervals.team is 'The group over the interval.';
comment on column reporting.status_intervals.agent is 'The assignee over the interval.';
comment on column reporting.status_intervals.priority is 'The priority over the interval.';
comment on column reporting.status_intervals.channel is 'The channel over the interval.';
comment on column reporting.status_intervals.category is 'The category over the interval.';
comment on column reporting.status_intervals.policy_id is 'The SLA policy over the interval.';
comment on column reporting.status_intervals.calendar_id is 'The calendar business age is measured on.';
comment on column reporting.status_intervals.ticket_created_at is 'When the ticket was created (for ages).';

-- kpi_daily: the rollup ledgers summed per local day of the tenant's zone (tenant.timezone) ×
-- team × priority × channel, as GET /v1/reports/kpi-daily without `timezone`. Buckets are
-- 15-minute UTC instants and every local midnight falls on one, so each bucket belongs to one
-- day. The ledgers are unioned with every measure in each (0 where a ledger has none of it), as
-- the report does; only the first branch names the columns.
create view reporting.kpi_daily with (security_barrier, security_invoker = false) as
select
  k.day,
  -- An ambiguous local midnight is its first occurrence (calendars.md), as in the report.
  least(k.day::timestamp at time zone me.timezone,
    (k.day::timestamp - interval '1 hour') at time zone me.timezone + interval '1 hour')
    as day_start,
  nullif(k.team, '') as team,
  nullif(k.priority, '') as priority,
  nullif(k.channel, '') as channel,
  k.created::int8 as created,
  k.solved::int8 as solved,
  k.reopens::int8 as reopens,
  k.tickets_deleted::int8 as tickets_deleted,
  k.first_response_achieved::int8 as first_response_achieved,
  k.first_response_breached::int8 as first_response_breached,
  k.next_response_achieved::int8 as next_response_achieved,
  k.next_response_breached::int8 as next_response_breached,
  k.resolution_achieved::int8 as resolution_achieved,
  k.resolution_breached::int8 as resolution_breached,
  k.fcr_cohort::int8 as fcr_cohort,
  k.fcr::int8 as fcr,
  k.zero_touch::int8 as zero_touch,
  k.reopened::int8 as reopened,
  k.escalated::int8 as escalated,
  k.escalations::int8 as escalations,
  k.reassignments::int8 as reassignments,
  k.contacts::int8 as contacts,
  k.talk_seconds::float8 as talk_seconds,
  k.hold_seconds::float8 as hold_seconds,
  k.wrap_seconds::float8 as wrap_seconds,
  k.handle_seconds::float8 as handle_seconds,
  k.backlog_entered::int8 as backlog_entered,
  k.backlog_left::int8 as backlog_left
from (
    select r.tenant_id, tn.timezone
    from reporting_role r join tenant tn on tn.tenant_id = r.tenant_id
    where r.role_name = current_user
  ) me
  cross join lateral (
    select (u.bucket at time zone me.timezone)::date as day, u.team, u.priority, u.channel,
      sum(u.created) as created, sum(u.solved) as solved, sum(u.reopens) as reopens,
      sum(u.tickets_deleted) as tickets_deleted,
      sum(u.first_response_achieved) as first_response_achieved,
      sum(u.first_response_breached) as first_response_breached,
      sum(u.next_response_achieved) as next_response_achieved,
      sum(u.next_response_breached) as next_response_breached,
      sum(u.resolution_achieved) as resolution_achieved,
      sum(u.resolution_breached) as resolution_breached,
      sum(u.fcr_cohort) as fcr_cohort, sum(u.fcr) as fcr, sum(u.zero_touch) as zero_touch,
      sum(u.reopened) as reopened, sum(u.escalated) as escalated,
      sum(u.escalations) as escalations, sum(u.reassignments) as reassignments,
      sum(u.contacts) as contacts, sum(u.talk_seconds) as talk_seconds,
      sum(u.hold_seconds) as hold_seconds, sum(u.wrap_seconds) as wrap_seconds,
      sum(u.handle_seconds) as handle_seconds,
      sum(u.backlog_entered) as backlog_entered, sum(u.backlog_left) as backlog_left
    from (
        select bucket, team, priority, channel,
          -- volume: created, solved, reopens, tickets_deleted
          created, solved, reopens, deleted as tickets_deleted,
          -- sla: {first_response, next_response, resolution} × {achieved, breached}
          0 as first_response_achieved, 0 as first_response_breached,
          0 as next_response_achieved, 0 as next_response_breached,
          0 as resolution_achieved, 0 as resolution_breached,
          -- fcr: fcr_cohort, fcr, zero_touch, reopened, escalated
          0 as fcr_cohort, 0 as fcr, 0 as zero_touch, 0 as reopened, 0 as escalated,
          -- escalations, reassignments
          0 as escalations, 0 as reassignments,
          -- handle time: contacts, talk, hold, wrap and handle seconds
          0 as contacts, 0 as talk_seconds, 0 as hold_seconds, 0 as wrap_seconds,
          0 as handle_seconds,
          -- backlog flow: entered, left
          0 as backlog_entered, 0 as backlog_left
        from volume_rollup where tenant_id = me.tenant_id
      union all
        select bucket, team, priority, channel,
          0, 0, 0, 0,
          case when metric = 'first_response' then achieved else 0 end,
          case when metric = 'first_response' then breached else 0 end,
          case when metric = 'next_response' then achieved else 0 end,
          case when metric = 'next_response' then breached else 0 end,
          case when metric = 'resolution' then achieved else 0 end,
          case when metric = 'resolution' then breached else 0 end,
          0, 0, 0, 0, 0,
          0, 0,
          0, 0, 0, 0, 0,
          0, 0
        from sla_rollup where tenant_id = me.tenant_id
      union all
        select bucket, team, priority, channel,
          0, 0, 0, 0,
          0, 0, 0, 0, 0, 0,
          solved, fcr, zero_touch, reopened, escalated,
          0, 0,
          0, 0, 0, 0, 0,
          0, 0
        from fcr_rollup where tenant_id = me.tenant_id
      union all
        select bucket, team, priority, channel,
          0, 0, 0, 0,
          0, 0, 0, 0, 0, 0,
          0, 0, 0, 0, 0,
          escalations, 0,
          0, 0, 0, 0, 0,
          0, 0
        from escalation_rollup where tenant_id = me.tenant_id
      union all
        select bucket, team, priority, channel,
          0, 0, 0, 0,
          0, 0, 0, 0, 0, 0,
          0, 0, 0, 0, 0,
          0, reassignments,
          0, 0, 0, 0, 0,
          0, 0
        from reassignment_rollup where tenant_id = me.tenant_id
      union all
        select bucket, team, priority, channel,
          0, 0, 0, 0,
          0, 0, 0, 0, 0, 0,
          0, 0, 0, 0, 0,
          0, 0,
          contacts, talk_ms / 1000.0, hold_ms / 1000.0, wrap_ms / 1000.0, handle_ms / 1000.0,
          0, 0
        from handle_time_rollup where tenant_id = me.tenant_id
      union all
        select bucket, team, priority, channel,
          0, 0, 0, 0,
          0, 0, 0, 0, 0, 0,
          0, 0, 0, 0, 0,
          0, 0,
          0, 0, 0, 0, 0,
          entered, "left"
        from backlog_flow_rollup where tenant_id = me.tenant_id
    ) u
    group by 1, 2, 3, 4
    -- A key whose deltas cancel out (compaction drops those rows) is no row, as in the report.
    having sum(u.created) <> 0 or sum(u.solved) <> 0 or sum(u.reopens) <> 0
      or sum(u.tickets_deleted) <> 0 or sum(u.first_response_achieved) <> 0
      or sum(u.first_response_breached) <> 0 or sum(u.next_response_achieved) <> 0
      or sum(u.next_response_breached) <> 0 or sum(u.resolution_achieved) <> 0
      or sum(u.resolution_breached) <> 0 or sum(u.fcr_cohort) <> 0 or sum(u.fcr) <> 0
      or sum(u.zero_touch) <> 0 or sum(u.reopened) <> 0 or sum(u.escalated) <> 0
      or sum(u.escalations) <> 0 or sum(u.reassignments) <> 0 or sum(u.contacts) <> 0
      or sum(u.talk_seconds) <> 0 or sum(u.hold_seconds) <> 0 or sum(u.wrap_seconds) <> 0
      or sum(u.handle_seconds) <> 0 or sum(u.backlog_entered) <> 0 or sum(u.backlog_left) <> 0
  ) k;
comment on view reporting.kpi_daily is
  'The KPI figures per local day (tenant time zone) × team × priority × channel, summed from the rollups (GET /v1/reports/kpi-daily).';
comment on column reporting.kpi_daily.day is 'The local date in the tenant’s time zone (tenant.timezone).';
comment on column reporting.kpi_daily.day_start is 'The instant the local day starts (the KPI API’s period_start for interval=day).';
comment on column reporting.kpi_daily.team is 'The group at the instant each figure is attributed to.';
comment on column reporting.kpi_daily.priority is 'The priority at that instant.';
comment on column reporting.kpi_daily.channel is 'The channel at that instant.';
comment on column reporting.kpi_daily.created is 'Tickets created.';
comment on column reporting.kpi_daily.solved is 'Tickets first solved.';
comment on column reporting.kpi_daily.reopens is 'Reopen events.';
comment on column reporting.kpi_daily.tickets_deleted is 'Tickets deleted.';
comment on column reporting.kpi_daily.first_response_achieved is 'first_response clocks achieved, by decision instant.';
comment on column reporting.kpi_daily.first_response_breached is 'first_response clocks breached, by decision instant.';
comment on column reporting.kpi_daily.next_response_achieved is 'next_response clocks achieved, by decision instant.';
comment on column reporting.kpi_daily.next_response_breached is 'next_response clocks breached, by decision instant.';
comment on column reporting.kpi_daily.resolution_achieved is 'resolution clocks achieved, by decision instant.';
comment on column reporting.kpi_daily.resolution_breached is 'resolution clocks breached, by decision instant.';
comment on column reporting.kpi_daily.fcr_cohort is 'FCR cohort: tickets first solved (not agent-created).';
comment on column reporting.kpi_daily.fcr is 'Cohort tickets resolved at first contact.';
comment on column reporting.kpi_daily.zero_touch is 'Cohort tickets solved with no touch.';
comment on column reporting.kpi_daily.reopened is 'Cohort tickets reopened within the FCR window.';
comment on column reporting.kpi_daily.escalated is 'Cohort tickets escalated before their first solve.';
comment on column reporting.kpi_daily.escalations is 'Escalation events.';
comment on column reporting.kpi_daily.reassignments is 'Reassignment events.';
comment on column reporting.kpi_daily.contacts is 'Contacts completed.';
comment on column reporting.kpi_daily.talk_seconds is 'Talk seconds of those contacts.';
comment on column reporting.kpi_daily.hold_seconds is 'Hold seconds of those contacts.';
comment on column reporting.kpi_daily.wrap_seconds is 'After-contact work seconds of those contacts.';
comment on column reporting.kpi_daily.handle_seconds is 'Handle seconds (talk + hold + wrap).';
comment on column reporting.kpi_daily.backlog_entered is 'Entries into the backlog.';
comment on column reporting.kpi_daily.backlog_left is 'Departures from the backlog.';
