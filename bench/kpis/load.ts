/**
 * The benchmark's database: `deskmetrics_bench_kpis_<tickets>` on the given server, loaded once
 * through the real ingest path (the service as a child process, `POST /v1/events` NDJSON over
 * several connections, each ticket's events on one connection, in order) and kept. The
 * database's comment records what it holds (generator version, tickets, seed, events, load
 * time); a later run with the same generator version, ticket count and seed reuses it.
 */
import { createReadStream, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { killHard, startServer, type ServerProcess } from '../../test/support/server-process.js';
import {
  createBenchDatabase,
  dropBenchDatabase,
  withDatabase,
  type Server,
} from '../citus/database.js';
import { createBenchTenants } from '../citus/tenants.js';
import { OFFICE_CALENDAR, OFFICE_CALENDAR_ID, POLICIES } from './config.js';
import { DATA_FROM, DATA_TO, GENERATOR_VERSION, generateEvents } from './generate.js';

export const API_KEY = 'bench-kpis-admin-key-0123456789abcdef';

/** Tenant `index`'s admin key (the first tenant's is API_KEY, as before there were several). */
export const keyOf = (index: number) => (index === 0 ? API_KEY : `${API_KEY}-${index}`);

export interface LoadInfo {
  generator: number;
  tickets: number;
  /** Absent in databases loaded before there were several: 1. */
  tenants?: number;
  seed: number;
  events: number;
  ingest_seconds: number;
  vacuum_seconds: number;
  loaded_at: string;
}

export function databaseName(tickets: number, tenants = 1): string {
  return `deskmetrics_bench_kpis_${tickets}${tenants > 1 ? `_t${tenants}` : ''}`;
}

export { withDatabase };

async function withAdmin<T>(serverUrl: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** What the cached database holds, or null when it does not exist or was never fully loaded. */
export async function cachedLoad(
  serverUrl: string,
  tickets: number,
  tenants = 1,
): Promise<LoadInfo | null> {
  return withAdmin(serverUrl, async (c) => {
    const { rows } = await c.query<{ comment: string | null }>(
      `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`,
      [databaseName(tickets, tenants)],
    );
    const text = rows[0]?.comment;
    if (!text) return null;
    try {
      return JSON.parse(text) as LoadInfo;
    } catch {
      return null;
    }
  });
}

export function startService(url: string): Promise<ServerProcess> {
  // The V8 flag `npm start` and the Dockerfile run the service with. The per-key rate limits
  // are off: the bench asks far more than a minute's budget of one key (as bench/soak does).
  const env = {
    DATABASE_URL: url,
    DESKMETRICS_BOOTSTRAP_KEY: API_KEY,
    DESKMETRICS_RATE_LIMIT_READS: '0',
    DESKMETRICS_RATE_LIMIT_WRITES: '0',
  };
  return startServer(env, ['--max-semi-space-size=128', 'src/main.ts']);
}

async function put(baseUrl: string, key: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
}

interface IngestResult {
  accepted: number;
  duplicates?: number;
  rejected: number;
  errors?: unknown[];
}

function post(baseUrl: string, key: string, body: Buffer): Promise<IngestResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}/v1/events`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/x-ndjson',
          'content-length': body.length,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(JSON.parse(text) as IngestResult)
            : reject(new Error(`POST /v1/events: ${res.statusCode} ${text.slice(0, 500)}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
function fmtDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

/** Writes the generated events as NDJSON, one file per connection (sharded by ticket). */
async function generateFiles(
  dir: string,
  options: { tickets: number; seed: number; connections: number },
  log: (line: string) => void,
): Promise<{ files: string[]; events: number; seconds: number }> {
  mkdirSync(dir, { recursive: true });
  const files = Array.from({ length: options.connections }, (_, i) =>
    join(dir, `shard-${i}.ndjson`),
  );
  const streams = files.map((f) => createWriteStream(f));
  const pending: string[][] = files.map(() => []);
  const t0 = performance.now();
  let events = 0;
  let lastLog = t0;
  const flush = async (i: number) => {
    const text = `${pending[i]!.join('\n')}\n`;
    pending[i] = [];
    if (!streams[i]!.write(text)) await once(streams[i]!, 'drain');
  };
  for (const e of generateEvents({ tickets: options.tickets, seed: options.seed })) {
    const shard = e.ticket % options.connections;
    pending[shard]!.push(e.line);
    events++;
    if (pending[shard]!.length >= 5000) await flush(shard);
    if ((events & 0xffff) === 0 && performance.now() - lastLog > 15_000) {
      lastLog = performance.now();
      const share = (e.at - DATA_FROM) / (DATA_TO - DATA_FROM);
      log(
        `  generating: ${fmtInt(events)} events (${(share * 100).toFixed(1)} % of the two years)`,
      );
    }
  }
  for (let i = 0; i < files.length; i++) {
    if (pending[i]!.length > 0) await flush(i);
    streams[i]!.end();
    await once(streams[i]!, 'finish');
  }
  return { files, events, seconds: (performance.now() - t0) / 1000 };
}

/** A file's NDJSON in bodies of about `bytes` bytes, cut at line ends. */
async function* bodies(file: string, bytes: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of createReadStream(file, {
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>) {
    parts.push(chunk);
    size += chunk.length;
    if (size < bytes) continue;
    const all = Buffer.concat(parts);
    const cut = all.lastIndexOf(10) + 1;
    yield all.subarray(0, cut);
    parts = [all.subarray(cut)];
    size = all.length - cut;
  }
  if (size > 0) yield Buffer.concat(parts);
}

/**
 * Streams the shard files to the service, one connection per file, a body of about 12 MB
 * (some 50,000 events) per request, printing progress every 15 s. Returns the events stored.
 */
async function ingest(
  baseUrl: string,
  files: ReadonlyArray<{ key: string; file: string }>,
  total: number,
  log: (line: string) => void,
): Promise<number> {
  let accepted = 0;
  const started = performance.now();
  const progress = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    const share = accepted / total;
    const eta = share > 0.01 ? fmtDuration((seconds / share) * (1 - share)) : '?';
    log(
      `  loading: ${fmtInt(accepted)} of ${fmtInt(total)} events stored (${(share * 100).toFixed(1)} %), ${fmtInt(accepted / seconds)} events/s, ${fmtDuration(seconds)} elapsed, ETA ${eta}`,
    );
  }, 15_000);
  try {
    await Promise.all(
      files.map(async ({ key, file }) => {
        for await (const body of bodies(file, 12 << 20)) {
          const result = await post(baseUrl, key, body);
          if (result.rejected > 0) {
            throw new Error(
              `the service rejected ${result.rejected} generated events: ${JSON.stringify(result.errors?.slice(0, 3))}`,
            );
          }
          accepted += result.accepted;
        }
      }),
    );
  } finally {
    clearInterval(progress);
  }
  if (accepted !== total) throw new Error(`stored ${accepted} of ${total} events`);
  return accepted;
}

