/**
 * The end of a soak: RSS and the p99 latencies of a minute early in the run (minute 5; minute 1
 * when the run is shorter than 6 minutes) against the last minute, each within ±20 % or not, the
 * rates achieved, every question's latencies over the whole soak, and the failures.
 */
import type { Context } from './context.js';
import type { Options } from './options.js';
import { QUESTIONS } from './questions.js';
import type { Rates, SoakResult } from './soak.js';
import { figuresOf, fmtInt, fmtMs, fmtRate, quantile, type MinuteFigures } from './stats.js';

/** The issue's target: RSS and p99 within ±20 % between minute 5 and the last minute. */
export const TOLERANCE = 0.2;

/** The minute compared with the last: 5, or 1 for runs shorter than 6 minutes (1-based). */
export function baselineMinute(minutes: number): number {
  return minutes >= 6 ? 5 : 1;
}

interface Check {
  what: string;
  unit: string;
  before: number;
  after: number;
}

function checkLine(c: Check): { line: string; ok: boolean } {
  const change = (c.after - c.before) / c.before;
  const ok = Number.isFinite(change) && Math.abs(change) <= TOLERANCE;
  const fmt = c.unit === 'MB' ? fmtInt : fmtMs;
  const pct = Number.isFinite(change)
    ? `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} %`
    : '–';
  return {
    ok,
    line: `  ${c.what.padEnd(26)} ${`${fmt(c.before)} ${c.unit}`.padStart(10)} → ${`${fmt(c.after)} ${c.unit}`.padStart(10)}  ${pct.padStart(9)}  ${ok ? 'within ±20 %' : 'OUTSIDE ±20 %'}`,
  };
}

/**
 * For reading, not judged: p50 and p99 pooled over three minutes around the baseline and over the
 * last three. One minute's p99 is its 1 % slowest requests (about 20 ingest requests at 2,000
 * events/s), so a single stall sets it; three minutes' are steadier, and the p50s show a drift
 * that the p99s' noise hides.
 */
function windows(result: SoakResult, base: number, log: (l: string) => void): void {
  const complete = result.minutes.length;
  const first = Math.max(1, base - 1);
  const last = Math.min(complete, base + 1);
  if (complete - 2 <= last) return;
  const pool = (from: number, to: number, pick: (m: SoakResult['minutes'][number]) => number[]) =>
    result.minutes.slice(from - 1, to).flatMap(pick);
  log(`  pooled over minutes ${first}–${last} against ${complete - 2}–${complete} (for reading):`);
  for (const [what, pick] of [
    ['KPI read', (m: SoakResult['minutes'][number]) => m.kpi],
    ['ingest request', (m: SoakResult['minutes'][number]) => m.ingest],
  ] as const) {
    const before = pool(first, last, pick);
    const after = pool(complete - 2, complete, pick);
    const cells = [0.5, 0.99].map((q) => {
      const [b, a] = [quantile([...before], q), quantile([...after], q)];
      const pct = ((a - b) / b) * 100;
      return `p${q * 100} ${fmtMs(b)} → ${fmtMs(a)} ms (${pct >= 0 ? '+' : ''}${pct.toFixed(1)} %)`;
    });
    log(`    ${what.padEnd(15)} ${cells.join(', ')}`);
  }
}

function comparison(options: Options, result: SoakResult, log: (l: string) => void): string[] {
  const complete = result.minutes.length;
  const base = baselineMinute(options.minutes);
  if (complete < Math.max(2, base + 1)) {
    log(`\nonly ${complete} complete minute(s): nothing to compare minute ${base} with`);
    return ['too few complete minutes'];
  }
  const before: MinuteFigures = figuresOf(result.minutes[base - 1]!);
  const after: MinuteFigures = figuresOf(result.minutes[complete - 1]!);
  const shorter = options.minutes < 6 ? ' (--minutes below 6: minute 1 instead of minute 5)' : '';
  log(`\nminute ${base} against minute ${complete}${shorter}:`);
  const checks: Check[] = [
    { what: 'service RSS (minute mean)', unit: 'MB', before: before.rssMean, after: after.rssMean },
    { what: 'KPI read p99', unit: 'ms', before: before.kpiP99, after: after.kpiP99 },
    { what: 'ingest request p99', unit: 'ms', before: before.ingestP99, after: after.ingestP99 },
  ];
  const missed: string[] = [];
  const results = checks.map((c) => ({ c, ...checkLine(c) }));
  for (const { line } of results) log(line);
  // The KPI cube holds every ticket of the tenant by design (up to DESKMETRICS_KPI_CUBE_MB): RSS
  // grows with the data it covers. What must stay flat is the rest.
  const rest = checkLine({
    what: 'RSS less the KPI cube',
    unit: 'MB',
    before: before.rssLessCube,
    after: after.rssLessCube,
  });
  const cubeGrew = after.rssMean - before.rssMean - (after.rssLessCube - before.rssLessCube);
  log(rest.line);
  windows(result, base, log);
  for (const { c, ok } of results) {
    if (ok) continue;
    if (c.unit === 'MB' && rest.ok && cubeGrew > 0) {
      log(
        `  RSS grew with the KPI cube (+${fmtInt(cubeGrew)} MB, the tickets it gained); the rest of it stayed within ±20 %`,
      );
      continue;
    }
    missed.push(`${c.what} moved more than 20 %`);
  }
  return missed;
}

