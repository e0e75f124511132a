-- No query reads ticket by last_occurred_at alone (the recomputation scope ORs it with the
-- status, which no index serves), and the index cost an entry on every ticket write.
drop index ticket_last_occurred_idx;
