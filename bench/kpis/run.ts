/**
 * bench/kpis: the KPI API (`GET /v1/kpis/sla|fcr|handle-time|volume|backlog|backlog-trend`)
 * one request at a time and under load at 16 connections, against the naive SQL over the
 * per-ticket tables (one query at a time), on a generated help desk loaded through the real
 * ingest path. See bench/kpis/README.md and `--help`.
 *
 *   npm run bench:kpis -- [--tickets 1000000] [--repeats 3] [--duration 10] [--naive 3] …
 *
 * 1. The database `deskmetrics_bench_kpis_<tickets>` is loaded once (load.ts) and reused.
 * 2. The service runs as a child process (`src/main.ts`, as `npm start` runs it).
 * 3. Every question (scenarios.ts) is warmed up, then per repeat, every request with a fresh
 *    random window or instant: a latency run at `--latency-connections` (1) for about
 *    `--duration` seconds — its percentiles are the ones checked against the targets and compared
 *    with the naive SQL, which also runs one at a time —; a throughput run at `--connections`
 *    (16) for about as long — requests/s and the latency under load, reported alongside —; then
 *    `--naive` naive SQL queries, one at a time, each also asked of the API and the answers
 *    compared cell by cell.
 * 4. The medians of the repeats, the ratios and the targets are printed; EXPLAIN ANALYZE of the
 *    slowest statement of a request for each question that missed a target.
 */
