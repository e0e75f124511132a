-- Scale-out on Citus (issue 18). On a server where the `citus` extension is installed in this
-- database, every tenant-keyed table becomes a distributed table on tenant_id, all in one
-- co-location group, so a tenant's rows of every table live on one shard and its ingest and
-- reports run on one worker; the small global tables become reference tables, copied to every
-- node. On plain PostgreSQL and on the embedded database this migration does nothing.
--
-- Reference tables (global, small, read on every request or looked up before the tenant is
-- known): tenant, api_key (a key is looked up by its prefix before its tenant is known),
-- reporting_role (a login is a cluster-wide name) and schema_migration (this ledger).
-- Everything else has tenant_id leading its primary key (0001's rule) and is distributed.
--
-- A table created by a later migration must be distributed by that migration, the same way (a
-- test lists every table's distribution state on Citus and fails on a local one).
--
-- Foreign keys to `tenant` are dropped while the tables change kind and created again after:
-- Citus refuses a local table referencing a reference table, and a distributed table may then
-- reference it again.
do $citus$
declare
  fk record;
  fks text[] := '{}';
  stmt text;
  t record;
  first_table text := null;
begin
  if not exists (select 1 from pg_extension where extname = 'citus') then
    return;
  end if;
  -- DDL on shards in this transaction runs one shard connection at a time: the migration's
  -- earlier statements (the ledger, the lock) came first on the same connection.
  set local citus.multi_shard_modify_mode to 'sequential';

  for fk in
    select c.conname, c.conrelid::regclass::text as tbl, pg_get_constraintdef(c.oid) as def
    from pg_constraint c
    where c.contype = 'f' and c.connamespace = 'public'::regnamespace
  loop
    fks := fks || format('alter table %s add constraint %I %s', fk.tbl, fk.conname, fk.def);
    execute format('alter table %s drop constraint %I', fk.tbl, fk.conname);
  end loop;

  perform create_reference_table('tenant');
  perform create_reference_table('api_key');
  perform create_reference_table('reporting_role');
  perform create_reference_table('schema_migration');

  for t in
    select c.relname
    from pg_class c
    join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
    where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
      and c.relname not in ('tenant', 'api_key', 'reporting_role', 'schema_migration')
    -- ticket_event first: the co-location group is named after it in citus_tables.
    order by c.relname <> 'ticket_event', c.relname
  loop
    if first_table is null then
      perform create_distributed_table(quote_ident(t.relname)::regclass, 'tenant_id');
      first_table := t.relname;
    else
      perform create_distributed_table(
        quote_ident(t.relname)::regclass, 'tenant_id', colocate_with => first_table
      );
    end if;
  end loop;

  foreach stmt in array fks loop
    execute stmt;
  end loop;
end
$citus$;
