-- The incremental core's derived data: per-ticket state and rows, and the rollups KPI reads use.
-- Every row here is a function of ticket_event and the configuration versions: `rebuild`
-- recomputes all of it, `verify` compares. Written by the application in the ingest transaction.

create table sla_policy_version (
  tenant_id uuid not null references tenant (tenant_id),
  version integer not null,
  effective_from timestamptz not null,
  policies jsonb not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, version)
);

-- Bumped by every configuration change, so ingest knows when its cached fold context is stale.
alter table tenant add column config_revision bigint not null default 0;

create table ticket (
  tenant_id uuid not null,
  ticket_id text not null,
  -- the resumable fold state (plain JSON); ingest continues from it when events arrive in order
  state jsonb,
  -- this ticket's aggregate contributions as last written, withdrawn exactly on the next change
  contributions jsonb,
  -- the derived ticket row (core/ticket/derive.ts TicketRow) as served by the API
  derived jsonb,
  status text,
  priority text,
  channel text,
  team text,
  assignee_id text,
  category text,
  created_at timestamptz,
  deleted boolean not null default false,
  first_solved_at timestamptz,
  policy_id text,
  last_occurred_at timestamptz,
  last_seq bigint,
  -- the tenant config_revision the state was folded with: an older one forces a refold
  config_revision bigint,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, ticket_id)
);
create index ticket_last_occurred_idx on ticket (tenant_id, last_occurred_at);

create table sla_clock (
  tenant_id uuid not null,
  ticket_id text not null,
  metric text not null,
  cycle integer not null,
  policy_id text not null,
  policy_version integer not null,
  calendar_id text not null,
  status text not null,
  stop_reason text,
  started_at timestamptz not null,
  stopped_at timestamptz,
  target_seconds double precision not null,
  elapsed_business_seconds double precision not null,
  elapsed_calendar_seconds double precision not null,
  paused_calendar_seconds double precision not null,
  running_since timestamptz,
  due_at timestamptz,
  at_risk_at timestamptz,
  breached_at timestamptz,
  decided_at timestamptz,
  team text,
  agent text,
  priority text,
  channel text,
  category text,
  segments jsonb not null,
  primary key (tenant_id, ticket_id, metric, cycle)
);
-- The work queue and "breached with no event" reads: undecided clocks by due date.
create index sla_clock_open_due_idx on sla_clock (tenant_id, due_at) where stopped_at is null;
create index sla_clock_decided_idx on sla_clock (tenant_id, decided_at);

create table contact (
  tenant_id uuid not null,
  ticket_id text not null,
  n integer not null,
  ended_at timestamptz not null,
  started_at timestamptz,
  agent_id text not null,
  channel text,
  team text,
  priority text,
  category text,
  policy_id text,
  talk_seconds double precision not null,
  hold_seconds double precision not null,
  wrap_seconds double precision not null,
  handle_seconds double precision not null,
  primary key (tenant_id, ticket_id, n)
);
create index contact_ended_idx on contact (tenant_id, ended_at);

-- Spans [valid_from, valid_to) in one backlog status with unchanged attribution: the backlog
-- as of any instant T is the set of segments containing T.
create table backlog_segment (
  tenant_id uuid not null,
  ticket_id text not null,
  n integer not null,
  valid_from timestamptz not null,
  valid_to timestamptz,
  status text not null,
  team text,
  agent text,
  priority text,
  channel text,
  category text,
  policy_id text,
  calendar_id text not null,
  created_at timestamptz not null,
  primary key (tenant_id, ticket_id, n)
);
create index backlog_segment_from_idx on backlog_segment (tenant_id, valid_from);

-- Rollups: sums per tenant × 15-minute UTC bucket × attribution. A missing dimension is stored
-- as '' (primary keys cannot hold NULL); readers turn it back into null. Measures in ms are
-- integers, so deltas add exactly in any order.
create table sla_rollup (
  tenant_id uuid not null, bucket timestamptz not null, metric text not null,
  team text not null, agent text not null, priority text not null, channel text not null,
  category text not null, policy text not null,
  achieved bigint not null default 0, breached bigint not null default 0,
  stopped bigint not null default 0, elapsed_business_ms bigint not null default 0,
  primary key (tenant_id, bucket, metric, team, agent, priority, channel, category, policy)
);
create table fcr_rollup (
  tenant_id uuid not null, bucket timestamptz not null,
  team text not null, agent text not null, priority text not null, channel text not null,
  category text not null, policy text not null,
  solved bigint not null default 0, fcr bigint not null default 0, zero_touch bigint not null default 0,
  touched bigint not null default 0, reopened bigint not null default 0, escalated bigint not null default 0,
  primary key (tenant_id, bucket, team, agent, priority, channel, category, policy)
);
create table volume_rollup (
  tenant_id uuid not null, bucket timestamptz not null,
  team text not null, agent text not null, priority text not null, channel text not null,
  category text not null, policy text not null,
  created bigint not null default 0, solved bigint not null default 0,
  reopens bigint not null default 0, deleted bigint not null default 0,
  primary key (tenant_id, bucket, team, agent, priority, channel, category, policy)
);
create table handle_time_rollup (
  tenant_id uuid not null, bucket timestamptz not null,
  team text not null, agent text not null, priority text not null, channel text not null,
  category text not null, policy text not null,
  contacts bigint not null default 0, talk_ms bigint not null default 0, hold_ms bigint not null default 0,
  wrap_ms bigint not null default 0, handle_ms bigint not null default 0,
  primary key (tenant_id, bucket, team, agent, priority, channel, category, policy)
);
create table escalation_rollup (
  tenant_id uuid not null, bucket timestamptz not null, from_tier text not null,
  team text not null, agent text not null, priority text not null, channel text not null,
  category text not null, policy text not null,
  escalations bigint not null default 0,
  primary key (tenant_id, bucket, from_tier, team, agent, priority, channel, category, policy)
);
create table reassignment_rollup (
  tenant_id uuid not null, bucket timestamptz not null,
  team text not null, agent text not null, priority text not null, channel text not null,
  category text not null, policy text not null,
  reassignments bigint not null default 0,
  primary key (tenant_id, bucket, team, agent, priority, channel, category, policy)
);
create table backlog_flow_rollup (
  tenant_id uuid not null, bucket timestamptz not null,
  team text not null, agent text not null, priority text not null, channel text not null,
  category text not null, policy text not null,
  entered bigint not null default 0, "left" bigint not null default 0,
  primary key (tenant_id, bucket, team, agent, priority, channel, category, policy)
);

-- Background recomputation after a configuration change (GET /v1/jobs/{job_id}).
create table recompute_job (
  tenant_id uuid not null references tenant (tenant_id),
  job_id uuid not null,
  reason text not null,
  status text not null,
  total integer not null default 0,
  done integer not null default 0,
  error text,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  -- which tickets: 'all', or those with activity (last event, or an open clock) / creation at or after scope_from
  scope text not null,
  scope_from timestamptz,
  -- the worker walks tickets in ticket_id order; the last one done (resumable after a restart)
  cursor text,
  primary key (tenant_id, job_id)
);
