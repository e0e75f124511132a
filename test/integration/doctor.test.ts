/**
 * `deskmetrics doctor` (issue 18) on the run's test database.
 *
 * On Citus (TEST_DATABASE_URL at a coordinator): after the migrations every table of the public
 * schema is distributed on tenant_id in ticket_event's co-location group, or is one of the four
 * reference tables, and the report is healthy; a local table, or a distributed table in a group
 * of its own, is a problem and the command exits 1. On PostgreSQL and the embedded database it
 * says Citus is not in use, lists every table as local, and is healthy.
 *
 * The report is read in this process (diagnose, runCli); once the real CLI is started through
 * tsx, as a user runs it, to see its output and exit status.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { diagnose, formatReport, type DoctorReport } from '../../src/cli/doctor.js';
import { runCli } from '../../src/cli/index.js';
import { describeFailure, ExplainedError, UsageError } from '../../src/failure.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const testDatabase = inject('testDatabase');
const onCitus = testDatabase.mode === 'citus';
const REFERENCE_TABLES = ['api_key', 'reporting_role', 'schema_migration', 'tenant'];

let database: TestDatabase;
let scratch: string;
/** The CLI's environment: the test database's URL on a server, else a data directory. */
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  database = await createTestDatabase();
  scratch = await mkdtemp(path.join(tmpdir(), 'dm-doctor-'));
  env = database.url
    ? { DATABASE_URL: database.url }
    : { DESKMETRICS_DATA_DIR: path.join(scratch, 'data') };
  // The embedded test database lives in memory: the CLI gets a migrated data directory of its own.
  if (!database.url) await quietly(() => runCli(['migrate'], env));
});
afterAll(async () => {
  await database?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** What the command prints, and its exit status. */
async function quietly(run: () => Promise<number | undefined>) {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const status = await run();
    return { status, out: log.mock.calls.map((c) => c.join(' ')).join('\n') };
  } finally {
    log.mockRestore();
  }
}

/** The public schema's tables as PostgreSQL lists them, to check the report against. */
async function publicTables(): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select tablename::text as name from pg_tables where schemaname = 'public'
    order by tablename`.execute(database.db);
  return rows.map((r) => r.name);
}

/** The public tables without a primary key (none has another replica identity). */
async function withoutPrimaryKey(): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select tablename::text as name from pg_tables t where schemaname = 'public'
      and not exists (select 1 from pg_constraint c
        where c.conrelid = format('public.%I', t.tablename)::regclass and c.contype = 'p')
    order by tablename`.execute(database.db);
  return rows.map((r) => r.name);
}

const byName = (report: DoctorReport, name: string) => report.tables.find((t) => t.name === name);

