/**
 * bench/kpis: the KPI API (`GET /v1/kpis/sla|fcr|handle-time|volume|backlog|backlog-trend`)
 * under load at 16 connections, against the naive SQL over the per-ticket tables, on a generated
 * help desk loaded through the real ingest path. See bench/kpis/README.md and `--help`.
 *
 *   npm run bench:kpis -- [--tickets 1000000] [--repeats 3] [--duration 10] [--naive 3] …
 *
 * 1. The database `deskmetrics_bench_kpis_<tickets>` is loaded once (load.ts) and reused.
 * 2. The service runs as a child process (`src/main.ts`, as `npm start` runs it).
 * 3. Every question (scenarios.ts) is warmed up, then per repeat: autocannon for `--duration`
 *    seconds, every request with a fresh random window or instant; then `--naive` naive SQL
 *    queries, one at a time, each also asked of the API and the answers compared cell by cell.
 * 4. The medians of the repeats, the ratios and the targets are printed; EXPLAIN ANALYZE of the
 *    slowest statement of a request for each question that missed a target.
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { killHard, type ServerProcess } from '../../test/support/server-process.js';
import { explainRequest } from './explain.js';
import { loadRun, type LoadResult } from './http-load.js';
import { API_KEY, databaseName, ensureLoaded, startService } from './load.js';
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

interface Measured {
  api: LoadResult[];
  naive: number[][];
  compared: number;
  mismatches: Mismatch[];
}

async function getJson(baseUrl: string, scenario: Scenario, params: Params): Promise<unknown> {
  const res = await fetch(`${baseUrl}/v1/kpis/${scenario.endpoint}?${queryString(params)}`, {
    headers: { authorization: `Bearer ${API_KEY}` },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET /v1/kpis/${scenario.endpoint}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** `count` naive queries, one at a time, each compared with the API's answer to it. */
