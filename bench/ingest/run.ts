/**
 * bench/ingest: HTTP NDJSON ingest through the real service vs a raw COPY of the same rows into a
 * bare copy of the event table (same columns, defaults and indexes), measured in the same run on
 * the same PostgreSQL server or Citus coordinator. Prints both rates per repeat, each tenant's
 * rate and request latency, and the medians and their ratio. `--help` lists the options.
 *
 *   npx tsx bench/ingest/run.ts [--events 1000000] [--tenants 1] [--repeats 3] [--concurrency 4] …
 *
 * The server is a child process (`server.ts`); the client streams pre-generated NDJSON over
 * `--concurrency` connections per tenant, each ticket's events on one connection in order, every
 * tenant at once. On Citus the database is distributed (bench/citus/database.ts) and the tenants
 * are spread over the workers (bench/citus/tenants.ts).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { killHard, startServer } from '../../test/support/server-process.js';
import {
  BenchError,
  createBenchDatabase,
  dropBenchDatabase,
  nodesOf,
  probeServer,
  SHARD_COUNT,
  type Server,
} from '../citus/database.js';
import { createBenchTenants, describePlacements, type BenchTenant } from '../citus/tenants.js';
import { BENCH_CALENDAR, BENCH_POLICIES } from './config.js';
import { copyLines, copyRun, copyText } from './copy.js';
import { measureCpu, stopGracefully, type CpuPerEvent } from './cpu.js';
import { generateEvents } from './generate.js';
import { parseIngestOptions, USAGE, type IngestOptions } from './options.js';
import { connectionBodies, quantile, sendAll, type ConnectionBodies } from './send.js';
import { verifyTenants } from './verify.js';

const keyOf = (index: number) =>
  index === 0 ? 'bench-admin-key-0123456789abcdef' : `bench-admin-key-${index}-0123456789abcdef`;
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmt = (n: number) => `${fmtInt(n)} events/s`;
const fmtMs = (n: number) => (Number.isNaN(n) ? '–' : n >= 100 ? fmtInt(n) : n.toFixed(1));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const log = (line: string) => console.log(line);

export interface TenantFigures {
  tenantId: string;
  node: string | null;
  events: number;
  rate: number;
  requests: number;
  p50: number;
  p99: number;
  diffs: number | null;
}

export interface HttpFigures {
  rate: number;
  seconds: number;
  tenants: TenantFigures[];
  cpu: CpuPerEvent | null;
  verifySeconds: number | null;
  tenantIds: string[];
}

/** The bench tenants' calendar and policies (config.ts), for each tenant. */
async function configure(baseUrl: string, tenants: readonly BenchTenant[]): Promise<void> {
  for (const t of tenants) {
    const headers = { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' };
    for (const [url, body] of [
      ['/v1/calendars/office', BENCH_CALENDAR],
      ['/v1/sla-policies', BENCH_POLICIES],
    ] as const) {
      const res = await fetch(`${baseUrl}${url}`, {
        method: 'PUT',
        headers,
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`PUT ${url}: ${res.status} ${await res.text()}`);
    }
  }
}

function progressLogger(total: number): { tick: (n: number) => void; stop: () => void } {
  const t0 = performance.now();
  let accepted = 0;
  const timer = setInterval(() => {
    const s = (performance.now() - t0) / 1000;
    log(
      `  ingesting: ${fmtInt(accepted)} of ${fmtInt(total)} events (${((accepted / total) * 100).toFixed(0)} %), ${fmt(accepted / s)}`,
    );
  }, 10_000);
  return { tick: (n) => (accepted = n), stop: () => clearInterval(timer) };
}

async function httpRun(
  server: Server,
  options: IngestOptions,
  bodies: ConnectionBodies[],
  verify: boolean,
): Promise<HttpFigures> {
  const name = `dm_bench_${randomBytes(4).toString('hex')}`;
  const url = await createBenchDatabase(server, name);
  const workers = server.workers?.map((w) => `${w.host}:${w.port}`);
  try {
    const tenants = await createBenchTenants(url, options.tenants, keyOf, workers);
    const profile = options.cpuProf;
    // The V8 flag `npm start` and the Dockerfile run the service with (see README, Operations).
    const service = await startServer({ DATABASE_URL: url, DESKMETRICS_BOOTSTRAP_KEY: keyOf(0) }, [
      '--max-semi-space-size=128',
      ...(profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`]),
      'bench/ingest/server.ts',
      options.mode,
    ]);
    try {
      if (options.mode === 'metrics') await configure(service.baseUrl, tenants);
      const cpu = options.cpu ? await measureCpu(service, nodesOf(server)) : null;
      const progress = progressLogger(options.events);
      const sent = await sendAll(
        service.baseUrl,
        tenants.map((t) => ({ key: t.key, connections: bodies })),
        progress.tick,
      ).finally(progress.stop);
      const cpuPerEvent = cpu?.stop(options.events) ?? null;
      if (profile !== undefined) await stopGracefully(service);
      const perTenant = options.events / options.tenants;
      const short = sent.tenants.findIndex((t) => t.accepted !== perTenant);
      if (short >= 0) {
        throw new Error(
          `tenant ${short + 1}: accepted ${sent.tenants[short]!.accepted} of ${perTenant}`,
        );
      }
      await killHard(service);
      let diffs: Array<number | null> = tenants.map(() => null);
      let verifySeconds: number | null = null;
      if (verify && options.mode === 'metrics') {
        const started = performance.now();
        diffs = await verifyTenants(url, tenants, log);
        verifySeconds = (performance.now() - started) / 1000;
      }
      if (server.workers !== undefined) {
        log('  where the tenants live (their ticket_event shard; the rest of the group with it):');
        for (const line of await describePlacements(url, tenants)) log(`    ${line}`);
      }
      return {
        rate: options.events / sent.seconds,
        seconds: sent.seconds,
        cpu: cpuPerEvent,
        verifySeconds,
        tenantIds: tenants.map((t) => t.tenantId),
        tenants: sent.tenants.map((s, i) => ({
          tenantId: tenants[i]!.tenantId,
          node: tenants[i]!.placement?.node ?? null,
          events: s.accepted,
          rate: s.accepted / s.seconds,
          requests: s.latencies.length,
          p50: quantile(s.latencies, 0.5),
          p99: quantile(s.latencies, 0.99),
          diffs: diffs[i] ?? null,
        })),
      };
    } finally {
      await killHard(service);
    }
  } finally {
    await dropBenchDatabase(server, name);
  }
}

function printRun(http: HttpFigures, copy: number, r: number): void {
  log(
    `repeat ${r}: COPY ${fmt(copy)}  HTTP ${fmt(http.rate)}  ratio ${(http.rate / copy).toFixed(3)}`,
  );
  log(
    `  tenant                                node             events   events/s  requests  p50 ms  p99 ms  verify`,
  );
  for (const t of http.tenants) {
    log(
      `  ${t.tenantId}  ${(t.node ?? '-').padEnd(15)} ${fmtInt(t.events).padStart(7)} ${fmtInt(t.rate).padStart(10)} ${String(t.requests).padStart(9)} ${fmtMs(t.p50).padStart(7)} ${fmtMs(t.p99).padStart(7)}  ${t.diffs === null ? '-' : `${t.diffs} diff`}`,
    );
  }
  if (http.cpu !== null) {
    const nodes = http.cpu.nodes.map((n) => `${n.label} ${n.us.toFixed(1)} µs`).join(', ');
    log(`  CPU per event: service ${http.cpu.serviceUs.toFixed(1)} µs, ${nodes}`);
  }
}

async function main(): Promise<number> {
  const options = parseIngestOptions(process.argv.slice(2));
  if (options.help) {
    log(USAGE);
    return 0;
  }
  const server = await probeServer(options.databaseUrl);
  const kind =
    server.workers === undefined
      ? 'PostgreSQL'
      : `Citus coordinator with ${server.workers.length} workers, ${SHARD_COUNT} shards a table`;
  log(
    `bench/ingest on ${kind} (${options.databaseUrl}): ${fmtInt(options.events)} events over ${options.tenants} tenant(s), mode ${options.mode}, ${options.concurrency} connection(s) per tenant, ${options.requestEvents > 0 ? `${fmtInt(options.requestEvents)} events a request` : 'one request per connection'}, late share ${options.late}, ${options.repeats} repeat(s)`,
  );
  const perTenant = options.events / options.tenants;
  const events = generateEvents({ events: perTenant, late: options.late });
  const tickets = new Set(events.map((e) => e.ticket_id)).size;
  log(
    `generated ${fmtInt(events.length)} events over ${fmtInt(tickets)} tickets, sent to each of the ${options.tenants} tenant(s)`,
  );
  const bodies = connectionBodies(events, options.concurrency, options.requestEvents);
  const lines = copyLines(events);
  const runs: Array<{ http: HttpFigures; copy: number }> = [];
  for (let r = 1; r <= options.repeats; r += 1) {
    const http = await httpRun(server, options, bodies, !options.skipVerify && r === 1);
    const copy = await copyRun(server, copyText(lines, http.tenantIds), options.events);
    runs.push({ http, copy });
    printRun(http, copy, r);
  }
  const h = median(runs.map((x) => x.http.rate));
  const c = median(runs.map((x) => x.copy));
  log(
    `\nmedian COPY: ${fmt(c)}\nmedian HTTP NDJSON ingest (${options.mode}): ${fmt(h)}\nratio HTTP / COPY: ${(h / c).toFixed(3)}`,
  );
  const diffs = runs[0]!.http.tenants.reduce((n, t) => n + (t.diffs ?? 0), 0);
  if (options.json !== undefined) {
    const result = { server: server.workers === undefined ? 'postgres' : 'citus', options, runs };
    writeFileSync(options.json, JSON.stringify({ ...result, median: { copy: c, http: h } }));
  }
  return diffs > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof BenchError) {
      console.error(`bench/ingest: ${error.message}.`);
      process.exit(2);
    }
    const e = error as Error;
    console.error(`bench/ingest failed: ${e.message ?? String(error)}`);
    if (process.env.BENCH_DEBUG) console.error(e.stack);
    process.exit(1);
  },
);