import { availableParallelism, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { killHard, type ServerProcess } from '../../test/support/server-process.js';
import { BenchError, probeServer } from '../citus/database.js';
import { explainRequest } from './explain.js';
import type { LoadResult } from './http-load.js';
import { databaseName, ensureLoaded, startService } from './load.js';
import { writeReport } from './report.js';
import { loadTenants, tenantsOf, type KpiTenant } from './tenants.js';
import { OptionError, parseOptions, USAGE, type Options } from './options.js';
import { queryString, type Params } from './params.js';
import { compareAnswers, SCENARIOS, type CellDiff, type Scenario } from './scenarios.js';
import { GENERATOR_VERSION } from './generate.js';

const RATIO_TARGET = 20;

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtMs = (n: number) =>
  Number.isNaN(n) ? '–' : n >= 100 ? fmtInt(n) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
const fmtRate = (n: number) =>
  Number.isNaN(n) ? '–' : n >= 10 ? fmtInt(n) : n.toFixed(n >= 1 ? 1 : 2);
const fmtRatio = (n: number) =>
  Number.isNaN(n) ? '–' : `${n >= 10 ? fmtInt(n) : n.toFixed(n >= 1 ? 1 : 2)}×`;
const loadAverage = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;
const median = (xs: readonly number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const log = (line: string) => console.log(line);
const connectionsText = (n: number) => `${n} connection${n === 1 ? '' : 's'}`;

interface NaiveResult {
  ms: number[];
  /** Timings of the scenario's extra naive statements, by name. */
  checks: Map<string, number[]>;
}

interface Mismatch {
  scenario: Scenario;
  /** Which naive statement. */
  naive: string;
  params: Params;
  diffs: CellDiff[];
}

export interface Measured {
  /** The runs at `--latency-connections`: the targets and naive/API p50 (tenants pooled). */
  latency: LoadResult[];
  /** The runs at `--connections`: requests/s and the latency under that load (tenants pooled). */
  throughput: LoadResult[];
  /** The same runs, per repeat, per tenant. */
  latencyTenants: LoadResult[][];
  throughputTenants: LoadResult[][];
  naive: number[][];
  compared: number;
  mismatches: Mismatch[];
}

async function getJson(
  baseUrl: string,
  key: string,
  scenario: Scenario,
  params: Params,
): Promise<unknown> {
  const res = await fetch(`${baseUrl}/v1/kpis/${scenario.endpoint}?${queryString(params)}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET /v1/kpis/${scenario.endpoint}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/**
 * `count` naive queries, one at a time, each compared with the API's answer to it; the tenants
 * take turns.
 */
async function naiveRun(
  client: pg.Client,
  baseUrl: string,
  tenants: readonly KpiTenant[],
  scenario: Scenario,
  source: { next: () => Params },
  count: number,
  measured: Measured,
): Promise<NaiveResult> {
  const ms: number[] = [];
  const checks = new Map<string, number[]>();
  for (let i = 0; i < count; i++) {
    const params = source.next();
    const now = Date.now();
    const tenant = tenants[i % tenants.length]!;
    const values = scenario.values(params, tenant.tenantId, now);
    const t0 = performance.now();
    const { rows } = await client.query(scenario.sql, values);
    ms.push(performance.now() - t0);
    const body = await getJson(baseUrl, tenant.key, scenario, params);
    const answers: Array<[string, Array<Record<string, unknown>>]> = [[scenario.id, rows]];
    for (const check of scenario.checks ?? []) {
      const t1 = performance.now();
      const result = await client.query(check.sql, values);
      checks.set(check.name, [...(checks.get(check.name) ?? []), performance.now() - t1]);
      answers.push([`${scenario.id} ${check.name}`, result.rows]);
    }
    for (const [naive, naiveRows] of answers) {
      const diffs = compareAnswers(scenario, body, naiveRows);
      measured.compared++;
      if (diffs.length === 0) continue;
      measured.mismatches.push({ scenario, naive, params, diffs });
      log(
        `    MISMATCH ${scenario.endpoint} ?${queryString(params)} vs naive ${naive}: ${diffs.length} cell(s) differ, e.g. ${describeDiff(diffs[0]!)}`,
      );
    }
  }
  return { ms, checks };
}

const describeDiff = (d: CellDiff) =>
  `[${d.key}] ${d.measure}: API ${d.api ?? 'null'}, naive ${d.naive ?? 'null'}`;

function selectScenarios(options: Options): Scenario[] {
  if (options.only === null) return [...SCENARIOS];
  return SCENARIOS.filter(
    (s) => options.only!.includes(s.id) || options.only!.includes(s.endpoint),
  );
}

/** Waits while the service recomputes (a migration or a configuration change queued a job). */
async function waitForJobs(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let said = false; ; said = true) {
      const { rows } = await client.query<{ n: string; done: string; total: string }>(
        `select count(*) as n, coalesce(sum(done), 0) as done, coalesce(sum(total), 0) as total
         from recompute_job where status in ('queued', 'running')`,
      );
      if (Number(rows[0]!.n) === 0) return;
      log(
        `  ${said ? 'still ' : ''}waiting for ${rows[0]!.n} recomputation job(s) of the service: ${fmtInt(Number(rows[0]!.done))} / ${fmtInt(Number(rows[0]!.total))} tickets`,
      );
      await new Promise((r) => setTimeout(r, 10_000));
    }
  } finally {
    await client.end();
  }
}

/** The service's resident memory (MB), from /proc. */
function rssMb(pid: number | undefined): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

/**
 * Waits until the service answers KPIs from its in-memory cube (it loads the cube at start and
 * answers from SQL meanwhile: its Server-Timing header names the source), with progress.
 */
async function waitForCube(server: ServerProcess, tenants: readonly KpiTenant[]): Promise<void> {
  const started = performance.now();
  const url = `${server.baseUrl}/v1/kpis/volume?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`;
  for (let n = 0, t = 0; t < tenants.length; n++) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${tenants[t]!.key}` } });
    await res.arrayBuffer();
    if (res.headers.get('server-timing')?.startsWith('cube;')) {
      t++;
      continue;
    }
    if (performance.now() - started > 15 * 60_000) {
      throw new Error('the service did not load its KPI cube within 15 minutes');
    }
    if (n % 5 === 0) log(`  waiting for the service to load its KPI cube (tenant ${t + 1})…`);
    await new Promise((r) => setTimeout(r, 3000));
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const rss = rssMb(server.child.pid);
  log(`KPI cube ready after ${seconds} s; service RSS ${rss === null ? '?' : `${fmtInt(rss)} MB`}`);
}