function questionTable(result: SoakResult, log: (l: string) => void): void {
  log('\nKPI reads over the whole soak, by question (latency from the scheduled instant, ms):');
  log(
    `  ${'question'.padEnd(34)} ${'reads'.padStart(7)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)} ${'cube %'.padStart(7)} ${'errors'.padStart(7)}`,
  );
  QUESTIONS.forEach((q, i) => {
    const s = result.questions[i]!;
    const max = s.latencies.length === 0 ? NaN : Math.max(...s.latencies);
    const cube = s.timed === 0 ? '–' : String(Math.round((100 * s.cube) / s.timed));
    log(
      `  ${q.id.padEnd(34)} ${fmtInt(s.latencies.length).padStart(7)} ${fmtMs(quantile(s.latencies, 0.5)).padStart(7)} ${fmtMs(quantile(s.latencies, 0.99)).padStart(7)} ${fmtMs(max).padStart(7)} ${cube.padStart(7)} ${String(s.errors).padStart(7)}`,
    );
  });
}

/** Prints the summary; returns the reasons the run failed (none: it passed). */
export function summarize(ctx: Context, result: SoakResult, rates: Rates): string[] {
  const { options, log } = ctx;
  const reasons = comparison(options, result, log);
  const minutes = result.minutes;
  const events = minutes.reduce((n, m) => n + m.events, 0);
  const reads = minutes.reduce((n, m) => n + m.kpiOk, 0);
  const seconds = minutes.length * 60;
  const { drain } = result;
  const over = (extra: number) => (extra >= 1 ? ` over ${fmtInt(seconds + extra)} s` : '');
  log(
    `\nachieved in ${minutes.length} minute(s): ${fmtInt(events / (seconds + drain.events))} events/s stored${over(drain.events)} (scheduled ${fmtInt(rates.events)}), ${fmtRate(reads / (seconds + drain.reads))} KPI reads/s answered${over(drain.reads)} (scheduled ${fmtRate(rates.reads)}); ${fmtInt(result.ingestRequests)} ingest requests, ${fmtInt(result.reads)} reads, ${fmtInt(result.tickets)} tickets of the soak's desk`,
  );
  const late = Math.max(drain.events, drain.reads);
  if (late > 5) {
    log(
      `the service fell behind: the requests scheduled in the soak answered until ${late.toFixed(0)} s after its end (the latencies count that wait)`,
    );
  }
  questionTable(result, log);
  if (result.trace.length > 0) {
    log('');
    for (const line of result.trace) log(line);
  }
  if (result.exhausted) {
    reasons.push('the generated help desk ran out of events');
    log('\nthe generated help desk ran out of events before the end (see MARGIN in soak.ts)');
  }
  const failed = [...ctx.failures.values()].reduce((n, f) => n + f.count, 0);
  if (failed > 0) {
    reasons.push(`${fmtInt(failed)} request(s) failed`);
    log(`\nfailed requests (calibration and soak): ${fmtInt(failed)}`);
    for (const [kind, f] of ctx.failures) log(`  ${kind}: ${fmtInt(f.count)}, e.g. ${f.example}`);
    // The service logs at warn: what it said about them (its last lines) is the first clue.
    const said = ctx.service.output().trim().split('\n').slice(-10);
    if (said.length > 0 && said[0] !== '') {
      log("the service's last log lines:");
      for (const line of said) log(`  ${line.slice(0, 400)}`);
    }
  } else {
    log('\nfailed requests (calibration and soak): none');
  }
  if (ctx.stopped !== null) reasons.push(`stopped early: ${ctx.stopped}`);
  return reasons;
}
