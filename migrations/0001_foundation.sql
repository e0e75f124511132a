-- Foundation: tenants, API keys and the append-only ticket event log.
-- Citus-ready: every tenant table leads its primary key with tenant_id; no triggers.

create table tenant (
  tenant_id uuid primary key,
  name text not null,
  timezone text not null default 'UTC',
  default_calendar_id text not null default '24x7',
  created_at timestamptz not null default now()
);

create table api_key (
  tenant_id uuid not null references tenant (tenant_id),
  key_id text not null,
  -- sha256 of the whole key; keys are 190+ bits of randomness so a fast hash is the right one
  key_hash bytea not null,
  name text not null,
  scopes text[] not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  primary key (tenant_id, key_id)
);
-- Authentication looks a key up by its hash before the tenant is known (a reference table in Citus).
create index api_key_hash_idx on api_key (key_hash);

create sequence ticket_event_seq as bigint;

-- Events are the source of truth: inserted once, never updated or deleted.
create table ticket_event (
  tenant_id uuid not null,
  event_id text not null,
  -- arrival order: breaks ties between events of a ticket with the same occurred_at
  seq bigint not null default nextval('ticket_event_seq'),
  ticket_id text not null,
  type text not null,
  occurred_at timestamptz not null,
  actor_type text not null,
  actor_id text,
  -- the event's data as received (unknown keys kept), after defaults were applied
  data jsonb not null,
  -- hash of the normalised event: same id + same hash = duplicate, other hash = conflict
  content_hash bytea not null,
  ingested_at timestamptz not null default now(),
  primary key (tenant_id, event_id)
);
create index ticket_event_ticket_idx on ticket_event (tenant_id, ticket_id, occurred_at, seq);
