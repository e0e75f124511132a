/**
 * Range KPIs (`sla`, `fcr`, `handle-time`, `volume`): sums of the rollups over `[from, to)` per
 * period and group, from one or more sources (the rollup ledger, and for SLA the clocks found
 * past due at query time), merged by key, turned into the endpoint's measures, and — with
 * `compare` — joined with the same figures for the comparison window, row by row.
 */
import { comparisonShift, type Period } from '../../core/time/periods.js';
import type { ColumnFilter, GroupedQuery, GroupedRow } from '../../storage/kpi.repository.js';
import type { TenantCube } from './cube/index.js';
import type { GroupKey, KpiQuery } from './query.js';

/** Quantiles a source computed itself (the cube), per period and group. */
export interface QuantileRow {
  period: number;
  keys: Record<string, string | null>;
  quantiles: { name: string; values: ReadonlyArray<number | null> };
}

export type SourceRow = GroupedRow | QuantileRow;

/** What one KPI endpoint reads and how it turns sums into measures. */
export interface RangeKpi<Deps> {
  /** The `definition` object of the response. */
  definition: Record<string, unknown>;
  /**
   * The summed sources, merged by period and group; from the `cube` (in memory, at the data
   * version of the request) where given, else from SQL.
   */
  read: (
    deps: Deps,
    tenantId: string,
    q: GroupedQuery,
    now: number,
    cube: TenantCube | undefined,
  ) => Promise<SourceRow[]>;
  /** The response measures of one row's sums (absent sums are 0). */
  measures: (sums: Readonly<Record<string, number>>, row: MergedRow) => Record<string, unknown>;
}

export interface MergedRow {
  period: number;
  keys: Record<string, string | null>;
  sums: Record<string, number>;
  /** Counts per sketch bin, per sketch name (percentiles). */
  sketches: Map<string, Map<number, number>>;
  /** Quantiles computed by the source, per sketch name (instead of bins). */
  quantiles?: Map<string, ReadonlyArray<number | null>>;
}

export interface KpiRow {
  period_start?: string;
  [key: string]: unknown;
}

export interface RangeKpiResult {
  definition: Record<string, unknown>;
  from: string;
  to: string;
  timezone: string;
  interval: string;
  group_by: string[];
  compare?: { kind: string; from: string; to: string };
  rows: KpiRow[];
}

const iso = (ms: number) => new Date(ms).toISOString();

function keyOf(
  period: number,
  keys: Readonly<Record<string, string | null>>,
  groupBy: readonly string[],
) {
  // Built by hand (this runs for every source row): NUL never occurs in a PostgreSQL text value,
  // so it separates the values; \u0001 stands for null.
  let key = String(period);
  for (const g of groupBy) {
    const v = keys[g];
    key += v === null || v === undefined ? '\u0000\u0001' : `\u0000${v}`;
  }
  return key;
}

/** Merges rows of several sources by period and group, adding their sums and sketch bins. */
export function mergeRows(
  sources: readonly SourceRow[],
  groupBy: readonly string[],
): Map<string, MergedRow> {
  const merged = new Map<string, MergedRow>();
  for (const row of sources) {
    const key = keyOf(row.period, row.keys, groupBy);
    let into = merged.get(key);
    if (into === undefined) {
      const keys: Record<string, string | null> = {};
      for (const g of groupBy) keys[g] = row.keys[g] ?? null;
      into = { period: row.period, keys, sums: {}, sketches: new Map() };
      merged.set(key, into);
    }
    if ('quantiles' in row) {
      (into.quantiles ??= new Map()).set(row.quantiles.name, row.quantiles.values);
      continue;
    }
    const sketch = row.sketch;
    if (sketch !== undefined) {
      const bins = into.sketches.get(sketch.name) ?? new Map<number, number>();
      bins.set(sketch.bin, (bins.get(sketch.bin) ?? 0) + (row.sums.n ?? 0));
      into.sketches.set(sketch.name, bins);
      continue;
    }
    for (const [m, v] of Object.entries(row.sums)) into.sums[m] = (into.sums[m] ?? 0) + v;
  }
  return merged;
}

