-- Keys (issue 17): an optional expiry, when each was last used, and a lookup by the key's public
-- prefix (key_id), so that the stored hash is compared in constant time in the process rather
-- than found by an index search on the secret's hash.
alter table api_key add column expires_at timestamptz;
alter table api_key add column last_used_at timestamptz;
create index api_key_key_id_idx on api_key (key_id);

-- The audit log: who did what, when, with which key. Append-only; read by admin keys through
-- GET /v1/audit. `actor` is `key` (an API request, key_id and key_name set), `cli` (a command
-- on the service's machine) or `system` (the service itself, e.g. the first start's admin key).
create table audit_log (
  tenant_id uuid not null references tenant (tenant_id),
  audit_id bigint generated always as identity,
  at timestamptz not null default now(),
  actor text not null check (actor in ('key', 'cli', 'system')),
  key_id text,
  key_name text,
  action text not null,
  target text,
  details jsonb not null default '{}'::jsonb,
  request_id text,
  primary key (tenant_id, audit_id)
);
