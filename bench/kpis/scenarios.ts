/**
 * The benchmarked questions: for each KPI endpoint, the request (its parameters, drawn at random
 * per request), the naive SQL answering the same question (naive.ts), and how the two answers
 * are compared cell by cell.
 */
import {
  backlogFromEventsSql,
  backlogSql,
  backlogTrendSql,
  fcrSql,
  handleTimeSql,
  slaSql,
  volumeSql,
  type Grouping,
  type Interval,
} from './naive.js';
import {
  DEFAULT_AGE_BOUNDS,
  instants,
  windows,
  ZONE,
  type ParamSource,
  type Params,
} from './params.js';

/** How a measure is compared: exactly, within 0.002 (rounded averages and rates), within 1 %. */
type Kind = 'count' | 'close' | 'percentile';

export interface Scenario {
  id: string;
  endpoint: string;
  /** What is asked, for the table. */
  label: string;
  targetP95Ms: number;
  /** A parameter stream, seeded. */
  params: (seed: number) => ParamSource;
  sql: string;
  /**
   * Further naive statements (same values and row shape) asked and compared with the API too,
   * timed apart and not used in the ratio.
   */
  checks?: ReadonlyArray<{ name: string; sql: string }>;
  /** The naive statement's values: $1 tenant, $2 from / as_of, $3 to, $4 now. */
  values: (p: Params, tenantId: string, now: number) => unknown[];
  /** The measures compared, with how. */
  measures: ReadonlyArray<readonly [string, Kind]>;
  /** The naive row's measures (derived rates added), by measure name. */
  fromNaive: (row: Record<string, unknown>) => Record<string, number | null>;
  /** The API answer's rows, keyed like {@link naiveKey}. */
  fromApi: (body: ApiBody, grouping: Grouping) => Map<string, Record<string, number | null>>;
  grouping: Grouping;
}

