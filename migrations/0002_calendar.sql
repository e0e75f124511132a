-- Business-hours calendars: every PUT stores a new version in force from effective_from.
-- Versions are never updated: the past keeps the calendar it was counted with.
create table calendar_version (
  tenant_id uuid not null references tenant (tenant_id),
  calendar_id text not null,
  version integer not null,
  effective_from timestamptz not null,
  definition jsonb not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, calendar_id, version)
);