/**
 * Generates each tenant's tickets (`tickets / tenants` each, seed + the tenant's index) into NDJSON
 * files and streams them to the service, every tenant at once, each over its share of the
 * connections (at least one). Returns the events stored.
 */
async function loadTenants(
  url: string,
  options: { tickets: number; tenants: number; seed: number; connections: number; dir: string },
  workers: readonly string[] | undefined,
  log: (line: string) => void,
): Promise<number> {
  const tenants = await createBenchTenants(url, options.tenants, keyOf, workers);
  const perTenant = options.tickets / options.tenants;
  const connections = Math.max(1, Math.round(options.connections / options.tenants));
  log(
    `generating ${fmtInt(options.tickets)} tickets' events (${options.tenants} tenant(s), ${fmtInt(perTenant)} tickets each) into ${options.dir}`,
  );
  const files: Array<{ key: string; file: string }> = [];
  let events = 0;
  const t0 = performance.now();
  for (const t of tenants) {
    const generated = await generateFiles(
      options.tenants === 1 ? options.dir : join(options.dir, `tenant-${t.index}`),
      { tickets: perTenant, seed: options.seed + t.index, connections },
      log,
    );
    events += generated.events;
    files.push(...generated.files.map((file) => ({ key: t.key, file })));
  }
  log(
    `  ${fmtInt(events)} events (${(events / options.tickets).toFixed(2)} a ticket) in ${fmtDuration((performance.now() - t0) / 1000)}`,
  );
  log(
    `loading them through POST /v1/events (${connections} connection(s) per tenant, the service as \`npm start\` runs it)`,
  );
  const server = await startService(url);
  try {
    for (const t of tenants) {
      await put(server.baseUrl, t.key, `/v1/calendars/${OFFICE_CALENDAR_ID}`, OFFICE_CALENDAR);
      await put(server.baseUrl, t.key, '/v1/sla-policies', POLICIES);
    }
    return await ingest(server.baseUrl, files, events, log);
  } finally {
    await killHard(server);
  }
}

