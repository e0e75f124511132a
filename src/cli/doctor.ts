/**
 * `deskmetrics doctor [--json]` (issue 18): what the service runs on — the database, pending
 * migrations, whether Citus is in use, its nodes and co-location groups — and every table's
 * distribution state. On Citus every table must be distributed on tenant_id in ticket_event's
 * co-location group, or be a reference table: a local table there is one the workers cannot join
 * with a tenant's shards. Exit status 0 when healthy, 1 when a problem is found.
 *
 * It only reads: it neither migrates nor creates the embedded database.
 */
import { existsSync } from 'node:fs';
import type { Config } from '../config.js';
import { ExplainedError } from '../failure.js';
import { thisProcess } from '../main.js';
import {
  findCitusExtension,
  findLatestRebalance,
  listClusterNodes,
  listColocationGroups,
  listNodeWalLevels,
  listPublicTables,
  readServerInfo,
  type ClusterNode,
  type ColocationGroup,
  type PublicTable,
  type RebalanceJob,
} from '../storage/cluster.repository.js';
import { openDatabase, type Database } from '../storage/database.js';
import { loadMigrations, pendingMigrations } from '../storage/migrator.js';
import { readMaintenanceSettings } from '../storage/table-maintenance.repository.js';
import { parseOptions } from './options.js';

/** The table every tenant table must be co-located with (migration 0016 names the group after it). */
export const ANCHOR_TABLE = 'ticket_event';
export const DISTRIBUTION_COLUMN = 'tenant_id';

export interface DoctorNode extends ClusterNode {
  /** The node's wal_level; null when it did not answer. */
  wal_level: string | null;
}

export interface CitusState {
  version: string;
  /** Whether DATABASE_URL is the coordinator (migrations and DDL must run there). */
  coordinator: boolean;
  nodes: DoctorNode[];
  colocation_groups: ColocationGroup[];
  latest_rebalance: RebalanceJob | null;
}

export interface DoctorTable extends PublicTable {
  /** What is wrong with the table, or null. */
  problem: string | null;
}

export interface DoctorReport {
  healthy: boolean;
  problems: string[];
  /** Worth knowing, not wrong: they do not change the exit status. */
  notes: string[];
  database: {
    kind: 'server' | 'embedded';
    version: string;
    name: string;
    /** host:port of DATABASE_URL (no credentials), or the embedded data directory. */
    location: string;
    /**
     * Whether autovacuum runs on it; where it does not, the service vacuums and analyzes its
     * tables itself unless DESKMETRICS_TABLE_MAINTENANCE=off (storage/table-maintainer.ts).
     */
    autovacuum: boolean;
  };
  migrations: { applied: number; pending: string[] };
  /** null: Citus is not in use in this database. */
  citus: CitusState | null;
  /** The citus version the server could create here while it is not in use; else null. */
  citus_available: string | null;
  tables: DoctorTable[];
}

type Db = Database['db'];

async function citusState(db: Db, version: string, coordinator: boolean): Promise<CitusState> {
  const [nodes, walLevels, groups, rebalance] = await Promise.all([
    listClusterNodes(db),
    // A setting read on every node: a node it cannot reach leaves its wal_level unknown, not
    // the whole report.
    listNodeWalLevels(db).catch(() => []),
    listColocationGroups(db),
    findLatestRebalance(db),
  ]);
  const walLevelOf = (node: ClusterNode) => {
    const found = walLevels.find((w) => w.host === node.host && w.port === node.port);
    return found?.answered ? found.value : null;
  };
  return {
    version,
    coordinator,
    nodes: nodes.map((n) => ({ ...n, wal_level: walLevelOf(n) })),
    colocation_groups: groups,
    latest_rebalance: rebalance ?? null,
  };
}

const KIND = {
  local: 'a local table',
  citus_local: 'a Citus local table (on the coordinator only)',
  single_shard: 'a single-shard table (distributed without a column)',
} as const;

