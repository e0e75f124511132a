/**
 * The service's own autovacuum (storage/table-maintainer.ts) on the test database — PostgreSQL,
 * PGlite or Citus: it decides from whether autovacuum runs, finds the tables autovacuum would
 * maintain from their activity, vacuums and analyzes them (the statistics and dead rows change
 * as they would), runs on its own schedule and stops at close.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readMaintenanceSettings,
  readTableActivity,
  type TableActivity,
} from '../../src/storage/table-maintenance.repository.js';
import { TableMaintainer, type MaintenanceLog } from '../../src/storage/table-maintainer.js';
import { buildApp } from '../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase;
const lines: Array<{ level: string; message: string; details: object }> = [];
const log: MaintenanceLog = {
  info: (details, message) => lines.push({ level: 'info', message, details }),
  warn: (details, message) => lines.push({ level: 'warn', message, details }),
  debug: (details, message) => lines.push({ level: 'debug', message, details }),
};

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

/**
 * `rows` rows into a new table of the schema, then `updated` of them updated and `deleted`
 * deleted, on one connection whose statistics are flushed at once (otherwise a backend reports
 * them up to a second later), then waits until the activity shows them.
 */
async function writeTable(
  name: string,
  rows: number,
  updated: number,
  deleted: number,
): Promise<TableActivity> {
  await database.db.connection().execute(async (conn) => {
    await sql`create table ${sql.table(name)} (id int primary key, v text)`.execute(conn);
    await sql`insert into ${sql.table(name)} select g, 'x' from generate_series(1, ${rows}::int) g`.execute(
      conn,
    );
    await sql`update ${sql.table(name)} set v = 'y' where id <= ${updated}::int`.execute(conn);
    await sql`delete from ${sql.table(name)} where id > ${rows - deleted}::int`.execute(conn);
    await sql`select pg_stat_force_next_flush()`.execute(conn);
  });
  for (let i = 0; i < 100; i++) {
    // A query after the flush request: the backend flushes when it goes idle.
    const found = (await readTableActivity(database.db)).find((t) => t.table === name);
    if (found !== undefined && found.modified >= rows + updated + deleted) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the statistics never showed ${name}'s writes`);
}

/** Throttled as on a server; PGlite cannot sleep in a vacuum (main.ts never asks it to). */
const onServer = () => database.kind === 'postgres';

async function statsOf(name: string) {
  const { rows } = await sql<{
    reltuples: number;
    dead: number;
    modified: number;
    vacuumed: boolean;
    analyzed: boolean;
  }>`
    select c.reltuples::float8 as reltuples, s.n_dead_tup::float8 as dead,
      s.n_mod_since_analyze::float8 as modified,
      s.last_vacuum is not null as vacuumed, s.last_analyze is not null as analyzed
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid
    where s.relname = ${name}`.execute(database.db);
  return rows[0]!;
}

describe('TableMaintainer', () => {
  it('maintains when autovacuum does not run (auto), always (on) or never (off)', async () => {
    const settings = await readMaintenanceSettings(database.db);
    // Asked independently of the repository: the launcher is there when autovacuum runs.
    const { rows } = await sql<{ launcher: boolean; setting: string }>`
      select exists (select 1 from pg_stat_activity where backend_type = 'autovacuum launcher')
        as launcher, current_setting('autovacuum') as setting`.execute(database.db);
    const runs = rows[0]!.launcher && rows[0]!.setting === 'on';
    expect(settings.autovacuum).toBe(runs);
    if (database.kind === 'pglite') expect(settings.autovacuum).toBe(false);
    for (const [mode, active] of [
      ['auto', !runs],
      ['on', true],
      ['off', false],
    ] as const) {
      const maintainer = new TableMaintainer(database.db, { mode, throttle: false, log });
      await expect(maintainer.start()).resolves.toEqual({ active, autovacuum: runs });
      await maintainer.close();
    }
    // Off where nothing else maintains the tables: said, once, as a warning.
    const warned = lines.filter((l) => l.level === 'warn' && l.message.includes('=off'));
    expect(warned).toHaveLength(runs ? 0 : 1);
    expect(settings.analyzeScale).toBeGreaterThan(0);
    expect(settings.naptimeSeconds).toBeGreaterThan(0);
  });

  it('vacuums and analyzes the tables autovacuum would, and leaves the others', async () => {
    // 5,000 rows, 3,000 of them updated and 500 deleted: 3,500 dead rows, never analyzed.
    const busy = await writeTable('maint_busy', 5000, 3000, 500);
    expect(busy).toMatchObject({ reltuples: -1, dead: 3500 });
    const before = await statsOf('maint_busy');
    expect(before).toMatchObject({ vacuumed: false, analyzed: false });

    const maintainer = new TableMaintainer(database.db, { mode: 'on', throttle: onServer(), log });
    const done = await maintainer.runOnce();
    const busyDone = done.find((d) => d.table === 'maint_busy');
    expect(busyDone).toMatchObject({ work: 'vacuum analyze' });
    expect(busyDone?.error).toBeUndefined();
    expect(done.every((d) => d.error === undefined)).toBe(true);

    const after = await statsOf('maint_busy');
    expect(after).toMatchObject({ vacuumed: true, analyzed: true, reltuples: 4500 });
    // The dead rows are gone and the changes are counted from the analyze.
    await sql`select pg_stat_force_next_flush()`.execute(database.db);
    const again = (await readTableActivity(database.db)).find((t) => t.table === 'maint_busy')!;
    expect(again).toMatchObject({ dead: 0, modified: 0, reltuples: 4500 });

    // A second pass finds nothing more to do for it.
    const second = await maintainer.runOnce();
    expect(second.find((d) => d.table === 'maint_busy')).toBeUndefined();
    await maintainer.close();
  });

  it('analyzes a table that only changed a little, without vacuuming it', async () => {
    // 40 rows then 40 updates: 80 changes (past 50) but 40 dead rows (not past 50).
    await writeTable('maint_small', 40, 40, 0);
    const maintainer = new TableMaintainer(database.db, { mode: 'on', throttle: false, log });
    const done = await maintainer.runOnce();
    expect(done.find((d) => d.table === 'maint_small')).toMatchObject({ work: 'analyze' });
    expect(await statsOf('maint_small')).toMatchObject({ vacuumed: false, analyzed: true });
    await maintainer.close();
  });

  it('runs on its own schedule once started, and stops at close', async () => {
    await writeTable('maint_timed', 2000, 0, 0);
    const maintainer = new TableMaintainer(database.db, {
      mode: 'on',
      throttle: onServer(),
      log,
      intervalMs: 50,
    });
    await maintainer.start();
    for (let i = 0; i < 200 && !(await statsOf('maint_timed')).analyzed; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await statsOf('maint_timed')).toMatchObject({ analyzed: true, reltuples: 2000 });
    await maintainer.close();

    // Closed: new activity stays unmaintained.
    await writeTable('maint_after_close', 2000, 0, 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await statsOf('maint_after_close')).toMatchObject({ analyzed: false });
    expect(lines.filter((l) => l.message.includes('failed'))).toEqual([]);
  });

  it('starts with the app that is given it, says what it decided, and stops with it', async () => {
    const logged: Array<{ msg: string; autovacuum?: boolean }> = [];
    const app = await buildApp({
      db: database.db,
      logger: { level: 'info', stream: { write: (l: string) => logged.push(JSON.parse(l)) } },
      tableMaintenance: { mode: 'auto', throttle: onServer() },
    });
    await app.ready();
    const { autovacuum } = await readMaintenanceSettings(database.db);
    const decision = logged.find((l) => l.msg.includes('autovacuum'));
    // With autovacuum running, auto leaves the tables to it and says nothing.
    if (autovacuum) expect(decision).toBeUndefined();
    else {
      expect(decision?.autovacuum).toBe(false);
      expect(decision?.msg).toMatch(/deskmetrics vacuums and analyzes its tables itself/);
    }
    await app.close();

    // Without the option (tests, tools): no maintenance, nothing said.
    const quiet: string[] = [];
    const bare = await buildApp({
      db: database.db,
      logger: { level: 'info', stream: { write: (l: string) => quiet.push(l) } },
    });
    await bare.ready();
    await bare.close();
    expect(quiet.filter((l) => l.includes('autovacuum'))).toEqual([]);
  });
});
