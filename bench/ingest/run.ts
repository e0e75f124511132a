/**
 * bench/ingest: HTTP NDJSON ingest through the real service vs a raw COPY of the same rows into a
 * bare copy of the event table (same columns, defaults and indexes), measured in the same run on
 * the same PostgreSQL server. Prints both rates per repeat, and the medians and their ratio.
 *
 *   npx tsx bench/ingest/run.ts [--events 1000000] [--repeats 3] [--concurrency 4] [--late 0.05]
 *     [--skip-verify] [--cpu] [--cpu-prof <dir>]
 *
 * `--cpu` also prints the CPU time per event of the service process and of every PostgreSQL
 * process during the HTTP run; `--cpu-prof` writes the service's V8 CPU profile to `<dir>`.
 *
 * The server is a child process (`src/main.ts`); the client streams pre-generated NDJSON over
 * `--concurrency` connections, each ticket's events on one connection in order.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { prepareBatch } from '../../src/ingest/prepare.js';
import { openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrator.js';
import { verifyTenant } from '../../src/ingest/rebuild.js';
import { createServices } from '../../src/services.js';
import { killHard, startServer } from '../../test/support/server-process.js';
import { generateEvents, type BenchEvent } from './generate.js';
import { BENCH_CALENDAR, BENCH_POLICIES } from './config.js';
import { cpuSeconds, postgresCpuSeconds, stopGracefully } from './cpu.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    repeats: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '4' },
    late: { type: 'string', default: '0' },
    mode: { type: 'string', default: 'metrics' },
    'skip-verify': { type: 'boolean', default: false },
    cpu: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const EVENTS = Number(values.events);
const REPEATS = Number(values.repeats);
const CONCURRENCY = Number(values.concurrency);
const LATE = Number(values.late);
const MODE = values.mode === 'storage' ? 'storage' : 'metrics';
const SERVER_URL = values['database-url'];
const KEY = 'bench-admin-key-0123456789abcdef';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `dm_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = withDatabase(SERVER_URL, name);
  const database = await openDatabase({ url, poolSize: 1 });
  await migrate(database.db);
  await database.close();
  return {
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

function ndjsonStreams(events: readonly BenchEvent[]): Buffer[] {
  const parts: string[][] = Array.from({ length: CONCURRENCY }, () => []);
  for (const e of events) {
    let h = 0;
    for (let i = 0; i < e.ticket_id.length; i += 1) h = (h * 31 + e.ticket_id.charCodeAt(i)) | 0;
    parts[Math.abs(h) % CONCURRENCY]!.push(JSON.stringify(e));
  }
  return parts.map((lines) => Buffer.from(`${lines.join('\n')}\n`));
}

function post(baseUrl: string, body: Buffer): Promise<{ accepted: number; rejected: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}/v1/events`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-ndjson' },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(JSON.parse(text))
            : reject(new Error(`${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
    Readable.from(chunks(body)).pipe(req);
  });
}

function* chunks(body: Buffer, size = 256 * 1024): Generator<Buffer> {
  for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
}

/** The bench tenant's calendar and policies (config.ts). */
async function configure(baseUrl: string): Promise<void> {
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  for (const [url, body] of [
    ['/v1/calendars/office', BENCH_CALENDAR],
    ['/v1/sla-policies', BENCH_POLICIES],
  ] as const) {
    const res = await fetch(`${baseUrl}${url}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  }
}

async function verifyRun(url: string): Promise<number> {
  const database = await openDatabase({ url, poolSize: 2 });
  try {
    const tenant = await database.db
      .selectFrom('tenant')
      .select('tenant_id')
      .executeTakeFirstOrThrow();
    const diffs = await verifyTenant(
      database.db,
      tenant.tenant_id,
      createServices(database.db).contexts,
    );
    for (const d of diffs.slice(0, 5))
      console.log(
        `  DIFF ${d.ticket_id ?? ''} ${d.what}\n    stored:   ${d.stored.slice(0, 300)}\n    expected: ${d.expected.slice(0, 300)}`,
      );
    return diffs.length;
  } finally {
    await database.close();
  }
}

async function httpRun(streams: Buffer[], verify: boolean): Promise<number> {
  const db = await freshDatabase();
  // The V8 flag `npm start` and the Dockerfile run the service with (see README, Operations).
  const profile = values['cpu-prof'];
  const server = await startServer({ DATABASE_URL: db.url, DESKMETRICS_BOOTSTRAP_KEY: KEY }, [
    '--max-semi-space-size=128',
    ...(profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`]),
    'bench/ingest/server.ts',
    MODE,
  ]);
  try {
    if (MODE === 'metrics') await configure(server.baseUrl);
    const pid = server.child.pid!;
    const cpu0 = values.cpu ? [cpuSeconds(pid), postgresCpuSeconds()] : [];
    const t0 = performance.now();
    const results = await Promise.all(streams.map((s) => post(server.baseUrl, s)));
    const seconds = (performance.now() - t0) / 1000;
    if (values.cpu) {
      const perEvent = (s: number) => ((s * 1e6) / EVENTS).toFixed(1);
      console.log(
        `  CPU per event: service ${perEvent(cpuSeconds(pid) - cpu0[0]!)} µs, PostgreSQL ${perEvent(postgresCpuSeconds() - cpu0[1]!)} µs`,
      );
    }
    if (profile !== undefined) await stopGracefully(server);
    const accepted = results.reduce((n, r) => n + r.accepted, 0);
    if (accepted !== EVENTS)
      throw new Error(`accepted ${accepted} of ${EVENTS}: ${JSON.stringify(results)}`);
    if (verify && MODE === 'metrics') {
      await killHard(server);
      const started = performance.now();
      const diffs = await verifyRun(db.url);
      const took = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`  verify after the run: ${diffs} difference(s) (${took} s)`);
      if (diffs > 0) process.exitCode = 1;
    }
    return EVENTS / seconds;
  } finally {
    await killHard(server);
    await db.drop();
  }
}

