-- Incremental report pulls (GET /v1/reports/{name}?updated_since=<cursor>, issue 14).
--
-- A report cursor is the snapshot a pull read from (pg_current_snapshot()): a row changed since
-- then is one whose writing transaction that snapshot does not see (pg_visible_in_snapshot).
-- That is exact even for transactions that were still running when the pull read, which a
-- timestamp or a bare transaction id cannot be.
--
-- `ticket.rev` (0004) already names the transaction that last wrote a ticket's row; every write
-- of a ticket's derived rows also writes its ticket row, so the tickets changed since a cursor
-- are found by this index, and their changed derived rows by their own `rev` (below).
create index ticket_rev_idx on ticket (tenant_id, rev);

-- Each derived row names the transaction that wrote it: ingest writes only the rows that changed
-- (ticket-write.repository.ts), so an unchanged clock keeps its rev. Rows from before this
-- migration have none: no cursor is older than it.
alter table sla_clock add column rev xid8;
alter table sla_clock alter column rev set default pg_current_xact_id();
alter table contact add column rev xid8;
alter table contact alter column rev set default pg_current_xact_id();
alter table backlog_segment add column rev xid8;
alter table backlog_segment alter column rev set default pg_current_xact_id();

-- Derived rows that ceased to exist (a late event merged two status intervals, a deletion emptied
-- a ticket): an incremental pull reports them as rows with `deleted: true`. One row per key,
-- stamped with the transaction that deleted it; a key written again later has a newer rev on its
-- live row, and pulls send tombstones before live rows.
create table report_row_deleted (
  tenant_id uuid not null,
  report text collate "C" not null,
  ticket_id text collate "C" not null,
  row_key text collate "C" not null,
  rev xid8 not null default pg_current_xact_id(),
  primary key (tenant_id, report, ticket_id, row_key)
);

-- kpi-daily rows are sums over the rollup ledgers, which are compacted: a ledger row is not a
-- report row. Each writing transaction records here which 15-minute buckets × team × priority ×
-- channel its rollup deltas touched; a pull maps them to the tenant's local days.
create table report_rollup_change (
  tenant_id uuid not null,
  rev xid8 not null default pg_current_xact_id(),
  bucket timestamptz not null,
  team text collate "C" not null,
  priority text collate "C" not null,
  channel text collate "C" not null
);
create index report_rollup_change_rev_idx on report_rollup_change (tenant_id, rev);

-- A rebuild rewrites every derived row without tombstones: a cursor minted before the last
-- rebuild cannot be answered incrementally (410, pull the table again).
alter table tenant_data_version add column reports_reset_rev xid8;

-- Tickets now carry `closed_at` in their derived row: refold every ticket (as 0012 did).
update tenant set config_revision = config_revision + 1
  where exists (select 1 from ticket t where t.tenant_id = tenant.tenant_id);
insert into recompute_job (tenant_id, job_id, reason, status, total, scope)
  select t.tenant_id, gen_random_uuid(), 'tickets gained closed_at', 'queued',
    (select count(*) from ticket x where x.tenant_id = t.tenant_id), 'all'
  from tenant t
  where exists (select 1 from ticket x where x.tenant_id = t.tenant_id);
