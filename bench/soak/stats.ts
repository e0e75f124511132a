/**
 * What the soak keeps per minute (latencies of the requests that completed in it, counts, RSS
 * samples) and how a minute is printed.
 */

export interface Minute {
  /** Latencies (ms) from each request's scheduled instant to its last byte, 2xx answers only. */
  kpi: number[];
  ingest: number[];
  /** Events stored (accepted + duplicates) by the ingest answers of the minute. */
  events: number;
  kpiOk: number;
  /** KPI answers (of /v1/kpis) that said `Server-Timing: cube`, and all of them. */
  cube: number;
  kpiTimed: number;
  /** Non-2xx answers, network errors and timeouts; events the service rejected. */
  errors: number;
  rejected: number;
  /** The service's VmRSS (MB), sampled every second. */
  rss: number[];
  /** Filled when the minute is reported. */
  heapMb: number;
  /** The KPI cubes' typed arrays (MB), read from /metrics at the end of the minute. */
  cubeMb: number;
  tickets: number;
  benchCpu: number;
  /** CPU over the minute, % of one core: the service, and every local PostgreSQL process. */
  serviceCpu: number;
  pgCpu: number;
  /** The soak database's size at the end of the minute, GB. */
  dbGb: number;
  load: number;
}

export function newMinute(): Minute {
  return {
    kpi: [],
    ingest: [],
    events: 0,
    kpiOk: 0,
    cube: 0,
    kpiTimed: 0,
    errors: 0,
    rejected: 0,
    rss: [],
    heapMb: NaN,
    cubeMb: NaN,
    tickets: 0,
    benchCpu: NaN,
    serviceCpu: NaN,
    pgCpu: NaN,
    dbGb: NaN,
    load: NaN,
  };
}

/** The q-quantile of the values, nearest rank (sorts them in place). */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  values.sort((a, b) => a - b);
  return values[Math.max(0, Math.ceil(q * values.length) - 1)]!;
}

export const mean = (values: readonly number[]) =>
  values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;

export const fmtInt = (n: number) =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–';

/** Milliseconds with three significant digits (0.85, 8.12, 41.3, 612). */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 100) return fmtInt(ms);
  return ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

export const fmtRate = (n: number) =>
  !Number.isFinite(n) ? '–' : n >= 100 ? fmtInt(n) : n.toFixed(1);

const fmtPercent = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} %` : '–');

const COLUMNS: ReadonlyArray<[string, number]> = [
  ['min', 4],
  ['RSS MB (max)', 13],
  ['KPI p50 / p99 ms', 17],
  ['ingest p50 / p99 ms', 20],
  ['events/s', 9],
  ['KPI reads/s', 12],
  ['errors', 7],
  ['cube %', 7],
  ['tickets', 10],
  ['heap MB', 8],
  ['cube MB', 8],
  ['bench CPU', 10],
  ['service CPU', 12],
  ['PG CPU', 7],
  ['DB GB', 6],
  ['load', 6],
];

const row = (cells: readonly string[]) => cells.map((c, i) => c.padStart(COLUMNS[i]![1])).join(' ');

export function minuteHeader(): string {
  return row(COLUMNS.map(([name]) => name));
}

export interface MinuteFigures {
  rssMean: number;
  rssMax: number;
  kpiP50: number;
  kpiP99: number;
  ingestP50: number;
  ingestP99: number;
  /** RSS less what the KPI cubes hold: the memory that does not grow with the data by design. */
  rssLessCube: number;
}

export function figuresOf(m: Minute): MinuteFigures {
  return {
    rssMean: mean(m.rss),
    rssMax: m.rss.length === 0 ? NaN : Math.max(...m.rss),
    kpiP50: quantile(m.kpi, 0.5),
    kpiP99: quantile(m.kpi, 0.99),
    ingestP50: quantile(m.ingest, 0.5),
    ingestP99: quantile(m.ingest, 0.99),
    rssLessCube: mean(m.rss) - (Number.isFinite(m.cubeMb) ? m.cubeMb : 0),
  };
}

/**
 * One minute's line; `seconds`: how long the minute was for each stream (the last runs over while
 * the requests scheduled before the end answer).
 */
export function minuteLine(
  index: number,
  m: Minute,
  seconds: { events: number; reads: number },
): string {
  const f = figuresOf(m);
  const errors = m.errors + (m.rejected > 0 ? ` +${fmtInt(m.rejected)}r` : '');
  return row([
    String(index + 1),
    `${fmtInt(f.rssMean)} (${fmtInt(f.rssMax)})`,
    `${fmtMs(f.kpiP50)} / ${fmtMs(f.kpiP99)}`,
    `${fmtMs(f.ingestP50)} / ${fmtMs(f.ingestP99)}`,
    fmtInt(m.events / seconds.events),
    fmtRate(m.kpiOk / seconds.reads),
    String(errors),
    m.kpiTimed === 0 ? '–' : `${Math.round((100 * m.cube) / m.kpiTimed)}`,
    fmtInt(m.tickets),
    fmtInt(m.heapMb),
    fmtInt(m.cubeMb),
    fmtPercent(m.benchCpu),
    fmtPercent(m.serviceCpu),
    fmtPercent(m.pgCpu),
    Number.isFinite(m.dbGb) ? m.dbGb.toFixed(1) : '–',
    Number.isFinite(m.load) ? m.load.toFixed(2) : '–',
  ]);
}
