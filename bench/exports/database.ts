/**
 * The benchmark's database `deskmetrics_bench_exports_<rows>`: created, migrated with the
 * project's migrations, given two tenants with a reports:read key each, and filled by SQL
 * (fill.ts), then `vacuum analyze`. Its comment records what it holds; a later run asking for the
 * same rows reuses it (`--reload` forces a new load, and so does a migration added since).
 */
import pg from 'pg';
import { openDatabase } from '../../src/storage/database.js';
import { loadMigrations, migrate } from '../../src/storage/migrator.js';
import { createApiKey, createTenant } from '../../src/storage/tenant.repository.js';
import {
  clockInsert,
  contactInsert,
  GENERATOR_VERSION,
  HELPER_SQL,
  segmentInsert,
  ticketInsert,
} from './fill.js';

/** The reports:read keys of the two tenants (a bench database on a local server only). */
export const MAIN_KEY = 'bench-exports-reports-key-main-0123456789';
export const RSS_KEY = 'bench-exports-reports-key-rss-0123456789';

export interface LoadInfo {
  generator: number;
  rows: number;
  rssRows: number;
  mainTenant: string;
  rssTenant: string | null;
  loadSeconds: number;
  vacuumSeconds: number;
  loadedAt: string;
}

export interface Loaded {
  url: string;
  info: LoadInfo;
  reused: boolean;
}

type Log = (line: string) => void;

const CHUNK = 500_000;
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