/** What is wrong with one table on Citus, or null. */
export function tableProblem(table: PublicTable, anchorGroup: number | null): string | null {
  switch (table.state) {
    case 'reference':
      return null;
    case 'local':
    case 'citus_local':
    case 'single_shard':
      return `${table.name} is ${KIND[table.state]}: on Citus every table must be distributed on ${DISTRIBUTION_COLUMN} or be a reference table`;
    case 'distributed':
      if (table.distribution_column !== DISTRIBUTION_COLUMN) {
        return `${table.name} is distributed on ${table.distribution_column ?? '?'}, not on ${DISTRIBUTION_COLUMN}`;
      }
      if (table.name !== ANCHOR_TABLE && table.colocation_id !== anchorGroup) {
        return `${table.name} is in co-location group ${table.colocation_id ?? '?'}, not with ${ANCHOR_TABLE} (group ${anchorGroup ?? 'none'}): a tenant's rows of the two tables may sit on different workers`;
      }
      return null;
  }
}

/**
 * The problems and notes of a Citus cluster as a whole (nodes, role, shard moves). A table without
 * a replica identity is a note, not a problem: the cluster serves, but Citus moves its shards only
 * with writes blocked for the whole copy.
 */
function clusterFindings(
  citus: CitusState,
  tables: PublicTable[],
): { problems: string[]; notes: string[] } {
  const problems: string[] = [];
  const notes: string[] = [];
  if (!citus.coordinator) {
    problems.push(
      'DATABASE_URL is a Citus worker, not the coordinator: point it at the coordinator, where migrations and DDL must run',
    );
  }
  for (const node of citus.nodes.filter((n) => !n.active)) {
    problems.push(`node ${node.host}:${node.port} is not active`);
  }
  if (!citus.nodes.some((n) => n.group_id !== 0)) {
    notes.push('no worker nodes: every shard is on the coordinator (citus_add_node adds one)');
  }
  const unidentified = tables.filter((t) => t.state === 'distributed' && !t.replica_identity);
  if (unidentified.length > 0) {
    notes.push(
      `${unidentified.length} distributed table(s) have no primary key or replica identity (${unidentified.map((t) => t.name).join(', ')}): Citus moves their shard groups (rebalance, drain, tenant isolation) only with shard_transfer_mode => 'block_writes', which blocks writes to the moved shards for the whole copy`,
    );
  }
  // Shards are moved from the nodes that hold them: the coordinator's setting matters only then.
  const notLogical = citus.nodes.filter(
    (n) =>
      (n.group_id !== 0 || n.should_have_shards) &&
      n.wal_level !== null &&
      n.wal_level !== 'logical',
  );
  if (notLogical.length > 0) {
    notes.push(
      `wal_level is not logical on ${notLogical.map((n) => `${n.host}:${n.port}`).join(', ')}: moving shards (rebalance, tenant isolation) from there needs wal_level = logical, or shard_transfer_mode => 'block_writes'`,
    );
  }
  return { problems, notes };
}

/** Reads everything `doctor` reports from the open database; `location` says where it is. */
export async function diagnose(database: Database, location: string): Promise<DoctorReport> {
  const { db } = database;
  const [server, extension, pending, migrations, maintenance] = await Promise.all([
    readServerInfo(db),
    findCitusExtension(db),
    pendingMigrations(db),
    loadMigrations(),
    readMaintenanceSettings(db),
  ]);
  const citus =
    extension.installed === null
      ? null
      : await citusState(db, extension.installed, extension.coordinator ?? false);
  const listed = await listPublicTables(db, { citus: citus !== null });
  const anchor = listed.find((t) => t.name === ANCHOR_TABLE && t.state === 'distributed');
  const tables = listed.map((t) => ({
    ...t,
    problem: citus === null ? null : tableProblem(t, anchor?.colocation_id ?? null),
  }));
  const problems: string[] = [];
  const notes: string[] = [];
  if (pending.length > 0) {
    problems.push(
      `${pending.length} migration(s) pending (${pending.join(', ')}): run "deskmetrics migrate"`,
    );
  }
  if (citus !== null) {
    const cluster = clusterFindings(citus, tables);
    problems.push(...cluster.problems, ...tables.flatMap((t) => t.problem ?? []));
    notes.push(...cluster.notes);
  } else if (extension.available !== null) {
    notes.push(
      `the citus extension ${extension.available} is available on this server but not created in this database`,
    );
  }
  return {
    healthy: problems.length === 0,
    problems,
    notes,
    database: {
      kind: database.kind === 'pglite' ? 'embedded' : 'server',
      version: server.version,
      name: server.database,
      location,
      autovacuum: maintenance.autovacuum,
    },
    migrations: { applied: migrations.length - pending.length, pending },
    citus,
    citus_available: citus === null ? extension.available : null,
    tables,
  };
}