function copyText(events: readonly BenchEvent[], tenantId: string): Buffer {
  const esc = (v: string) =>
    v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  const prepared = prepareBatch(
    events.map((raw, index) => ({ position: { index }, raw })),
    'envelope',
  );
  const lines = prepared.events.map(({ row: r }) =>
    [
      tenantId,
      esc(r.eventId),
      esc(r.ticketId),
      r.type,
      new Date(r.occurredAt).toISOString(),
      r.actorType,
      r.actorId === null ? '\\N' : esc(r.actorId),
      esc(r.dataJson),
      `\\\\x${r.contentHash}`,
    ].join('\t'),
  );
  return Buffer.from(`${lines.join('\n')}\n`);
}

async function copyRun(text: Buffer): Promise<number> {
  const db = await freshDatabase();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query('create table bench_copy (like ticket_event including all)');
    const t0 = performance.now();
    const sink = client.query(
      copyFrom(
        'copy bench_copy (tenant_id, event_id, ticket_id, type, occurred_at, actor_type, actor_id, data, content_hash) from stdin',
      ),
    );
    await pipeline(Readable.from(chunks(text)), sink);
    const seconds = (performance.now() - t0) / 1000;
    const { rows } = await client.query<{ n: string }>('select count(*) as n from bench_copy');
    if (Number(rows[0]?.n) !== EVENTS) throw new Error(`copied ${rows[0]?.n} of ${EVENTS}`);
    return EVENTS / seconds;
  } finally {
    await client.end();
    await db.drop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} events/s`;

console.log(
  `bench/ingest: ${EVENTS.toLocaleString('en-US')} events, mode ${MODE}, ${CONCURRENCY} connections, late share ${LATE}, ${REPEATS} repeats`,
);
const events = generateEvents({ events: EVENTS, late: LATE });
const tickets = new Set(events.map((e) => e.ticket_id)).size;
console.log(
  `generated ${events.length.toLocaleString('en-US')} events over ${tickets.toLocaleString('en-US')} tickets`,
);
const streams = ndjsonStreams(events);
const copyBody = copyText(events, '00000000-0000-4000-8000-000000000001');
const httpRates: number[] = [];
const copyRates: number[] = [];
for (let r = 1; r <= REPEATS; r += 1) {
  const copyRate = await copyRun(copyBody);
  const httpRate = await httpRun(streams, !values['skip-verify'] && r === 1);
  copyRates.push(copyRate);
  httpRates.push(httpRate);
  console.log(
    `repeat ${r}: COPY ${fmt(copyRate)}  HTTP ${fmt(httpRate)}  ratio ${(httpRate / copyRate).toFixed(3)}`,
  );
}
const h = median(httpRates);
const c = median(copyRates);
console.log(
  `\nmedian COPY: ${fmt(c)}\nmedian HTTP NDJSON ingest (${MODE}): ${fmt(h)}\nratio HTTP / COPY: ${(h / c).toFixed(3)}`,
);
