-- The fold state leaves the database: ingest keeps hot ticket states in process memory and
-- refolds from ticket_event on a miss (the state is a pure function of the events, never a
-- source of truth). `rev` is the id of the transaction that last wrote the ticket's derived rows:
-- a cached state is used only when its rev equals the stored one. Transaction ids are never
-- reused, and one that rolled back never appears here, so a cache entry written by a transaction
-- that did not commit, or a ticket written since by another process, cannot match.
alter table ticket drop column state;
alter table ticket add column rev xid8;