/** The repository query of a KPI query (its periods possibly moved to the comparison window). */
export function groupedQuery(
  q: KpiQuery,
  periods: readonly Period[],
  from: number,
  to: number,
): GroupedQuery {
  const filters: ColumnFilter[] = Object.entries(q.filters).map(([column, values]) => ({
    column,
    values: values,
  }));
  return {
    from,
    to,
    periodStarts: q.interval === 'none' ? null : periods.map((p) => p.start),
    groupBy: q.groupBy,
    filters,
  };
}

function sortRows(rows: MergedRow[], groupBy: readonly GroupKey[]): MergedRow[] {
  const text = (v: string | null) => (v === null ? '\uffff' : v);
  return rows.sort((a, b) => {
    if (a.period !== b.period) return a.period - b.period;
    for (const g of groupBy) {
      const x = text(a.keys[g] ?? null);
      const y = text(b.keys[g] ?? null);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}

/** Every period gets a row when nothing is grouped, so a trend has no holes. */
function densify(merged: Map<string, MergedRow>, q: KpiQuery): void {
  if (q.groupBy.length > 0) return;
  q.periods.forEach((_, period) => {
    const key = keyOf(period, {}, []);
    if (!merged.has(key)) merged.set(key, { period, keys: {}, sums: {}, sketches: new Map() });
  });
}

const EMPTY: MergedRow = { period: 0, keys: {}, sums: {}, sketches: new Map() };

/** Runs a range KPI: the rows of `[from, to)` and, with `compare`, of the comparison window. */
export async function runRangeKpi<Deps>(
  kpi: RangeKpi<Deps>,
  deps: Deps,
  tenantId: string,
  q: KpiQuery,
  context: { now: number; cube: TenantCube | undefined },
): Promise<RangeKpiResult> {
  const { now, cube } = context;
  const current = mergeRows(
    await kpi.read(deps, tenantId, groupedQuery(q, q.periods, q.from, q.to), now, cube),
    q.groupBy,
  );
  densify(current, q);
  let previous: Map<string, MergedRow> | undefined;
  let window: { from: number; to: number } | undefined;
  if (q.compare !== undefined) {
    const shift = comparisonShift(q.from, q.to, q.compare, q.timezone);
    window = { from: shift(q.from), to: shift(q.to) };
    const periods = q.periods.map((p) => ({ start: shift(p.start), end: shift(p.end) }));
    const rows = await kpi.read(
      deps,
      tenantId,
      groupedQuery(q, periods, window.from, window.to),
      now,
      cube,
    );
    previous = mergeRows(rows, q.groupBy);
    for (const [key, row] of previous) {
      if (!current.has(key)) {
        current.set(key, { period: row.period, keys: row.keys, sums: {}, sketches: new Map() });
      }
    }
  }
  const rows = sortRows([...current.values()], q.groupBy).map((row) => {
    const out: KpiRow = {};
    if (q.interval !== 'none') out.period_start = iso(q.periods[row.period]!.start);
    for (const g of q.groupBy) out[g] = row.keys[g] ?? null;
    Object.assign(out, kpi.measures(row.sums, row));
    if (previous !== undefined) {
      const before = previous.get(keyOf(row.period, row.keys, q.groupBy)) ?? EMPTY;
      out.previous = kpi.measures(before.sums, before);
    }
    return out;
  });
  return {
    definition: kpi.definition,
    from: iso(q.from),
    to: iso(q.to),
    timezone: q.timezone,
    interval: q.interval,
    group_by: q.groupBy,
    ...(window !== undefined && q.compare !== undefined
      ? { compare: { kind: q.compare, from: iso(window.from), to: iso(window.to) } }
      : {}),
    rows,
  };
}

/** `numerator / denominator`, or null when the denominator is empty (api.md). */
export function rate(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}
