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
import { OFFICE_CALENDAR, OFFICE_CALENDAR_ID, POLICIES } from './config.js';
import { DATA_FROM, DATA_TO, GENERATOR_VERSION, generateEvents } from './generate.js';

export const API_KEY = 'bench-kpis-admin-key-0123456789abcdef';

export interface LoadInfo {
  generator: number;
  tickets: number;
  seed: number;
  events: number;
  ingest_seconds: number;
  vacuum_seconds: number;
  loaded_at: string;
}

export function databaseName(tickets: number): string {
  return `deskmetrics_bench_kpis_${tickets}`;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

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
export async function cachedLoad(serverUrl: string, tickets: number): Promise<LoadInfo | null> {
  return withAdmin(serverUrl, async (c) => {
    const { rows } = await c.query<{ comment: string | null }>(
      `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`,
      [databaseName(tickets)],
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
  // The V8 flag `npm start` and the Dockerfile run the service with.
  return startServer({ DATABASE_URL: url, DESKMETRICS_BOOTSTRAP_KEY: API_KEY }, [
    '--max-semi-space-size=128',
    'src/main.ts',
  ]);
}

async function put(baseUrl: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
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

function post(baseUrl: string, body: Buffer): Promise<IngestResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}/v1/events`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${API_KEY}`,
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
  files: readonly string[],
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
      files.map(async (file) => {
        for await (const body of bodies(file, 12 << 20)) {
          const result = await post(baseUrl, body);
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
 * Makes sure the database for `tickets` holds this generator's data: reuses it when its comment
 * matches (unless `reload`), otherwise (re)creates and loads it. Returns what it holds.
 */
export async function ensureLoaded(
  options: {
    serverUrl: string;
    tickets: number;
    seed: number;
    reload: boolean;
    connections: number;
  },
  log: (line: string) => void,
): Promise<{ url: string; info: LoadInfo; reused: boolean }> {
  const name = databaseName(options.tickets);
  const url = withDatabase(options.serverUrl, name);
  const cached = await cachedLoad(options.serverUrl, options.tickets);
  if (
    !options.reload &&
    cached !== null &&
    cached.generator === GENERATOR_VERSION &&
    cached.tickets === options.tickets &&
    cached.seed === options.seed
  ) {
    return { url, info: cached, reused: true };
  }
  if (cached !== null && !options.reload) {
    log(
      `database ${name} holds generator ${cached.generator}, seed ${cached.seed}: reloading with generator ${GENERATOR_VERSION}, seed ${options.seed}`,
    );
  }
  await withAdmin(options.serverUrl, async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
  });
  const dir = join(tmpdir(), `${name}-${options.seed}-${process.pid}`);
  log(`generating ${fmtInt(options.tickets)} tickets' events into ${dir}`);
  const generated = await generateFiles(
    dir,
    { tickets: options.tickets, seed: options.seed, connections: options.connections },
    log,
  );
  log(
    `  ${fmtInt(generated.events)} events (${(generated.events / options.tickets).toFixed(2)} a ticket) in ${fmtDuration(generated.seconds)}`,
  );
  log(
    `loading them into ${name} through POST /v1/events (${options.connections} connections, the service as \`npm start\` runs it)`,
  );
  const server = await startService(url);
  let events: number;
  const t0 = performance.now();
  try {
    await put(server.baseUrl, `/v1/calendars/${OFFICE_CALENDAR_ID}`, OFFICE_CALENDAR);
    await put(server.baseUrl, '/v1/sla-policies', POLICIES);
    events = await ingest(server.baseUrl, generated.files, generated.events, log);
  } finally {
    await killHard(server);
    rmSync(dir, { recursive: true, force: true });
  }
  const ingestSeconds = (performance.now() - t0) / 1000;
  log(
    `  stored ${fmtInt(events)} events in ${fmtDuration(ingestSeconds)} (${fmtInt(events / ingestSeconds)} events/s); vacuum analyze…`,
  );
  // This machine runs PostgreSQL with autovacuum off: without statistics the KPI reads would be
  // planned for empty tables, which no running deployment has.
  const t1 = performance.now();
  await withAdmin(url, (c) => c.query('vacuum analyze'));
  const vacuumSeconds = (performance.now() - t1) / 1000;
  const info: LoadInfo = {
    generator: GENERATOR_VERSION,
    tickets: options.tickets,
    seed: options.seed,
    events,
    ingest_seconds: Math.round(ingestSeconds * 10) / 10,
    vacuum_seconds: Math.round(vacuumSeconds * 10) / 10,
    loaded_at: new Date().toISOString(),
  };
  await withAdmin(options.serverUrl, (c) =>
    c.query(`comment on database ${name} is ${pg.escapeLiteral(JSON.stringify(info))}`),
  );
  log(`  vacuum analyze ${fmtDuration(vacuumSeconds)}`);
  return { url, info, reused: false };
}