export function databaseName(rows: number): string {
  return `deskmetrics_bench_exports_${rows}`;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function cachedInfo(serverUrl: string, name: string): Promise<LoadInfo | null> {
  return withClient(serverUrl, async (c) => {
    const { rows } = await c.query<{ comment: string | null }>(
      `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`,
      [name],
    );
    try {
      return rows[0]?.comment ? (JSON.parse(rows[0].comment) as LoadInfo) : null;
    } catch {
      return null;
    }
  });
}

/**
 * Migrations on disk the database has not applied, or applied with other contents: a service
 * start would apply the first (and might queue a refold) and refuses to start on the second.
 */
async function staleMigrations(url: string): Promise<string[]> {
  const database = await openDatabase({ url, poolSize: 1 });
  try {
    const { rows } = await database.pool!.query<{ name: string; checksum: string }>(
      'select name, checksum from schema_migration',
    );
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    const onDisk = await loadMigrations();
    return onDisk.filter((m) => applied.get(m.name) !== m.checksum).map((m) => m.name);
  } finally {
    await database.close();
  }
}

/** Migrates, and creates the tenants and their keys; returns the tenant ids. */
async function prepareSchema(
  url: string,
  rssRows: number,
): Promise<{ main: string; rss: string | null }> {
  const database = await openDatabase({ url, poolSize: 1 });
  try {
    await migrate(database.db);
    const tenant = async (name: string, key: string) => {
      const id = await createTenant(database.db, name);
      await createApiKey(database.db, {
        tenantId: id,
        name: 'bench exports',
        scopes: ['reports:read'],
        key,
      });
      await database.pool!.query('insert into tenant_data_version (tenant_id) values ($1)', [id]);
      return id;
    };
    const main = await tenant('bench-exports', MAIN_KEY);
    const rss = rssRows > 0 ? await tenant('bench-exports-rss', RSS_KEY) : null;
    return { main, rss };
  } finally {
    await database.close();
  }
}

/** Runs `statement(lo, hi)` over 0..count-1 (or 1..count) in chunks, a progress line each. */
async function chunked(
  client: pg.Client,
  what: string,
  count: number,
  base: 0 | 1,
  statement: (lo: number, hi: number) => string,
  log: Log,
): Promise<void> {
  const t0 = performance.now();
  for (let done = 0; done < count;) {
    const n = Math.min(CHUNK, count - done);
    await client.query(statement(base + done, base + done + n - 1));
    done += n;
    const s = (performance.now() - t0) / 1000;
    const eta = done < count ? `, ETA ${Math.round((s / done) * (count - done))} s` : '';
    log(`  ${what}: ${fmtInt(done)} of ${fmtInt(count)} rows, ${fmtInt(done / s)} rows/s${eta}`);
  }
}

async function fill(
  url: string,
  rows: number,
  rssRows: number,
  tenants: { main: string; rss: string | null },
  log: Log,
) {
  await withClient(url, async (c) => {
    await c.query(HELPER_SQL);
    await c.query('set synchronous_commit = off');
    const main = tenants.main;
    await chunked(c, 'ticket', rows, 1, (lo, hi) => ticketInsert(main, rows, lo, hi), log);
    await chunked(c, 'sla_clock', 3 * rows, 0, (lo, hi) => clockInsert(main, rows, lo, hi), log);
    await chunked(
      c,
      'backlog_segment',
      2 * rows,
      0,
      (lo, hi) => segmentInsert(main, rows, lo, hi),
      log,
    );
    const contacts = await c.query(contactInsert(main, rows));
    log(`  contact: ${fmtInt(contacts.rowCount ?? 0)} rows`);
    if (tenants.rss !== null) {
      const rss = tenants.rss;
      const tickets = Math.ceil(rssRows / 3);
      log(`  second tenant (RSS at ${fmtInt(rssRows)} rows): its sla_clock only`);
      await chunked(c, 'sla_clock', rssRows, 0, (lo, hi) => clockInsert(rss, tickets, lo, hi), log);
    }
  });
}

/**
 * Makes sure the database holds `rows` tickets (and `rssRows` clocks of a second tenant) of this
 * generator: reuses it when its comment says so, else (re)creates and fills it.
 */
export async function ensureLoaded(
  options: { serverUrl: string; rows: number; rssRows: number; reload: boolean },
  log: Log,
): Promise<Loaded> {
  const name = databaseName(options.rows);
  const url = withDatabase(options.serverUrl, name);
  const cached = await cachedInfo(options.serverUrl, name);
  const same =
    cached !== null &&
    cached.generator === GENERATOR_VERSION &&
    cached.rows === options.rows &&
    cached.rssRows === options.rssRows;
  if (same && !options.reload) {
    const stale = await staleMigrations(url);
    if (stale.length === 0) return { url, info: cached, reused: true };
    log(`database ${name} lacks migration(s) as they are now (${stale.join(', ')}): reloading it`);
  } else if (cached !== null && !options.reload) {
    log(
      `database ${name} holds generator ${cached.generator} with ${fmtInt(cached.rssRows)} RSS rows: reloading it`,
    );
  }
  await withClient(options.serverUrl, async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
  });
  log(`created ${name}; migrating, then filling it by SQL (generate_series)`);
  const t0 = performance.now();
  const tenants = await prepareSchema(url, options.rssRows);
  await fill(url, options.rows, options.rssRows, tenants, log);
  const loadSeconds = (performance.now() - t0) / 1000;
  log(`  filled in ${Math.round(loadSeconds)} s; vacuum analyze…`);
  // This machine runs PostgreSQL with autovacuum off; without statistics nothing is planned well.
  const t1 = performance.now();
  await withClient(url, (c) => c.query('vacuum analyze'));
  const vacuumSeconds = (performance.now() - t1) / 1000;
  log(`  vacuum analyze ${Math.round(vacuumSeconds)} s`);
  const info: LoadInfo = {
    generator: GENERATOR_VERSION,
    rows: options.rows,
    rssRows: options.rssRows,
    mainTenant: tenants.main,
    rssTenant: tenants.rss,
    loadSeconds: Math.round(loadSeconds),
    vacuumSeconds: Math.round(vacuumSeconds),
    loadedAt: new Date().toISOString(),
  };
  await withClient(options.serverUrl, (c) =>
    c.query(`comment on database ${name} is ${pg.escapeLiteral(JSON.stringify(info))}`),
  );
  return { url, info, reused: false };
}

/** Row counts and on-disk sizes of the tables, for the log and the README. */
export async function describeTables(url: string): Promise<string> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ t: string; n: string; mb: string }>(
      `select t, (select reltuples::int8 from pg_class where relname = t)::text as n,
         (pg_total_relation_size(t) / 1048576)::text as mb
       from unnest(array['ticket', 'sla_clock', 'backlog_segment', 'contact']) t`,
    );
    return rows
      .map((r) => `${r.t} ${fmtInt(Number(r.n))} rows (${fmtInt(Number(r.mb))} MB)`)
      .join(', ');
  });
}