/**
 * Makes sure the database for `tickets` and `tenants` holds this generator's data: reuses it when
 * its comment matches (unless `reload`), otherwise (re)creates and loads it — on Citus as a
 * distributed database. Returns what it holds.
 */
export async function ensureLoaded(
  options: {
    server: Server;
    tickets: number;
    tenants: number;
    seed: number;
    reload: boolean;
    connections: number;
  },
  log: (line: string) => void,
): Promise<{ url: string; info: LoadInfo; reused: boolean }> {
  const serverUrl = options.server.url;
  const name = databaseName(options.tickets, options.tenants);
  const url = withDatabase(serverUrl, name);
  const cached = await cachedLoad(serverUrl, options.tickets, options.tenants);
  if (
    !options.reload &&
    cached !== null &&
    cached.generator === GENERATOR_VERSION &&
    cached.tickets === options.tickets &&
    (cached.tenants ?? 1) === options.tenants &&
    cached.seed === options.seed
  ) {
    return { url, info: cached, reused: true };
  }
  if (cached !== null && !options.reload) {
    log(
      `database ${name} holds generator ${cached.generator}, seed ${cached.seed}: reloading with generator ${GENERATOR_VERSION}, seed ${options.seed}`,
    );
  }
  await dropBenchDatabase(options.server, name);
  await createBenchDatabase(options.server, name);
  const dir = join(tmpdir(), `${name}-${options.seed}-${process.pid}`);
  const t0 = performance.now();
  let events: number;
  try {
    const workers = options.server.workers?.map((w) => `${w.host}:${w.port}`);
    events = await loadTenants(url, { ...options, dir }, workers, log);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ingestSeconds = (performance.now() - t0) / 1000;
  log(
    `  stored ${fmtInt(events)} events in ${fmtDuration(ingestSeconds)} (${fmtInt(events / ingestSeconds)} events/s); vacuum analyze…`,
  );
  // This machine runs PostgreSQL with autovacuum off: without statistics the KPI reads would be
  // planned for empty tables, which no running deployment has.
  const t1 = performance.now();
  await withAdmin(url, async (c) => {
    if (options.server.workers === undefined) return c.query('vacuum analyze');
    // On Citus a bare VACUUM stays on the coordinator; naming the distributed tables sends it to
    // their shards on the workers.
    const { rows } = await c.query<{ t: string }>(
      `select string_agg(logicalrelid::regclass::text, ', ') as t from pg_dist_partition`,
    );
    return c.query(`vacuum analyze ${rows[0]!.t}`);
  });
  const vacuumSeconds = (performance.now() - t1) / 1000;
  const info: LoadInfo = {
    generator: GENERATOR_VERSION,
    tickets: options.tickets,
    tenants: options.tenants,
    seed: options.seed,
    events,
    ingest_seconds: Math.round(ingestSeconds * 10) / 10,
    vacuum_seconds: Math.round(vacuumSeconds * 10) / 10,
    loaded_at: new Date().toISOString(),
  };
  await withAdmin(serverUrl, (c) =>
    c.query(`comment on database ${name} is ${pg.escapeLiteral(JSON.stringify(info))}`),
  );
  log(`  vacuum analyze ${fmtDuration(vacuumSeconds)}`);
  return { url, info, reused: false };
}
