/**
 * bench/cube: the KPI cube (src/reporting/kpis/cube) on synthetic compacted ledgers of the size
 * a 1,000,000-ticket tenant has: load time and memory, then the time per question for random
 * 90-day windows (each starting on a random quarter hour of the two years).
 *
 *   node --expose-gc --import tsx bench/cube/run.ts [--sla 2500000] [--all] [--queries 300]
 *
 * --all also loads fcr, volume, handle_time and handle_sketch at their 1M-ticket sizes, for the
 * memory of every kind. Every answer of the day-level path is checked against the same question
 * answered by the base level alone (a filter naming every team forces it).
 */
import { availableParallelism, loadavg } from 'node:os';
import {
  BUCKET_MS,
  type Contribution,
  type ContributionKind,
} from '../../src/core/aggregate/index.js';
import { periodsOf, type Interval } from '../../src/core/time/periods.js';
import {
  answerGroups,
  answerQuantiles,
  answerRows,
  type CubeGroup,
} from '../../src/reporting/kpis/cube/answer.js';
import { KindCube } from '../../src/reporting/kpis/cube/kind-cube.js';
import type { GroupedQuery } from '../../src/storage/kpi.repository.js';
import { DAYS, ledger, mulberry32, START, TEAMS } from './generate.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SLA_ROWS = arg('sla', 2_500_000);
const QUERIES = arg('queries', 300);
const ALL = process.argv.includes('--all');
const scale = SLA_ROWS / 2_500_000;
const SIZES: Array<[ContributionKind, number]> = [
  ['sla', SLA_ROWS],
  ['sla_sketch', SLA_ROWS],
  ...(ALL
    ? ([
        ['fcr', 950_000 * scale],
        ['volume', 2_100_000 * scale],
        ['handle_time', 500_000 * scale],
        ['handle_sketch', 500_000 * scale],
      ] as Array<[ContributionKind, number]>)
    : []),
];

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const log = (line: string) => console.log(line);

function memory() {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, buffers: m.arrayBuffers };
}

async function load(): Promise<Map<ContributionKind, KindCube>> {
  const cubes = new Map<ContributionKind, KindCube>();
  const before = memory();
  for (const [kind, count] of SIZES) {
    const cube = new KindCube(kind);
    const rows = Math.round(count);
    const t0 = performance.now();
    await cube.load(ledger(kind, rows));
    const ms = performance.now() - t0;
    log(
      `load ${kind.padEnd(13)} ${rows.toLocaleString('en-US').padStart(10)} rows  ${(ms / 1000).toFixed(1)} s (generation included)  typed arrays ${mb(cube.bytes())}`,
    );
    cubes.set(kind, cube);
  }
  const after = memory();
  log(
    `memory after load (gc'd): rss +${mb(after.rss - before.rss)}, heap +${mb(after.heap - before.heap)}, array buffers +${mb(after.buffers - before.buffers)}; rss ${mb(after.rss)}`,
  );
  return cubes;
}

interface Question {
  name: string;
  interval: Interval;
  groupBy: string[];
  filters: GroupedQuery['filters'];
}

const QUESTIONS: Question[] = [
  { name: 'team × week, Europe/Warsaw', interval: 'week', groupBy: ['team'], filters: [] },
  { name: 'agent × none', interval: 'none', groupBy: ['agent'], filters: [] },
  {
    name: 'team × priority × day, channel ∈ {email, chat}',
    interval: 'day',
    groupBy: ['team', 'priority'],
    filters: [{ column: 'channel', values: ['email', 'chat'] }],
  },
];

function windows(n: number, question: Question): GroupedQuery[] {
  const rand = mulberry32(n * 31 + question.groupBy.length);
  return Array.from({ length: n }, () => {
    const from = START + Math.floor(rand() * (DAYS - 90) * 96) * BUCKET_MS;
    const to = from + 90 * 86_400_000;
    const periods = periodsOf(from, to, question.interval, 'Europe/Warsaw')!;
    const periodStarts = question.interval === 'none' ? null : periods.map((p) => p.start);
    return { from, to, periodStarts, groupBy: question.groupBy, filters: question.filters };
  });
}

/** One KPI request's cube work for SLA: sums, sketches and both percentiles of every group. */
function slaRequest(cubes: Map<ContributionKind, KindCube>, q: GroupedQuery): number {
  const sums = answerGroups(cubes.get('sla')!, q);
  const quantiles = answerQuantiles(cubes.get('sla_sketch')!, q, [0.5, 0.9]);
  return sums.length + quantiles.length;
}

interface Timing {
  wall: number[];
  /** CPU time of the process per query, averaged over the run (ms). */
  cpu: number;
}

