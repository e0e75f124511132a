-- Tickets whose fold failed (issue: one bad event must never block a ticket). Their events are
-- stored and the rest of their batch is committed; the ticket keeps the derived rows it had (or
-- none) until a later fold succeeds, which deletes its row here. verify lists these tickets.
-- A separate table, not a column of ticket: a ticket that never folded has no ticket row, and
-- the ticket row's update is ingest's hottest statement.
create table ticket_fold_failure (
  tenant_id uuid not null,
  ticket_id text collate "C" not null,
  error text not null,
  failed_at timestamptz not null default now(),
  primary key (tenant_id, ticket_id)
);