describe.runIf(onCitus)('on Citus', () => {
  it('every table is distributed on tenant_id with ticket_event, or a reference table: healthy', async () => {
    const report = await diagnose(database, 'test');
    expect(report.problems).toEqual([]);
    expect(report.healthy).toBe(true);
    expect(report.database.kind).toBe('server');
    expect(report.database.version).toMatch(/^15\./);
    expect(report.migrations.pending).toEqual([]);

    const citus = report.citus!;
    expect(citus.version).toMatch(/^13\./);
    expect(citus.coordinator).toBe(true);
    const workers = citus.nodes.filter((n) => n.group_id !== 0);
    // citus_get_active_worker_nodes() answers the port as a bigint, which pg gives as a string.
    const registered = testDatabase.mode === 'citus' ? testDatabase.workers : [];
    expect(workers.map((w) => `${w.host}:${w.port}`)).toEqual(
      registered.map((w) => `${w.host}:${w.port}`),
    );
    expect(workers.every((w) => w.active && w.shards > 0)).toBe(true);

    expect(report.tables.map((t) => t.name)).toEqual(await publicTables());
    const reference = report.tables.filter((t) => t.state === 'reference').map((t) => t.name);
    expect(reference).toEqual(REFERENCE_TABLES);
    const anchor = byName(report, 'ticket_event')!;
    expect(anchor).toMatchObject({ state: 'distributed', distribution_column: 'tenant_id' });
    const distributed = report.tables.filter((t) => !REFERENCE_TABLES.includes(t.name));
    expect(distributed.length).toBeGreaterThan(15);
    for (const table of distributed) {
      expect(table, table.name).toMatchObject({
        state: 'distributed',
        distribution_column: 'tenant_id',
        colocation_id: anchor.colocation_id,
        shard_count: 4, // test/support/citus.ts: citus.shard_count = 4
        problem: null,
      });
    }
    // The rollup ledgers have no primary key: a note (shard moves must block writes), not a problem.
    const unidentified = await withoutPrimaryKey();
    expect(report.tables.filter((t) => !t.replica_identity).map((t) => t.name)).toEqual(
      unidentified,
    );
    if (unidentified.length > 0) {
      expect(report.notes).toContainEqual(
        expect.stringContaining(
          `have no primary key or replica identity (${unidentified.join(', ')}): Citus moves their shard groups`,
        ),
      );
    }
    const group = citus.colocation_groups.find((g) => g.colocation_id === anchor.colocation_id)!;
    expect(group).toMatchObject({ shard_count: 4, column_type: 'uuid' });
    expect([...group.tables].sort()).toEqual(distributed.map((t) => t.name).sort());
    // The shards of the group, spread over the workers.
    expect(workers.reduce((sum, w) => sum + w.shards, 0)).toBe(4 * distributed.length);

    const text = formatReport(report);
    expect(text).toMatch(/^citus {8}13\.\S+ \(coordinator\)$/m);
    expect(text).toMatch(/^ticket_event +distributed +tenant_id +\d+ +4$/m);
    expect(text).toMatch(/^tenant +reference +\d+ +1$/m);
    expect(text).toContain('healthy: on Citus');
  });

  it('a local table is a problem: exit 1', async () => {
    await sql`create table doctor_local (tenant_id uuid not null, id int not null,
      primary key (tenant_id, id))`.execute(database.db);
    try {
      const report = await diagnose(database, 'test');
      expect(report.healthy).toBe(false);
      const problem =
        'doctor_local is a local table: on Citus every table must be distributed on tenant_id or be a reference table';
      expect(byName(report, 'doctor_local')).toMatchObject({ state: 'local', problem });
      expect(report.problems).toEqual([problem]);
      const { status, out } = await quietly(() => runCli(['doctor'], env));
      expect(status).toBe(1);
      expect(out).toMatch(/^! doctor_local +local$/m);
      expect(out).toContain(`1 problem(s):\n  - ${problem}`);
    } finally {
      await sql`drop table doctor_local`.execute(database.db);
    }
  });

  it('a distributed table outside ticket_event’s co-location group is a problem', async () => {
    await sql`create table doctor_apart (tenant_id uuid not null, id int not null,
      primary key (tenant_id, id))`.execute(database.db);
    try {
      await sql`select create_distributed_table('doctor_apart', 'tenant_id',
        colocate_with => 'none')`.execute(database.db);
      const report = await diagnose(database, 'test');
      const apart = byName(report, 'doctor_apart')!;
      expect(apart).toMatchObject({ state: 'distributed', distribution_column: 'tenant_id' });
      expect(apart.colocation_id).not.toBe(byName(report, 'ticket_event')!.colocation_id);
      expect(apart.problem).toMatch(
        /^doctor_apart is in co-location group \d+, not with ticket_event \(group \d+\)/,
      );
      expect(report.problems).toEqual([apart.problem]);
    } finally {
      await sql`drop table doctor_apart`.execute(database.db);
    }
  });
});