function stats({ wall, cpu }: Timing): string {
  const s = [...wall].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(3);
  return `wall median ${at(0.5)} p95 ${at(0.95)} ms, cpu mean ${cpu.toFixed(3)} ms`;
}

function time(qs: GroupedQuery[], run: (q: GroupedQuery) => unknown): Timing {
  for (const q of qs.slice(0, 20)) run(q); // warm-up
  const c0 = process.cpuUsage();
  const wall = qs.map((q) => {
    const t0 = performance.now();
    run(q);
    return performance.now() - t0;
  });
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 / qs.length };
}

const canon = (groups: CubeGroup[]) =>
  groups
    .map((g) => JSON.stringify([g.period, g.keys, g.sums, g.sketch ? [...g.sketch] : null]))
    .sort()
    .join('\n');

/** The day-level answer equals the base level's (a filter naming every team forces that path). */
function check(cube: KindCube, q: GroupedQuery): void {
  if (q.filters.length > 0 || q.groupBy.length > 1) return;
  const forced = { ...q, filters: [{ column: 'team', values: TEAMS }] };
  if (canon(answerGroups(cube, q)) !== canon(answerGroups(cube, forced))) {
    throw new Error(`${cube.spec.kind}: day level and base level disagree on ${JSON.stringify(q)}`);
  }
}

async function main() {
  const cubes = await load();
  log(
    `(load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${availableParallelism()} CPUs)`,
  );
  for (const question of QUESTIONS) {
    const qs = windows(QUERIES, question);
    log(`\n${question.name}, 90 days (${qs.length} random windows)`);
    for (const q of qs.slice(0, 5)) for (const cube of cubes.values()) check(cube, q);
    log(
      `  sla request (sla + sla_sketch + p50/p90)  ${stats(time(qs, (q) => slaRequest(cubes, q)))}`,
    );
    for (const [kind, cube] of cubes) {
      const groups = answerGroups(cube, qs[0]!).length;
      if (cube.spec.sketch) {
        const p = stats(time(qs, (q) => answerQuantiles(cube, q, [0.5, 0.9])));
        log(`  ${kind.padEnd(14)} p50+p90   ${p}  groups ${groups}`);
        log(`  ${kind.padEnd(14)} all bins  ${stats(time(qs, (q) => answerGroups(cube, q)))}`);
      } else
        log(
          `  ${kind.padEnd(14)} sums      ${stats(time(qs, (q) => answerGroups(cube, q)))}  groups ${groups}`,
        );
    }
    const sla = cubes.get('sla')!;
    log(`  sla as GroupedRow[] (answerRows)  ${stats(time(qs, (q) => answerRows(sla, q)))}`);
  }
  for (const kind of ['sla', 'sla_sketch'] as const) applies(cubes.get(kind)!);
}

/** Rows of `kind` moved into the last `days` days of the two years. */
function recent(kind: ContributionKind, count: number, seed: number, days: number) {
  const end = START + DAYS * 86_400_000;
  return [...ledger(kind, count, seed)].flat().map((c) => ({
    ...c,
    bucket: end - days * 86_400_000 + ((c.bucket - START) % (days * 86_400_000)),
  }));
}

const negated = (rows: readonly Contribution[]) =>
  rows.map((c) => {
    const m = c.measures as unknown as Record<string, number>;
    return { ...c, measures: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, -v])) };
  }) as unknown as Contribution[];

/** Live ingest (small batches near the last day), a recomputation (a bulk batch over two years). */
function applies(cube: KindCube): void {
  const kind = cube.spec.kind;
  const before = cube.rows;
  const live = recent(kind, 20_000, 7, 2);
  let t0 = performance.now();
  for (let i = 0; i < live.length; i += 100) cube.apply(live.slice(i, i + 100));
  const liveMs = performance.now() - t0;
  const bulk = [...ledger(kind, 50_000, 8)].flat();
  t0 = performance.now();
  cube.apply(bulk);
  const bulkMs = performance.now() - t0;
  t0 = performance.now();
  for (let i = 0; i < live.length; i += 100) cube.apply(negated(live.slice(i, i + 100)));
  cube.apply(negated(bulk));
  const backMs = performance.now() - t0;
  const us = (ms: number, n: number) => `${((ms * 1000) / n).toFixed(1)} µs/row`;
  log(
    `apply ${kind}: live 20,000 rows in batches of 100 ${us(liveMs, 20_000)}; ` +
      `bulk 50,000 rows over two years in one batch ${us(bulkMs, 50_000)}; ` +
      `withdrawing both ${us(backMs, 70_000)}; base rows ${before.toLocaleString('en-US')} → ` +
      `${cube.rows.toLocaleString('en-US')} (tails not yet folded included)`,
  );
}

await main();
