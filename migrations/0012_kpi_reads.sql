-- The KPI API (issue 13) reads the rollups, the clocks and the backlog segments.
--
-- Percentiles come from quantile sketches kept in the rollups (core/aggregate/sketch.ts): a
-- ledger row per key and bin holds the count of values in that bin, so a p90 over any range and
-- grouping is a sum of counts. Dimensions as in the other rollups ('' when missing).
create table sla_sketch_rollup (
  tenant_id uuid not null, bucket timestamptz not null, metric text collate "C" not null,
  team text collate "C" not null, agent text collate "C" not null,
  priority text collate "C" not null, channel text collate "C" not null,
  category text collate "C" not null, policy text collate "C" not null,
  bin integer not null,
  n bigint not null default 0
);
create index sla_sketch_rollup_bucket_idx on sla_sketch_rollup (tenant_id, bucket);
create table handle_sketch_rollup (
  tenant_id uuid not null, bucket timestamptz not null,
  team text collate "C" not null, agent text collate "C" not null,
  priority text collate "C" not null, channel text collate "C" not null,
  category text collate "C" not null, policy text collate "C" not null,
  bin integer not null,
  n bigint not null default 0
);
create index handle_sketch_rollup_bucket_idx on handle_sketch_rollup (tenant_id, bucket);

-- Every writing transaction (ingest, recomputation, compaction, rebuild) adds one to its
-- tenant's version: KPI ETags are derived from it. A row of its own, not a column of tenant:
-- ingest holds the tenant row for share, and configuration changes lock it for update.
create table tenant_data_version (
  tenant_id uuid primary key references tenant (tenant_id),
  version bigint not null default 0
);
insert into tenant_data_version (tenant_id) select tenant_id from tenant;

-- pending_confirmation reads the tickets first solved in the last window.
create index ticket_first_solved_idx on ticket (tenant_id, first_solved_at)
  where first_solved_at is not null;

-- The backlog as of an instant: the segments whose [valid_from, valid_to) holds it.
create index backlog_segment_span_idx on backlog_segment
  using gist (tstzrange(valid_from, valid_to));

-- Tickets folded before the sketches existed contribute no sketch rows: refold every ticket.
update tenant set config_revision = config_revision + 1
  where exists (select 1 from ticket t where t.tenant_id = tenant.tenant_id);
insert into recompute_job (tenant_id, job_id, reason, status, total, scope)
  select t.tenant_id, gen_random_uuid(), 'percentile sketches added to the rollups', 'queued',
    (select count(*) from ticket x where x.tenant_id = t.tenant_id), 'all'
  from tenant t
  where exists (select 1 from ticket x where x.tenant_id = t.tenant_id);