describe.runIf(!onCitus)('on PostgreSQL and the embedded database', () => {
  it('Citus is not in use and every table is local: healthy', async () => {
    const report = await diagnose(database, 'test');
    expect(report.problems).toEqual([]);
    expect(report.healthy).toBe(true);
    expect(report.citus).toBeNull();
    expect(report.database.kind).toBe(testDatabase.mode === 'pglite' ? 'embedded' : 'server');
    // The embedded database has no autovacuum; this machine's server runs with it off.
    const { rows } = await sql<{ runs: boolean }>`
      select current_setting('autovacuum') = 'on' and exists (select 1 from pg_stat_activity
        where backend_type = 'autovacuum launcher') as runs`.execute(database.db);
    expect(report.database.autovacuum).toBe(rows[0]!.runs);
    if (testDatabase.mode === 'pglite') expect(report.database.autovacuum).toBe(false);
    expect(formatReport(report)).toContain(
      rows[0]!.runs
        ? 'autovacuum runs on this database'
        : 'the service vacuums and analyzes its tables itself',
    );
    expect(report.migrations.pending).toEqual([]);
    expect(report.tables.map((t) => t.name)).toEqual(await publicTables());
    expect(report.tables.length).toBeGreaterThan(15);
    for (const table of report.tables) {
      expect(table, table.name).toMatchObject({
        state: 'local',
        distribution_column: null,
        colocation_id: null,
        shard_count: null,
        problem: null,
      });
    }
    expect(report.tables.filter((t) => !t.replica_identity).map((t) => t.name)).toEqual(
      await withoutPrimaryKey(),
    );
    const text = formatReport(report);
    expect(text).toMatch(/^citus {8}not in use/m);
    expect(text).toMatch(/^ticket_event +local$/m);
    expect(text).toContain('healthy: not on Citus, every table is local');
  });
});

describe('deskmetrics doctor', () => {
  it('the real CLI prints the report and exits 0; --json gives the same report', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'doctor', ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
    const text = run([]);
    expect(text.stderr).toBe('');
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(
      testDatabase.mode === 'pglite'
        ? /^database {5}embedded PGlite /
        : /^database {5}PostgreSQL server 15\./,
    );
    expect(text.stdout).toContain(
      onCitus ? 'healthy: on Citus' : 'healthy: not on Citus, every table is local',
    );

    const json = run(['--json']);
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout) as DoctorReport;
    expect(report.healthy).toBe(true);
    expect(report.citus === null).toBe(!onCitus);
    expect(report.tables.find((t) => t.name === 'ticket_event')?.state).toBe(
      onCitus ? 'distributed' : 'local',
    );
  });

  it('--help describes it; a mistake is one sentence', async () => {
    const help = await quietly(() => runCli(['doctor', '--help'], env));
    expect(help.status).toBe(0);
    expect(help.out).toContain('doctor [--json]');
    expect(help.out).toContain('co-location group');

    const mistake = async (argv: string[], environment: NodeJS.ProcessEnv) =>
      describeFailure(
        await runCli(argv, environment).then(
          () => expect.unreachable(`${argv.join(' ')} succeeded`),
          (e: unknown) => e,
        ),
      );
    expect(await mistake(['doctor', '--tenant', 'x'], env)).toEqual({
      text: 'unknown option --tenant',
      exitCode: 2,
    });
    expect(await mistake(['doctor', 'now'], env)).toEqual({
      text: 'unexpected argument "now"',
      exitCode: 2,
    });
    const missing = path.join(scratch, 'nowhere');
    expect(await mistake(['doctor'], { DESKMETRICS_DATA_DIR: missing })).toEqual({
      text: `there is no embedded database in ${missing} yet (npm start creates it); set DATABASE_URL to check a PostgreSQL server`,
      exitCode: 1,
    });
    await expect(runCli(['doctor', '--bogus'], env)).rejects.toBeInstanceOf(UsageError);
    await expect(runCli(['doctor'], { DESKMETRICS_DATA_DIR: missing })).rejects.toBeInstanceOf(
      ExplainedError,
    );
  });
});
