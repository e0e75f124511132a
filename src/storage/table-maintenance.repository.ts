/**
 * Vacuum and analyze of the service's own tables, for a database that has nobody else to do it:
 * the embedded PGlite runs no background workers, and a server can run with `autovacuum = off`.
 * Without them the planner keeps the statistics of the day the tables were created (a hash join
 * over a tenant's every SLA clock to delete a batch's 200) and updated rows leave their dead
 * versions behind, so every ingest batch and report grows slower with the data.
 *
 * What is due follows autovacuum's own rules and the server's own `autovacuum_*` settings
 * ({@link dueWork}), so a table is maintained when autovacuum would have done it.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';

export interface MaintenanceSettings {
  /** Whether autovacuum runs on this database: on, and its launcher alive. */
  autovacuum: boolean;
  vacuumThreshold: number;
  vacuumScale: number;
  insertThreshold: number;
  insertScale: number;
  analyzeThreshold: number;
  analyzeScale: number;
  /** autovacuum_vacuum_cost_delay (ms): how autovacuum throttles itself. */
  costDelayMs: number;
  /** autovacuum_naptime (s): how often autovacuum looks at a database. */
  naptimeSeconds: number;
}

export async function readMaintenanceSettings(db: Kysely<DB>): Promise<MaintenanceSettings> {
  // pg_settings.setting: the value in the setting's base unit (ms, s), without the unit that
  // current_setting() appends. The names are inlined, so the statement reads as it runs.
  const setting = (name: string) =>
    sql.raw(`(select setting::float8 from pg_settings where name = '${name}')`);
  const { rows } = await sql<MaintenanceSettings>`
    select current_setting('autovacuum') = 'on'
        and exists (select 1 from pg_stat_activity where backend_type = 'autovacuum launcher')
        as autovacuum,
      ${setting('autovacuum_vacuum_threshold')} as "vacuumThreshold",
      ${setting('autovacuum_vacuum_scale_factor')} as "vacuumScale",
      ${setting('autovacuum_vacuum_insert_threshold')} as "insertThreshold",
      ${setting('autovacuum_vacuum_insert_scale_factor')} as "insertScale",
      ${setting('autovacuum_analyze_threshold')} as "analyzeThreshold",
      ${setting('autovacuum_analyze_scale_factor')} as "analyzeScale",
      ${setting('autovacuum_vacuum_cost_delay')} as "costDelayMs",
      ${setting('autovacuum_naptime')} as "naptimeSeconds"`.execute(db);
  return rows[0]!;
}

/** A table's activity since it was last vacuumed and analyzed (the cumulative statistics). */
export interface TableActivity {
  table: string;
  /** pg_class.reltuples: rows at the last vacuum or analyze; -1 when never. */
  reltuples: number;
  dead: number;
  modified: number;
  inserted: number;
}

/** The tables of the current schema (the service's), with their activity. */
export async function readTableActivity(db: Kysely<DB>): Promise<TableActivity[]> {
  const { rows } = await sql<TableActivity>`
    select s.relname as "table", c.reltuples::float8 as reltuples,
      s.n_dead_tup::float8 as dead, s.n_mod_since_analyze::float8 as modified,
      s.n_ins_since_vacuum::float8 as inserted
    from pg_stat_user_tables s
    join pg_class c on c.oid = s.relid
    where s.schemaname = current_schema()
    order by s.relname`.execute(db);
  return rows;
}

export type MaintenanceWork = 'vacuum' | 'analyze' | 'vacuum analyze';

export interface DueTable {
  table: string;
  work: MaintenanceWork;
  /** How far past its threshold the table is (count ÷ threshold, > 1): the most urgent first. */
  urgency: number;
}

/**
 * What autovacuum would do to each table (PostgreSQL's autovacuum.c, relation_needs_vacanalyze):
 * vacuum when the dead rows pass `threshold + scale × reltuples` or the rows inserted since the
 * last vacuum pass the insert threshold; analyze when the rows changed since the last analyze
 * pass theirs. A table never vacuumed nor analyzed counts as empty. Most urgent first.
 */
export function dueWork(
  tables: readonly TableActivity[],
  settings: MaintenanceSettings,
): DueTable[] {
  const due: DueTable[] = [];
  for (const t of tables) {
    const rows = Math.max(0, t.reltuples);
    const deadRatio = t.dead / (settings.vacuumThreshold + settings.vacuumScale * rows);
    const insertRatio = t.inserted / (settings.insertThreshold + settings.insertScale * rows);
    const analyzeRatio = t.modified / (settings.analyzeThreshold + settings.analyzeScale * rows);
    const vacuum = deadRatio > 1 || insertRatio > 1;
    const analyze = analyzeRatio > 1;
    if (!vacuum && !analyze) continue;
    const work = vacuum && analyze ? 'vacuum analyze' : vacuum ? 'vacuum' : 'analyze';
    const urgency = Math.max(
      vacuum ? Math.max(deadRatio, insertRatio) : 0,
      analyze ? analyzeRatio : 0,
    );
    due.push({ table: t.table, work, urgency });
  }
  return due.sort((a, b) => b.urgency - a.urgency || a.table.localeCompare(b.table));
}

/**
 * Vacuums and/or analyzes one table on one connection, throttled as autovacuum throttles itself
 * when `costDelayMs` > 0 (VACUUM runs outside a transaction, so not in one of the pool's).
 * `onBackend` receives the backend's pid first, so that a shutdown can cancel a long vacuum.
 */
export async function maintainTable(
  db: Kysely<DB>,
  table: string,
  work: MaintenanceWork,
  costDelayMs: number,
  onBackend: (pid: number) => void = () => undefined,
): Promise<void> {
  await db.connection().execute(async (conn) => {
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn);
    onBackend(rows[0]!.pid);
    // Inlined, not a parameter: PGlite cannot run VACUUM after a statement of the extended
    // protocol on the same connection ("CommitTransactionCommand: unexpected state").
    if (costDelayMs > 0)
      await sql`set vacuum_cost_delay = ${sql.lit(Math.max(0, Math.min(100, costDelayMs)))}`.execute(
        conn,
      );
    try {
      // PARALLEL 0, as autovacuum runs: a manual VACUUM otherwise hands a table's indexes to
      // parallel workers, a process each, and on a small node takes every core from ingest for
      // as long as it lasts (the soak's slowest requests of 2026-12-05 met `ticket`'s, three
      // backends at once).
      const statement = {
        vacuum: sql`vacuum (parallel 0) ${sql.table(table)}`,
        analyze: sql`analyze ${sql.table(table)}`,
        'vacuum analyze': sql`vacuum (analyze, parallel 0) ${sql.table(table)}`,
      }[work];
      await statement.execute(conn);
    } finally {
      if (costDelayMs > 0) await sql`reset vacuum_cost_delay`.execute(conn).catch(() => undefined);
    }
  });
}

/** Cancels the statement a backend runs (a vacuum at shutdown); false when it was not running. */
export async function cancelBackend(db: Kysely<DB>, pid: number): Promise<boolean> {
  const { rows } = await sql<{ cancelled: boolean }>`
    select pg_cancel_backend(${pid}::int) as cancelled`.execute(db);
  return rows[0]?.cancelled === true;
}