function printTable(
  scenarios: readonly Scenario[],
  results: Map<string, Measured>,
  options: Options,
) {
  const header = [
    'endpoint',
    'question',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    `req/s (${options.connections} conn)`,
    `p95 ms (${options.connections} conn)`,
    'naive p50 ms',
    'naive/API p50',
    'naive/API per request',
    'target',
  ];
  const rows: string[][] = [];
  const missed: Scenario[] = [];
  for (const s of scenarios) {
    const m = results.get(s.id)!;
    // Latency at `--latency-connections` (1: one at a time, like the naive SQL): the targets and
    // naive/API p50. Throughput and the latency under load at `--connections`: alongside.
    const p50 = median(m.latency.map((r) => r.p50));
    const p95 = median(m.latency.map((r) => r.p95));
    const p99 = median(m.latency.map((r) => r.p99));
    const rps = median(m.throughput.map((r) => r.rps));
    const loadedP95 = median(m.throughput.map((r) => r.p95));
    const naive = median(m.naive.map((ms) => median(ms)));
    const latencyRatio = naive / p50;
    // Machine time per answer: the API's at full load (1 / req/s), the naive's one at a time.
    const workRatio = (naive * rps) / 1000;
    const p95ok = p95 <= s.targetP95Ms;
    const ratioOk = Number.isNaN(latencyRatio) || latencyRatio >= RATIO_TARGET;
    if (!p95ok || !ratioOk) missed.push(s);
    const verdict = [
      p95ok ? `p95 ≤ ${s.targetP95Ms}` : `MISSED p95 ≤ ${s.targetP95Ms}`,
      Number.isNaN(latencyRatio)
        ? ''
        : ratioOk
          ? `≥ ${RATIO_TARGET}×`
          : `MISSED ≥ ${RATIO_TARGET}×`,
    ]
      .filter(Boolean)
      .join(', ');
    rows.push([
      s.endpoint,
      s.label,
      fmtMs(p50),
      fmtMs(p95),
      fmtMs(p99),
      fmtRate(rps),
      fmtMs(loadedP95),
      fmtMs(naive),
      fmtRatio(latencyRatio),
      fmtRatio(workRatio),
      verdict,
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Text columns (endpoint, question, target) to the left, numbers to the right.
  const left = (i: number) => i < 2 || i === header.length - 1;
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  log(line(header));
  log(
    `| ${widths.map((w, i) => (left(i) ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`,
  );
  for (const r of rows) log(line(r));
  return missed;
}

async function main(): Promise<number> {
  const known = [...new Set(SCENARIOS.flatMap((s) => [s.endpoint, s.id]))];
  const options = parseOptions(process.argv.slice(2), known);
  if (options.help) {
    log(USAGE);
    return 0;
  }
  const scenarios = selectScenarios(options);
  // Reach the server first, so a wrong URL is one sentence, not a failed load.
  const server = await probeServer(options.databaseUrl);

  log(
    `bench/kpis on ${server.workers === undefined ? 'PostgreSQL' : `a Citus coordinator with ${server.workers.length} workers`}: ${fmtInt(options.tickets)} tickets over ${options.tenants} tenant(s) (generator ${GENERATOR_VERSION}, seed ${options.seed}), ${scenarios.length} questions, latency at ${connectionsText(options.latencyConnections)} and throughput at ${connectionsText(options.connections)}, ${options.duration} s per run, ${options.repeats} repeats, ${options.naive} naive queries per question per repeat; ${loadAverage()}`,
  );
  const load = await ensureLoaded(
    {
      server,
      tickets: options.tickets,
      tenants: options.tenants,
      seed: options.seed,
      reload: options.reload,
      connections: options.loadConnections,
    },
    log,
  );
  const info = load.info;
  log(
    `${load.reused ? 'reusing' : 'loaded'} ${databaseName(options.tickets, options.tenants)}: ${fmtInt(info.events)} events, loaded ${info.loaded_at} in ${fmtInt(info.ingest_seconds)} s (${fmtInt(info.events / info.ingest_seconds)} events/s over HTTP) + vacuum analyze ${fmtInt(info.vacuum_seconds)} s`,
  );
  if (options.loadOnly) return 0;

  const tenants = await tenantsOf(load.url, options.tenants);
  const tenantId = tenants[0]!.tenantId;
  let service: ServerProcess | undefined;
  const client = new pg.Client({ connectionString: load.url });
  await client.connect();
  const results = new Map<string, Measured>();
  try {
    service = await startService(load.url);
    await waitForJobs(load.url);
    await waitForCube(service, tenants);
    const baseUrl = service.baseUrl;
    const sizes = await client.query<{ name: string; n: string }>(
      `select 'tickets' as name, count(*)::text as n from ticket
       union all select 'sla clocks', count(*)::text from sla_clock
       union all select 'contacts', count(*)::text from contact
       union all select 'backlog segments', count(*)::text from backlog_segment`,
    );
    log(`tables: ${sizes.rows.map((r) => `${fmtInt(Number(r.n))} ${r.name}`).join(', ')}`);

    // Each question's API load (per tenant) and naive queries draw from their own seeded streams.
    const streams = scenarios.map((s, i) => ({
      api: tenants.map((t) => s.params(options.seed * 7 + i * 101 + 1 + t.index * 100_003)),
      naive: s.params(options.seed * 7 + i * 101 + 2),
    }));
    // Warm-up, at `--connections` then at `--latency-connections`: one request per connection at
    // once (its time tells a slow endpoint), then, for a fast one, 3 s of load. Each rate sizes
    // the timed runs at that concurrency: about `--duration` seconds of requests, at least 2 per
    // connection, every one awaited. (The rate at one connection is not the rate at 16: sizing
    // the latency run from the throughput run's rate would make it last several times longer.)
    log(
      `warm-up: per question, at ${connectionsText(options.connections)} then at ${connectionsText(options.latencyConnections)}, a request per connection, then up to 3 s of load`,
    );
    const amounts = new Map<string, { latency: number; throughput: number }>();
    for (const [i, s] of scenarios.entries()) {
      const size = async (connections: number): Promise<number> => {
        const run = async (more: { seconds?: number; amount?: number }) =>
          (
            await loadTenants({
              baseUrl,
              tenants,
              endpoint: s.endpoint,
              params: streams[i]!.api,
              connections,
              ...more,
            })
          ).total;
        let warm = await run({ amount: connections });
        if (warm.seconds < 3) warm = await run({ seconds: Math.min(3, options.duration) });
        if (warm.failures > 0) {
          // Show why with one request of the same kind.
          await getJson(baseUrl, tenants[0]!.key, s, streams[i]!.naive.next());
          throw new Error(
            `${s.endpoint}: ${warm.failures} failed requests in the warm-up at ${connectionsText(connections)}`,
          );
        }
        // Per tenant: the tenants share the rate.
        const perConnection = Math.max(
          2,
          Math.round(
            (warm.requests / tenants.length / warm.seconds) * (options.duration / connections),
          ),
        );
        return perConnection * connections;
      };
      const throughput = await size(options.connections);
      const latency = await size(options.latencyConnections);
      amounts.set(s.id, { latency, throughput });
      results.set(s.id, {
        latency: [],
        throughput: [],
        latencyTenants: [],
        throughputTenants: [],
        naive: [],
        compared: 0,
        mismatches: [],
      });
    }

    for (let r = 1; r <= options.repeats; r++) {
      log(`repeat ${r} of ${options.repeats} (${loadAverage()})`);
      for (const [i, s] of scenarios.entries()) {
        const m = results.get(s.id)!;
        // Both runs draw from the question's one API stream: fresh parameters for every request.
        const run = (connections: number, amount: number) =>
          loadTenants({
            baseUrl,
            tenants,
            endpoint: s.endpoint,
            params: streams[i]!.api,
            connections,
            amount,
          });
        const latencyRun = await run(options.latencyConnections, amounts.get(s.id)!.latency);
        const latency = latencyRun.total;
        m.latency.push(latency);
        m.latencyTenants.push(latencyRun.perTenant);
        const throughputRun = await run(options.connections, amounts.get(s.id)!.throughput);
        const throughput = throughputRun.total;
        m.throughput.push(throughput);
        m.throughputTenants.push(throughputRun.perTenant);
        const naive = await naiveRun(
          client,
          baseUrl,
          tenants,
          s,
          streams[i]!.naive,
          options.naive,
          m,
        );
        m.naive.push(naive.ms);
        const runText = (r: LoadResult) =>
          `(${fmtInt(r.requests)} in ${r.seconds.toFixed(1)} s)${r.failures > 0 ? `, ${r.failures} FAILED (${r.timeouts} timeouts)` : ''}`;
        log(
          `  ${s.endpoint.padEnd(13)} ${s.label.padEnd(32)} API at ${options.latencyConnections} conn: p50 ${fmtMs(latency.p50)} ms, p95 ${fmtMs(latency.p95)} ms, p99 ${fmtMs(latency.p99)} ms ${runText(latency)} | at ${options.connections} conn: ${fmtRate(throughput.rps)} req/s, p50 ${fmtMs(throughput.p50)} ms, p95 ${fmtMs(throughput.p95)} ms ${runText(throughput)} | naive ${naive.ms.length === 0 ? '–' : `${naive.ms.map(fmtMs).join(' / ')} ms`}${[...naive.checks].map(([name, ms]) => ` (${name}: ${ms.map(fmtMs).join(' / ')} ms)`).join('')}`,
        );
        if (latency.failures > 0 || throughput.failures > 0) process.exitCode = 1;
      }
    }
  } finally {
    if (service !== undefined) await killHard(service);
  }

  const L = options.latencyConnections;
  const C = options.connections;
  const cores = availableParallelism();
  log(
    `\nMedians of ${options.repeats} repeats — ${fmtInt(options.tickets)} tickets, ${fmtInt(info.events)} events. Every API run is about ${options.duration} s of requests (at least 2 a connection, every one awaited), each with fresh parameters; the naive SQL runs one query at a time on one connection (median of its ${options.naive} × ${options.repeats} queries' per-repeat medians).`,
  );
  log(
    L === 1
      ? `p50/p95/p99 ms: the API one request at a time (1 connection), like the naive SQL, so the latency targets and naive/API p50 compare a request with a query each running alone.`
      : `p50/p95/p99 ms: the API at ${L} connections (${L} requests at once, while the naive SQL runs one at a time); the latency targets and naive/API p50 use them.`,
  );
  log(
    `req/s and p95 ms (${C} conn): the API under load at ${C} connections — what the machine sustains and the latency it costs — reported alongside, not a target: each request is in flight with up to ${C - 1} others, served by the service's one Node.js process on the machine's ${cores} cores (shared with autocannon and PostgreSQL), so its latency there includes the time queued behind them.`,
  );
  log(
    `naive/API p50: naive median latency ÷ API p50 latency at ${connectionsText(L)} (target ≥ ${RATIO_TARGET}×); naive/API per request: naive latency ÷ the API's machine time per answer at ${C} connections (1 / req/s): how many API answers the machine gives in the time of one naive query. The p95 targets (target column) apply to the p95 at ${connectionsText(L)}.\n`,
  );
  if (tenants.length > 1)
    log(
      `${tenants.length} tenants: every run went to all of them at once, each tenant at the connections above (${tenants.length}× as many in all); the percentiles pool every tenant's requests, req/s adds the tenants'.\n`,
    );
  const missed = printTable(scenarios, results, options);

  const mismatches = [...results.values()].flatMap((m) => m.mismatches);
  const compared = [...results.values()].reduce((n, m) => n + m.compared, 0);
  log('');
  if (compared === 0) log('API vs naive SQL: nothing compared (--naive 0).');
  else if (mismatches.length === 0)
    log(
      `API vs naive SQL: all ${compared} sampled queries give the same numbers (percentiles within 1 %).`,
    );
  else {
    log(`API vs naive SQL: ${mismatches.length} of ${compared} sampled queries DIFFER:`);
    for (const m of mismatches) {
      log(
        `  GET /v1/kpis/${m.scenario.endpoint}?${queryString(m.params)} — naive ${m.naive}, ${m.diffs.length} cell(s):`,
      );
      for (const d of m.diffs.slice(0, 8)) log(`    ${describeDiff(d)}`);
      if (m.diffs.length > 8) log(`    … and ${m.diffs.length - 8} more`);
    }
  }

  await writeReport({ options, server, url: load.url, tenants, scenarios, results, log });

  const explainFor =
    options.explain === 'all' ? scenarios : options.explain === 'missed' ? missed : [];
  for (const s of explainFor) {
    const params = s.params(options.seed + 999).next();
    const e = await explainRequest(load.url, tenantId, s.endpoint, params);
    log(
      `\nWhere ${s.endpoint} (${s.label}) spends its time: one request in process, ${fmtMs(e.totalMs)} ms (?${queryString(params)})`,
    );
    for (const st of e.statements)
      log(
        `  ${fmtMs(st.ms).padStart(8)} ms  ${st.sql.slice(0, 160)}${st.sql.length > 160 ? '…' : ''}`,
      );
    if (e.slowest !== null) {
      log(`EXPLAIN (ANALYZE, BUFFERS) of the slowest statement:\n  ${e.slowest.sql}`);
      log(`  parameters: ${JSON.stringify(e.slowest.parameters).slice(0, 600)}`);
      log(e.slowest.plan.replace(/^/gm, '    '));
    }
  }
  if (missed.length > 0 || mismatches.length > 0) return 1;
  return process.exitCode === 1 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof BenchError) {
      console.error(`bench/kpis: ${error.message}.`);
      process.exit(2);
    }
    if (error instanceof OptionError) {
      console.error(`bench/kpis: ${error.message}. See --help.`);
      process.exit(2);
    }
    const e = error as Error;
    console.error(`bench/kpis failed: ${e.message ?? String(error)}`);
    if (process.env.BENCH_DEBUG) console.error(e.stack);
    process.exit(1);
  },
);
