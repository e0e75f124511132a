-- The work queue (GET /v1/tickets?sla_status=…) lists open clocks in due order, a page at a time
-- (work-queue.repository.ts: `order by coalesce(due_at, 'infinity'), ticket_id, metric, cycle`).
-- sla_clock_open_due_idx holds the open clocks by due_at but not in that order, so every page
-- read all of the tenant's open clocks and sorted them: 0.5 s a page at 13,000 open clocks in the
-- soak (bench/soak), and growing with the backlog. In this order, a page reads about as many
-- index entries as it returns (plus the ones its state filter skips) however long the backlog.
create index sla_clock_open_queue_idx on sla_clock
  (tenant_id, (coalesce(due_at, 'infinity'::timestamptz)), ticket_id, metric, cycle)
  where stopped_at is null;

-- The dashboard's drill-down lists the clocks decided in a range (`decided_from`/`decided_to`)
-- in the order `coalesce(decided_at, due_at), ticket_id, metric, cycle`: without an index that
-- read every clock of the tenant (0.9 s at 230,000 clocks in the soak). 0009 dropped an index on
-- decided_at because no query read it then; this one costs an entry per clock row written again.
create index sla_clock_decided_queue_idx on sla_clock
  (tenant_id, (coalesce(decided_at, due_at)), ticket_id, metric, cycle);