interface ApiBody {
  rows: Array<Record<string, unknown>>;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const rate = (a: number | null, b: number | null) => (b !== null && b > 0 ? (a ?? 0) / b : null);

/** A row's key: its period instant (a Date from SQL, ISO text from the API) and group value. */
export function rowKey(period: unknown, key: unknown): string {
  const p =
    period instanceof Date
      ? period.toISOString()
      : typeof period === 'string'
        ? new Date(period).toISOString()
        : '';
  const k = typeof key === 'string' && key !== '' ? key : '(none)';
  return p === '' ? k : `${p} ${k}`;
}

function apiRows(periodField: string | null, measures: readonly string[]) {
  return (body: ApiBody, grouping: Grouping) => {
    const out = new Map<string, Record<string, number | null>>();
    for (const row of body.rows) {
      const values: Record<string, number | null> = {};
      for (const m of measures) values[m] = num(row[m]);
      if (Array.isArray(row.buckets)) {
        (row.buckets as Array<{ count: number }>).forEach(
          (b, i) => (values[`bucket_${i}`] = b.count),
        );
      }
      out.set(rowKey(periodField === null ? null : row[periodField], row[grouping]), values);
    }
    return out;
  };
}

const rangeValues = (p: Params, tenantId: string, now: number) => [
  tenantId,
  p.from,
  p.to,
  new Date(now).toISOString(),
];

function rangeParams(grouping: Grouping, interval: Interval): Params {
  return interval === 'week'
    ? { group_by: grouping, interval: 'week', timezone: ZONE }
    : { group_by: grouping, interval: 'none' };
}

const label = (grouping: Grouping, interval: Interval) =>
  interval === 'week' ? `${grouping} × week, 90 d` : `${grouping}, 90 d`;

function sla(grouping: Grouping, interval: Interval): Scenario {
  const measures = [
    ['achieved', 'count'],
    ['breached', 'count'],
    ['compliance', 'close'],
    ['elapsed_business_seconds_avg', 'close'],
    ['elapsed_business_seconds_p50', 'percentile'],
    ['elapsed_business_seconds_p90', 'percentile'],
  ] as const;
  return {
    id: `sla-${grouping}-${interval}`,
    endpoint: 'sla',
    label: label(grouping, interval),
    targetP95Ms: 20,
    params: (seed) => windows(seed, rangeParams(grouping, interval)),
    sql: slaSql(grouping, interval),
    values: rangeValues,
    measures,
    fromNaive: (r) => ({
      achieved: num(r.achieved),
      breached: num(r.breached),
      compliance: rate(num(r.achieved), (num(r.achieved) ?? 0) + (num(r.breached) ?? 0)),
      elapsed_business_seconds_avg: num(r.elapsed_business_seconds_avg),
      elapsed_business_seconds_p50: num(r.elapsed_business_seconds_p50),
      elapsed_business_seconds_p90: num(r.elapsed_business_seconds_p90),
    }),
    fromApi: apiRows(
      interval === 'week' ? 'period_start' : null,
      measures.map(([m]) => m),
    ),
    grouping,
  };
}

function fcr(grouping: Grouping, interval: Interval): Scenario {
  const measures = [
    ['solved', 'count'],
    ['fcr', 'count'],
    ['zero_touch', 'count'],
    ['fcr_rate', 'close'],
    ['pending_confirmation', 'count'],
    ['reopened', 'count'],
    ['reopen_rate', 'close'],
    ['escalated', 'count'],
  ] as const;
  return {
    id: `fcr-${grouping}-${interval}`,
    endpoint: 'fcr',
    label: label(grouping, interval),
    targetP95Ms: 20,
    params: (seed) => windows(seed, rangeParams(grouping, interval)),
    sql: fcrSql(grouping, interval),
    values: rangeValues,
    measures,
    fromNaive: (r) => ({
      solved: num(r.solved),
      fcr: num(r.fcr),
      zero_touch: num(r.zero_touch),
      fcr_rate: rate(num(r.fcr), num(r.touched)),
      pending_confirmation: num(r.pending_confirmation),
      reopened: num(r.reopened),
      reopen_rate: rate(num(r.reopened), num(r.solved)),
      escalated: num(r.escalated),
    }),
    fromApi: apiRows(
      interval === 'week' ? 'period_start' : null,
      measures.map(([m]) => m),
    ),
    grouping,
  };
}

function handleTime(grouping: Grouping, interval: Interval): Scenario {
  const measures = [
    ['contacts', 'count'],
    ['talk_seconds', 'close'],
    ['hold_seconds', 'close'],
    ['wrap_seconds', 'close'],
    ['handle_seconds', 'close'],
    ['aht_seconds', 'close'],
    ['handle_seconds_p50', 'percentile'],
    ['handle_seconds_p90', 'percentile'],
  ] as const;
  return {
    id: `handle-time-${grouping}-${interval}`,
    endpoint: 'handle-time',
    label: label(grouping, interval),
    targetP95Ms: 20,
    params: (seed) => windows(seed, rangeParams(grouping, interval)),
    sql: handleTimeSql(grouping, interval),
    values: (p, tenantId) => [tenantId, p.from, p.to],
    measures,
    fromNaive: (r) => Object.fromEntries(measures.map(([m]) => [m, num(r[m])])),
    fromApi: apiRows(
      interval === 'week' ? 'period_start' : null,
      measures.map(([m]) => m),
    ),
    grouping,
  };
}

function volume(grouping: Grouping, interval: Interval): Scenario {
  const measures = [
    ['created', 'count'],
    ['solved', 'count'],
    ['reopens', 'count'],
    ['deleted', 'count'],
  ] as const;
  return {
    id: `volume-${grouping}-${interval}`,
    endpoint: 'volume',
    label: label(grouping, interval),
    targetP95Ms: 20,
    params: (seed) => windows(seed, rangeParams(grouping, interval)),
    sql: volumeSql(grouping, interval),
    values: (p, tenantId) => [tenantId, p.from, p.to],
    measures,
    fromNaive: (r) => Object.fromEntries(measures.map(([m]) => [m, num(r[m])])),
    fromApi: apiRows(
      interval === 'week' ? 'period_start' : null,
      measures.map(([m]) => m),
    ),
    grouping,
  };
}

function backlog(grouping: Grouping): Scenario {
  const buckets = DEFAULT_AGE_BOUNDS.map((_, i) => i)
    .concat([DEFAULT_AGE_BOUNDS.length])
    .map((i) => [`bucket_${i}`, 'count'] as const);
  const measures = [
    ['total', 'count'],
    ['actionable', 'count'],
    ['age_seconds_avg', 'close'],
    ...buckets,
  ] as const;
  return {
    id: `backlog-${grouping}`,
    endpoint: 'backlog',
    label: `as_of a random instant, by ${grouping}`,
    targetP95Ms: 50,
    params: (seed) => instants(seed, { group_by: grouping }),
    sql: backlogSql(grouping),
    checks: [{ name: 'from the events', sql: backlogFromEventsSql(grouping) }],
    values: (p, tenantId) => [tenantId, p.as_of],
    measures,
    fromNaive: (r) => Object.fromEntries(measures.map(([m]) => [m, num(r[m])])),
    fromApi: apiRows(null, ['total', 'actionable', 'age_seconds_avg']),
    grouping,
  };
}

function backlogTrend(grouping: Grouping): Scenario {
  const measures = [
    ['total', 'count'],
    ['actionable', 'count'],
  ] as const;
  return {
    id: `backlog-trend-${grouping}-week`,
    endpoint: 'backlog-trend',
    label: `${grouping} × week, 90 d`,
    targetP95Ms: 50,
    params: (seed) => windows(seed, rangeParams(grouping, 'week')),
    sql: backlogTrendSql(grouping),
    values: (p, tenantId) => [tenantId, p.from, p.to],
    measures,
    fromNaive: (r) => Object.fromEntries(measures.map(([m]) => [m, num(r[m])])),
    fromApi: apiRows('period_end', ['total', 'actionable']),
    grouping,
  };
}

export const SCENARIOS: readonly Scenario[] = [
  sla('team', 'week'),
  sla('agent', 'none'),
  fcr('team', 'week'),
  fcr('agent', 'none'),
  handleTime('team', 'week'),
  handleTime('agent', 'none'),
  volume('team', 'week'),
  volume('agent', 'none'),
  backlog('team'),
  backlogTrend('team'),
];

export interface CellDiff {
  key: string;
  measure: string;
  api: number | null;
  naive: number | null;
}

function same(kind: Kind, api: number | null, naive: number | null): boolean {
  if (kind === 'count') return (api ?? 0) === (naive ?? 0);
  if (api === null || naive === null) return api === naive;
  if (kind === 'close') return Math.abs(api - naive) <= 0.002 + 1e-9 * Math.abs(naive);
  return Math.abs(api - naive) <= 0.01 * Math.abs(naive) + 0.001;
}

/** Every cell where the API's answer and the naive SQL's differ (a missing row counts as zeros). */
export function compareAnswers(
  scenario: Scenario,
  body: unknown,
  naiveRows: ReadonlyArray<Record<string, unknown>>,
): CellDiff[] {
  const api = scenario.fromApi(body as ApiBody, scenario.grouping);
  const naive = new Map<string, Record<string, number | null>>();
  for (const row of naiveRows) naive.set(rowKey(row.period, row.key), scenario.fromNaive(row));
  const diffs: CellDiff[] = [];
  const keys = [...new Set([...api.keys(), ...naive.keys()])].sort();
  for (const key of keys) {
    const a = api.get(key);
    const n = naive.get(key);
    for (const [measure, kind] of scenario.measures) {
      const av = a?.[measure] ?? null;
      const nv = n?.[measure] ?? null;
      // A group one side leaves out: equal when the other side has nothing in it either.
      if ((a === undefined || n === undefined) && kind !== 'count') continue;
      if (!same(kind, av, nv)) diffs.push({ key, measure, api: av, naive: nv });
    }
  }
  return diffs;
}
