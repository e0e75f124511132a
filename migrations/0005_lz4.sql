-- The ticket row's JSON columns are rewritten on every batch that touches the ticket and are
-- usually just past the size PostgreSQL compresses at: lz4 compresses several times faster than
-- the default pglz. Servers built without lz4 (and the embedded database) keep pglz.
do $$
begin
  alter table ticket alter column contributions set compression lz4;
  alter table ticket alter column derived set compression lz4;
exception when others then
  raise notice 'lz4 is not available here: ticket columns keep the default compression';
end
$$;
