/**
 * What `deskmetrics doctor` reads about the database it runs on (issue 18): the server, whether
 * the citus extension is in this database, the cluster's nodes and co-location groups, and how
 * each table of the public schema is distributed. Catalog reads only, nothing about a tenant.
 *
 * The pg_dist_* catalogs exist only where the citus extension is created: the functions that read
 * them are called only after {@link findCitusExtension} found it.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';

export interface ServerInfo {
  /** `server_version`, e.g. `15.20 (Debian 15.20-1.pgdg120+1)`; PGlite answers its own. */
  version: string;
  database: string;
}

export async function readServerInfo(db: Kysely<DB>): Promise<ServerInfo> {
  const { rows } = await sql<ServerInfo>`
    select current_setting('server_version') as version, current_database() as database`.execute(
    db,
  );
  return rows[0]!;
}

export interface CitusExtension {
  /** The version created in this database, or null: Citus is not in use here. */
  installed: string | null;
  /** The version the server could create (`create extension citus`), or null. */
  available: string | null;
  /** Whether this database is the coordinator (null without the extension). */
  coordinator: boolean | null;
}

export async function findCitusExtension(db: Kysely<DB>): Promise<CitusExtension> {
  const { rows } = await sql<{ installed: string | null; available: string | null }>`
    select (select extversion from pg_extension where extname = 'citus') as installed,
      (select default_version from pg_available_extensions where name = 'citus') as available`.execute(
    db,
  );
  const found = rows[0] ?? { installed: null, available: null };
  if (found.installed === null) return { ...found, coordinator: null };
  // A catalog of the extension: read only once the extension is known to be there. Group 0 is the
  // coordinator's (citus_is_coordinator() says false until a node is registered).
  const role = await sql<{ coordinator: boolean }>`
    select groupid = 0 as coordinator from pg_dist_local_group`.execute(db);
  return { ...found, coordinator: role.rows[0]?.coordinator ?? null };
}

export interface ClusterNode {
  node_id: number;
  host: string;
  port: number;
  /** 0 is the coordinator's group. */
  group_id: number;
  role: string;
  active: boolean;
  should_have_shards: boolean;
  /** Shards of distributed tables placed on the node (reference tables left out). */
  shards: number;
}

/** Every node of pg_dist_node (the coordinator, when registered, and the workers). */
export async function listClusterNodes(db: Kysely<DB>): Promise<ClusterNode[]> {
  const { rows } = await sql<ClusterNode>`
    select n.nodeid as node_id, n.nodename as host, n.nodeport as port, n.groupid as group_id,
      n.noderole::text as role, n.isactive as active, n.shouldhaveshards as should_have_shards,
      (select count(*)::int from pg_dist_placement pl
        join pg_dist_shard s on s.shardid = pl.shardid
        join pg_dist_partition p on p.logicalrelid = s.logicalrelid
        where pl.groupid = n.groupid and p.partmethod = 'h') as shards
    from pg_dist_node n
    order by n.groupid, n.nodeid`.execute(db);
  return rows;
}

export interface NodeSetting {
  host: string;
  port: number;
  /** Whether the node answered; `value` is its error when it did not. */
  answered: boolean;
  value: string;
}

/**
 * `wal_level` on every active node: a shard move copies with logical replication, which needs
 * `logical` on the node it copies from.
 */
export async function listNodeWalLevels(db: Kysely<DB>): Promise<NodeSetting[]> {
  const { rows } = await sql<NodeSetting>`
    select coalesce(n.nodename, current_setting('citus.local_hostname')) as host,
      coalesce(n.nodeport, current_setting('port')::int) as port,
      r.success as answered, r.result as value
    from run_command_on_all_nodes('show wal_level') r
    -- nodeid 0: the coordinator, when it is not registered in pg_dist_node
    left join pg_dist_node n on n.nodeid = r.nodeid
    order by n.groupid nulls first, n.nodeid`.execute(db);
  return rows;
}

export interface ColocationGroup {
  colocation_id: number;
  shard_count: number;
  /** The distribution column's type; null for the reference tables' group. */
  column_type: string | null;
  tables: string[];
}

export async function listColocationGroups(db: Kysely<DB>): Promise<ColocationGroup[]> {
  const { rows } = await sql<ColocationGroup>`
    select c.colocationid as colocation_id, c.shardcount as shard_count,
      case when c.distributioncolumntype <> 0
        then format_type(c.distributioncolumntype, null) end as column_type,
      array(select p.logicalrelid::regclass::text from pg_dist_partition p
        where p.colocationid = c.colocationid order by 1) as tables
    from pg_dist_colocation c
    order by c.colocationid`.execute(db);
  return rows;
}

export interface RebalanceJob {
  job_id: string;
  state: string;
  started_at: Date | null;
  finished_at: Date | null;
}

/** The latest background rebalance (citus_rebalance_start), if there was one. */
export async function findLatestRebalance(db: Kysely<DB>): Promise<RebalanceJob | undefined> {
  const { rows } = await sql<RebalanceJob>`
    select job_id::text as job_id, state::text as state, started_at, finished_at
    from pg_dist_background_job
    where job_type = 'rebalance'
    order by job_id desc
    limit 1`.execute(db);
  return rows[0];
}

/**
 * local: PostgreSQL's own table; distributed: hash-distributed in shards; reference: copied to
 * every node; citus_local: in Citus's metadata but on the coordinator only; single_shard: a
 * distributed table without a distribution column.
 */
export type TableState = 'local' | 'distributed' | 'reference' | 'citus_local' | 'single_shard';

export interface PublicTable {
  name: string;
  state: TableState;
  /** For a distributed table. */
  distribution_column: string | null;
  /** For a table in Citus's metadata. */
  colocation_id: number | null;
  shard_count: number | null;
  /**
   * A primary key, a replica identity index or REPLICA IDENTITY FULL: without one, a shard move's
   * logical replication cannot carry UPDATE and DELETE, and Citus refuses to move the shard.
   */
  replica_identity: boolean;
}

/**
 * The ordinary and partitioned tables of the public schema (partitions and tables owned by an
 * extension left out), with their Citus distribution when `citus` (the extension is created).
 */
export async function listPublicTables(
  db: Kysely<DB>,
  options: { citus: boolean },
): Promise<PublicTable[]> {
  const distribution = options.citus
    ? sql`case when p.logicalrelid is null then 'local'
          when p.partmethod = 'h' then 'distributed'
          when p.repmodel = 't' then 'reference'
          when p.colocationid = 0 then 'citus_local'
          else 'single_shard' end as state,
        case when p.partmethod = 'h'
          then column_to_column_name(p.logicalrelid, p.partkey) end as distribution_column,
        p.colocationid as colocation_id,
        case when p.logicalrelid is not null
          then (select count(*)::int from pg_dist_shard s where s.logicalrelid = c.oid)
          end as shard_count`
    : sql`'local' as state, null as distribution_column, null as colocation_id,
        null as shard_count`;
  const citusJoin = options.citus
    ? sql`left join pg_dist_partition p on p.logicalrelid = c.oid`
    : sql``;
  const { rows } = await sql<PublicTable>`
    select c.relname::text as name, ${distribution},
      case c.relreplident
        when 'f' then true
        when 'n' then false
        when 'd' then exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisprimary)
        else exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisreplident)
      end as replica_identity
    from pg_class c ${citusJoin}
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
      and not c.relispartition
      and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
        and d.objid = c.oid and d.deptype = 'e')
    order by c.relname`.execute(db);
  return rows;
}
