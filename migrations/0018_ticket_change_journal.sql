-- Ticket rows updated in place (HOT), and a journal of the tickets each transaction wrote.
--
-- Every ingest batch rewrites the rows of the tickets it touched, and every write stamps the row
-- with the transaction's id (`rev`, 0004). While `rev` was indexed (ticket_rev_idx, 0013) no
-- update could be a heap-only tuple (HOT): each one wrote a new entry into every index of the
-- table and left a dead row version (about 1.2 kB) for vacuum to find through all of them. In the
-- 30-minute soak of 2026-12-05 `ticket` took 1.6 million updates, none HOT, and the vacuums of
-- the growing table took a share of the node's two cores that grew with it.
--
-- Incremental report pulls now find the tickets written since a cursor in a journal instead: one
-- row per writing statement, with the ids of the tickets it wrote (ticket-write.repository.ts).
-- It is insert-only and written once per batch, not once per ticket. `ticket.rev` stays, read by
-- the ingest cache (0004) and by the pulls to check each row, but no index names it, so an update
-- that leaves the indexed columns as they are (nearly all) is HOT when its page has room.
--
-- Fillfactor 70: a new page is filled to 70 %, which leaves room on it for the next version of
-- one of its rows; PostgreSQL prunes the dead versions of a page as it reads it, without vacuum.
-- It applies to pages written from now on.
create table ticket_change (
  tenant_id uuid not null,
  rev xid8 not null default pg_current_xact_id(),
  ticket_ids text[] collate "C" not null
);
create index ticket_change_rev_idx on ticket_change (tenant_id, rev);

-- On Citus (0016), the journal is distributed on tenant_id beside the tenant's tickets.
do $citus$
begin
  if exists (select 1 from pg_extension where extname = 'citus') then
    perform create_distributed_table('ticket_change', 'tenant_id', colocate_with => 'ticket_event');
  end if;
end
$citus$;

-- Every ticket row already written names its transaction: cursors minted before this migration
-- still see which tickets changed after them.
insert into ticket_change (tenant_id, rev, ticket_ids)
  select tenant_id, rev, array_agg(ticket_id order by ticket_id)
  from ticket
  where rev is not null
  group by tenant_id, rev;

drop index ticket_rev_idx;
alter table ticket set (fillfactor = 70);

