/**
 * The reference the cube is held to: the SQL of `sumRollup` / `sumSketch` done the plain way —
 * every row in `[from, to)` passing the filters, put in the last period starting at or before its
 * bucket, grouped by the group-by values (and bin), summed; groups (bins) summing to zero left out.
 */
import {
  DIM_NAMES,
  MEASURE_NAMES,
  type Contribution,
  type ContributionKind,
} from '../../../src/core/aggregate/index.js';
import type { GroupedQuery, GroupedRow } from '../../../src/storage/kpi.repository.js';

/** A dimension as the table stores it: text, '' when missing. */
const stored = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'number' ? String(v) : (v as string);

function periodOf(starts: readonly number[] | null, at: number): number {
  if (starts === null) return 0;
  let found = -1;
  starts.forEach((s, i) => {
    if (s <= at) found = i;
  });
  return found;
}

const round = (v: number | undefined) => {
  const r = Math.round(v ?? 0);
  return Number.isFinite(r) ? r : 0;
};

export function referenceRows(
  rows: readonly Contribution[],
  kind: ContributionKind,
  q: GroupedQuery,
  sketchName: string = kind,
): GroupedRow[] {
  const sketch = DIM_NAMES[kind].includes('bin');
  const measures = MEASURE_NAMES[kind];
  const groups = new Map<string, GroupedRow>();
  for (const c of rows) {
    if (c.kind !== kind || c.bucket < q.from || c.bucket >= q.to) continue;
    const dims = c.dims as unknown as Record<string, unknown>;
    if (!q.filters.every((f) => f.values.includes(stored(dims[f.column])))) continue;
    const period = periodOf(q.periodStarts, c.bucket);
    const keys: Record<string, string | null> = {};
    for (const g of q.groupBy) keys[g] = stored(dims[g]) === '' ? null : stored(dims[g]);
    const bin = sketch ? Number(dims.bin) : 0;
    const id = JSON.stringify([period, ...q.groupBy.map((g) => keys[g]), bin]);
    let into = groups.get(id);
    if (into === undefined) {
      into = { period, keys, sums: Object.fromEntries(measures.map((m) => [m, 0])) };
      if (sketch) into.sketch = { name: sketchName, bin };
      groups.set(id, into);
    }
    const values = c.measures as unknown as Record<string, number>;
    for (const m of measures) into.sums[m]! += round(values[m]);
  }
  return [...groups.values()].filter((g) => measures.some((m) => g.sums[m] !== 0));
}

/** Rows in a canonical order and form, for comparing answers whose order may differ. */
export function canonical(rows: readonly GroupedRow[]): string[] {
  return rows
    .map((r) =>
      JSON.stringify({
        period: r.period,
        keys: Object.entries(r.keys).sort(([a], [b]) => (a < b ? -1 : 1)),
        sums: Object.entries(r.sums).sort(([a], [b]) => (a < b ? -1 : 1)),
        sketch: r.sketch ?? null,
      }),
    )
    .sort();
}
