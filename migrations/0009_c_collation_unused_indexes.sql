-- Identifiers are opaque strings: they are compared and ordered byte for byte (collation "C"),
-- not by the database's locale. Comparing under a locale costs a strcoll() call on every index
-- step (a fifth of a clock row's insert cost, measured), and a C library upgrade that changes
-- the locale's order silently corrupts indexes ordered by it; byte order never changes. For
-- UTF-8 text it is code point order, the order the database's C.UTF-8 default already gave.
alter table ticket_event
  alter column event_id type text collate "C",
  alter column ticket_id type text collate "C";
alter table ticket alter column ticket_id type text collate "C";
alter table sla_clock
  alter column ticket_id type text collate "C",
  alter column metric type text collate "C";
alter table contact alter column ticket_id type text collate "C";
alter table backlog_segment alter column ticket_id type text collate "C";

-- No query reads these: the KPI figures come from the rollups, and every per-ticket read goes
-- through the ticket's key. Each cost an index entry on every derived row written (about a sixth
-- of a clock row's insert). The report and export endpoints add the indexes their queries need.
drop index sla_clock_decided_idx;
drop index contact_ended_idx;
drop index backlog_segment_from_idx;