const pad = (cells: Array<string | number | null>, widths: number[]) =>
  cells
    .map((c, i) => String(c ?? '').padEnd(widths[i] ?? 0))
    .join('  ')
    .trimEnd();

function citusLines(citus: CitusState): string[] {
  const lines = [`citus        ${citus.version} (${citus.coordinator ? 'coordinator' : 'worker'})`];
  citus.nodes.forEach((n, i) => {
    const role = n.group_id === 0 ? 'coordinator' : 'worker';
    const state = [
      n.active ? 'active' : 'INACTIVE',
      n.should_have_shards ? '' : 'shouldhaveshards off',
    ];
    lines.push(
      `${i === 0 ? 'nodes' : ''}`.padEnd(13) +
        pad(
          [
            `${n.host}:${n.port}`,
            role,
            state.filter(Boolean).join(', '),
            `${n.shards} shards`,
            n.wal_level === null ? 'wal_level ?' : `wal_level ${n.wal_level}`,
          ],
          [21, 11, 28, 10, 0],
        ),
    );
  });
  citus.colocation_groups.forEach((g, i) => {
    const kind =
      g.column_type === null ? 'reference' : `${g.shard_count} shards on ${g.column_type}`;
    lines.push(
      `${i === 0 ? 'co-location' : ''}`.padEnd(13) +
        `group ${g.colocation_id}: ${kind}, ${g.tables.length} table(s)`,
    );
  });
  const job = citus.latest_rebalance;
  lines.push(
    `rebalance    ${job === null ? 'none so far' : `job ${job.job_id} ${job.state}${job.finished_at ? ` at ${job.finished_at.toISOString()}` : job.started_at ? ` since ${job.started_at.toISOString()}` : ''}`}`,
  );
  return lines;
}

/** The report as text: what it runs on, then one line per table, then the verdict. */
export function formatReport(report: DoctorReport): string {
  const { database, migrations, citus } = report;
  const lines = [
    `database     ${database.kind === 'embedded' ? 'embedded PGlite' : 'PostgreSQL server'} ${database.version}, database ${database.name} (${database.location})`,
    `migrations   ${migrations.applied} applied, ${migrations.pending.length === 0 ? 'none pending' : `pending: ${migrations.pending.join(', ')}`}`,
    `vacuum       ${database.autovacuum ? 'autovacuum runs on this database' : 'autovacuum does not run on this database: the service vacuums and analyzes its tables itself (DESKMETRICS_TABLE_MAINTENANCE=auto; off leaves them as they are)'}`,
    ...(citus === null
      ? [
          `citus        not in use${report.citus_available === null ? ' (the citus extension is not installed on this server)' : ' (the citus extension is not created in this database)'}`,
        ]
      : citusLines(citus)),
    '',
    pad(['table', 'state', 'column', 'group', 'shards'], [28, 12, 10, 6, 0]),
    ...report.tables.map((t) =>
      pad(
        [
          `${t.problem === null ? '' : '! '}${t.name}`,
          t.state,
          t.distribution_column,
          t.colocation_id,
          t.shard_count,
        ],
        [28, 12, 10, 6, 0],
      ),
    ),
    '',
    ...report.notes.map((n) => `note: ${n}`),
    report.healthy
      ? `healthy${citus === null ? ': not on Citus, every table is local' : `: on Citus, every table distributed on ${DISTRIBUTION_COLUMN} with ${ANCHOR_TABLE} or a reference table`}`
      : `${report.problems.length} problem(s):`,
    ...report.problems.map((p) => `  - ${p}`),
  ];
  return lines.join('\n');
}

/** host:port/database of a connection string, without its credentials. */
function serverLocation(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

export async function doctor(config: Config, args: string[]): Promise<number> {
  const { values } = parseOptions(args, { json: { type: 'boolean' } });
  if (config.databaseUrl === undefined && !existsSync(config.dataDir)) {
    throw new ExplainedError(
      `there is no embedded database in ${config.dataDir} yet (npm start creates it); set DATABASE_URL to check a PostgreSQL server`,
    );
  }
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    lockOwner: thisProcess,
    poolSize: 2,
  });
  try {
    const location =
      config.databaseUrl === undefined ? config.dataDir : serverLocation(config.databaseUrl);
    const report = await diagnose(database, location);
    console.log(values.json === true ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.healthy ? 0 : 1;
  } finally {
    await database.close();
  }
}