async function naiveRun(
  client: pg.Client,
  baseUrl: string,
  tenantId: string,
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
    const values = scenario.values(params, tenantId, now);
    const t0 = performance.now();
    const { rows } = await client.query(scenario.sql, values);
    ms.push(performance.now() - t0);
    const body = await getJson(baseUrl, scenario, params);
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

async function tenantOf(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ tenant_id: string }>('select tenant_id from tenant');
    if (rows.length !== 1)
      throw new Error(`expected one tenant in the bench database, found ${rows.length}`);
    return rows[0]!.tenant_id;
  } finally {
    await client.end();
  }
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
    'naive p50 ms',
    'naive/API p50',
    'naive/API per request',
    'target',
  ];
  const rows: string[][] = [];
  const missed: Scenario[] = [];
  for (const s of scenarios) {
    const m = results.get(s.id)!;
    const p50 = median(m.api.map((r) => r.p50));
    const p95 = median(m.api.map((r) => r.p95));
    const p99 = median(m.api.map((r) => r.p99));
    const rps = median(m.api.map((r) => r.rps));
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
      fmtMs(naive),
      fmtRatio(latencyRatio),
      fmtRatio(workRatio),
      verdict,
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i < 2 || i === 9 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  log(line(header));
  log(
    `| ${widths.map((w, i) => (i < 2 || i === 9 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`,
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
  const probe = new pg.Client({
    connectionString: options.databaseUrl,
    connectionTimeoutMillis: 5000,
  });
  try {
    await probe.connect();
    await probe.end();
  } catch (error) {
    throw new OptionError(
      `cannot reach PostgreSQL at ${options.databaseUrl} (${(error as Error).message}); start it or pass --database-url`,
    );
  }

  log(
    `bench/kpis: ${fmtInt(options.tickets)} tickets (generator ${GENERATOR_VERSION}, seed ${options.seed}), ${scenarios.length} questions, ${options.connections} connections, ${options.duration} s per run, ${options.repeats} repeats, ${options.naive} naive queries per question per repeat; ${loadAverage()}`,
  );
  const load = await ensureLoaded(
    {
      serverUrl: options.databaseUrl,
      tickets: options.tickets,
      seed: options.seed,
      reload: options.reload,
      connections: options.loadConnections,
    },
    log,
  );
  const info = load.info;
  log(
    `${load.reused ? 'reusing' : 'loaded'} ${databaseName(options.tickets)}: ${fmtInt(info.events)} events, loaded ${info.loaded_at} in ${fmtInt(info.ingest_seconds)} s (${fmtInt(info.events / info.ingest_seconds)} events/s over HTTP) + vacuum analyze ${fmtInt(info.vacuum_seconds)} s`,
  );
  if (options.loadOnly) return 0;

  const tenantId = await tenantOf(load.url);
  let server: ServerProcess | undefined;
  const client = new pg.Client({ connectionString: load.url });
  await client.connect();
  const results = new Map<string, Measured>();
  try {
    server = await startService(load.url);
    await waitForJobs(load.url);
    const baseUrl = server.baseUrl;
    const sizes = await client.query<{ name: string; n: string }>(
      `select 'tickets' as name, count(*)::text as n from ticket
       union all select 'sla clocks', count(*)::text from sla_clock
       union all select 'contacts', count(*)::text from contact
       union all select 'backlog segments', count(*)::text from backlog_segment`,
    );
    log(`tables: ${sizes.rows.map((r) => `${fmtInt(Number(r.n))} ${r.name}`).join(', ')}`);

    // Each question's API load and naive queries draw from their own seeded streams.
    const streams = scenarios.map((s, i) => ({
      api: s.params(options.seed * 7 + i * 101 + 1),
      naive: s.params(options.seed * 7 + i * 101 + 2),
    }));
    // Warm-up: one request per connection at once (its time tells a slow endpoint), then, for a
    // fast one, 3 s of load. Its rate sizes the timed runs: about `--duration` seconds of
    // requests, at least 2 per connection, every one awaited.
    log(`warm-up: a request per connection, then up to 3 s of load per question`);
    const amounts = new Map<string, number>();
    for (const [i, s] of scenarios.entries()) {
      const run = (more: { seconds?: number; amount?: number }) =>
        loadRun({
          baseUrl,
          apiKey: API_KEY,
          endpoint: s.endpoint,
          params: streams[i]!.api,
          connections: options.connections,
          ...more,
        });
      let warm = await run({ amount: options.connections });
      if (warm.seconds < 3) warm = await run({ seconds: Math.min(3, options.duration) });
      if (warm.failures > 0) {
        // Show why with one request of the same kind.
        await getJson(baseUrl, s, streams[i]!.naive.next());
        throw new Error(`${s.endpoint}: ${warm.failures} failed requests in the warm-up`);
      }
      const perConnection = Math.max(
        2,
        Math.round((warm.requests / warm.seconds) * (options.duration / options.connections)),
      );
      amounts.set(s.id, perConnection * options.connections);
      results.set(s.id, { api: [], naive: [], compared: 0, mismatches: [] });
    }

    for (let r = 1; r <= options.repeats; r++) {
      log(`repeat ${r} of ${options.repeats} (${loadAverage()})`);
      for (const [i, s] of scenarios.entries()) {
        const m = results.get(s.id)!;
        const api = await loadRun({
          baseUrl,
          apiKey: API_KEY,
          endpoint: s.endpoint,
          params: streams[i]!.api,
          connections: options.connections,
          amount: amounts.get(s.id)!,
        });
        m.api.push(api);
        const naive = await naiveRun(
          client,
          baseUrl,
          tenantId,
          s,
          streams[i]!.naive,
          options.naive,
          m,
        );
        m.naive.push(naive.ms);
        log(
          `  ${s.endpoint.padEnd(13)} ${s.label.padEnd(32)} API p50 ${fmtMs(api.p50)} ms, p95 ${fmtMs(api.p95)} ms, p99 ${fmtMs(api.p99)} ms, ${fmtRate(api.rps)} req/s (${fmtInt(api.requests)} in ${api.seconds.toFixed(1)} s)${api.failures > 0 ? `, ${api.failures} FAILED (${api.timeouts} timeouts)` : ''} | naive ${naive.ms.length === 0 ? '–' : `${naive.ms.map(fmtMs).join(' / ')} ms`}${[...naive.checks].map(([name, ms]) => ` (${name}: ${ms.map(fmtMs).join(' / ')} ms)`).join('')}`,
        );
        if (api.failures > 0) process.exitCode = 1;
      }
    }
  } finally {
    if (server !== undefined) await killHard(server);
  }

  log(
    `\nMedians of ${options.repeats} repeats — ${fmtInt(options.tickets)} tickets, ${fmtInt(info.events)} events; API at ${options.connections} connections (runs of about ${options.duration} s, at least 2 requests a connection); naive SQL one query at a time (median of its ${options.naive} × ${options.repeats} queries' per-repeat medians).`,
  );
  log(
    `naive/API p50: naive median latency ÷ API p50 latency under load (target ≥ ${RATIO_TARGET}×); naive/API per request: naive latency ÷ the API's machine time per answer (1 / req/s).\n`,
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
