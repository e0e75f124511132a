-- The rollups become ledgers of signed deltas. Ingest appends each batch's merged deltas by COPY
-- (`new − old` per key, one row per key and batch) instead of upserting them into one row per
-- key: an upsert probes and rewrites a wide nine-column key per row, and measured on the ingest
-- benchmark it cost about a quarter of the database's CPU per event. A rollup figure is the sum
-- of its key's rows; readers group and sum. Compaction (storage/rollup.repository.ts) folds a
-- tenant's rows back to one per key, dropping keys whose deltas cancel out, in one transaction.
alter table sla_rollup drop constraint sla_rollup_pkey;
alter table fcr_rollup drop constraint fcr_rollup_pkey;
alter table volume_rollup drop constraint volume_rollup_pkey;
alter table handle_time_rollup drop constraint handle_time_rollup_pkey;
alter table escalation_rollup drop constraint escalation_rollup_pkey;
alter table reassignment_rollup drop constraint reassignment_rollup_pkey;
alter table backlog_flow_rollup drop constraint backlog_flow_rollup_pkey;
-- Reports read a tenant's buckets in a time range.
create index sla_rollup_bucket_idx on sla_rollup (tenant_id, bucket);
create index fcr_rollup_bucket_idx on fcr_rollup (tenant_id, bucket);
create index volume_rollup_bucket_idx on volume_rollup (tenant_id, bucket);
create index handle_time_rollup_bucket_idx on handle_time_rollup (tenant_id, bucket);
create index escalation_rollup_bucket_idx on escalation_rollup (tenant_id, bucket);
create index reassignment_rollup_bucket_idx on reassignment_rollup (tenant_id, bucket);
create index backlog_flow_rollup_bucket_idx on backlog_flow_rollup (tenant_id, bucket);
