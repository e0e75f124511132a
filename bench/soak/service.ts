/**
 * The service under soak: `node <flags of npm start> dist/main.js` (bench/exports/service.ts
 * builds it and reads the flags) on a fresh database of the local PostgreSQL server, with an
 * admin key, no per-key rate limits (the soak is one key asking far more than a minute's budget),
 * and the demo help desk's configuration put through the API.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import pg from 'pg';
import { freePort } from '../../test/support/server-process.js';
import {
  OFFICE_CALENDAR_ID,
  TENANT_SETTINGS,
  officeCalendarBody,
  slaPoliciesBody,
} from '../../src/demo/demo-config.js';
import { ROOT, type Service } from '../exports/service.js';
import { OptionError } from './options.js';

export const KEY = 'bench-soak-admin-key-0123456789abcdef';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(serverUrl: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new OptionError(
      `cannot reach PostgreSQL at ${serverUrl} (${(error as Error).message}); start it or pass --database-url`,
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The server's version, and a new empty database on it (its URL). */
/**
 * The server's version, whether autovacuum runs on it (on, and its launcher alive), and a new
 * empty database on it (its URL).
 */
export async function createDatabase(
  serverUrl: string,
): Promise<{ version: string; autovacuum: boolean; name: string; url: string }> {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const name = `deskmetrics_bench_soak_${stamp}_${process.pid}`;
  const server = await admin(serverUrl, async (c) => {
    const { rows } = await c.query<{ version: string; autovacuum: boolean }>(
      `select current_setting('server_version') as version,
         current_setting('autovacuum') = 'on' and exists (select 1 from pg_stat_activity
           where backend_type = 'autovacuum launcher') as autovacuum`,
    );
    await c.query(`create database ${name}`);
    return rows[0]!;
  });
  return { ...server, name, url: withDatabase(serverUrl, name) };
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await admin(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
}

/** Starts the service and waits until /readyz answers 200. */
export async function startService(
  databaseUrl: string,
  flags: string[],
  cubeMb: number | null,
  cubeDays: number,
  logFile: string | null = null,
): Promise<Service> {
  const port = await freePort();
  const child = spawn(process.execPath, [...flags, 'dist/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DESKMETRICS_BOOTSTRAP_KEY: KEY,
      DESKMETRICS_RATE_LIMIT_READS: '0',
      DESKMETRICS_RATE_LIMIT_WRITES: '0',
      ...(cubeMb === null ? {} : { DESKMETRICS_KPI_CUBE_MB: String(cubeMb) }),
      DESKMETRICS_KPI_CUBE_DAYS: String(cubeDays),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const log = logFile === null ? null : createWriteStream(logFile);
  const keep = (d: Buffer) => {
    log?.write(d);
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited at start:\n${output}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      await res.arrayBuffer();
      if (res.ok) return { child, pid: child.pid!, baseUrl, flags, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`the service was not ready within 120 s:\n${output}`);
}

async function call(baseUrl: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * The demo's tenant settings, office calendar and SLA policies (src/demo/demo-config.ts), in force
 * from `effectiveFrom`, waiting for the recomputations they start.
 */
export async function configureTenant(baseUrl: string, effectiveFrom: number): Promise<void> {
  const put = async (path: string, body: unknown) => {
    const answer = await call(baseUrl, 'PUT', path, body);
    const job = answer.recompute_job_id;
    for (let status = ''; typeof job === 'string' && status !== 'done';) {
      const state = await call(baseUrl, 'GET', `/v1/jobs/${job}`);
      status = String(state.status);
      if (status === 'failed') throw new Error(`recomputation failed: ${String(state.error)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await put(`/v1/calendars/${OFFICE_CALENDAR_ID}`, officeCalendarBody(effectiveFrom));
  await put('/v1/tenant', TENANT_SETTINGS);
  await put('/v1/sla-policies', slaPoliciesBody(effectiveFrom));
}

/**
 * V8's heap in use and the KPI cubes' typed arrays (MB) from the service's /metrics; NaN when
 * they cannot be read (also when /metrics takes over 5 s).
 */
export async function metricsMemoryOf(
  baseUrl: string,
): Promise<{ heapMb: number; cubeMb: number }> {
  try {
    const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    const mb = (name: string) =>
      Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
    return { heapMb: mb('nodejs_heap_size_used_bytes'), cubeMb: mb('deskmetrics_kpi_cube_bytes') };
  } catch {
    return { heapMb: NaN, cubeMb: NaN };
  }
}
