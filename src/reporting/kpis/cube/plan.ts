/**
 * How a query's range falls on UTC days: for each day touching `[from, to)`, the period of each
 * of its 96 buckets (as an offset from the first period; -1 outside the range), or — for a day
 * wholly inside one period — just that period. Periods follow the SQL rule: a bucket belongs to
 * the last period starting at or before it (`width_bucket`).
 */
import { BUCKET_MS } from '../../../core/aggregate/index.js';
import type { Partition } from './partition.js';
import { BUCKETS_PER_DAY, DAY_MS, dayOf, startIndex, type CubeQuery } from './types.js';

export interface DayTask {
  day: number;
  /** Period offset per bucket (-1: outside the range); null when the day is whole in `whole`. */
  labels: Int32Array | null;
  /** The day's period offset when `labels` is null. */
  whole: number;
}

export interface Plan {
  /** The period of offset 0 (SQL's index: -1 for buckets before the first start). */
  pMin: number;
  /** Number of period offsets. */
  nP: number;
  days: DayTask[];
}

function labelsOf(q: CubeQuery, dayStart: number, pMin: number): Int32Array {
  const labels = new Int32Array(BUCKETS_PER_DAY);
  const starts = q.periodStarts;
  let p = startIndex(starts, Math.max(dayStart, q.from));
  for (let k = 0; k < BUCKETS_PER_DAY; k++) {
    const t = dayStart + k * BUCKET_MS;
    if (t < q.from || t >= q.to) {
      labels[k] = -1;
      continue;
    }
    if (starts !== null) while (p + 1 < starts.length && starts[p + 1]! <= t) p += 1;
    labels[k] = p - pMin;
  }
  return labels;
}

/** The days of `[from, to)` and the period of each of their buckets. */
export function planQuery(q: CubeQuery): Plan {
  const pMin = startIndex(q.periodStarts, q.from);
  const nP = startIndex(q.periodStarts, q.to - 1) - pMin + 1;
  const days: DayTask[] = [];
  if (q.to <= q.from) return { pMin, nP: 0, days };
  for (let day = dayOf(q.from); day <= dayOf(q.to - 1); day++) {
    const start = day * DAY_MS;
    const end = start + DAY_MS;
    if (start >= q.from && end <= q.to) {
      const p = startIndex(q.periodStarts, start);
      if (p === startIndex(q.periodStarts, end - BUCKET_MS)) {
        days.push({ day, labels: null, whole: p - pMin });
        continue;
      }
    }
    days.push({ day, labels: labelsOf(q, start, pMin), whole: -1 });
  }
  return { pMin, nP, days };
}

/**
 * For a day split between periods (or cut by `from`/`to`), the period whose share to take from
 * the day level — the rest of the day then scanned from the base and moved out of it — when
 * that scans fewer ordered rows than scanning the day's in-range buckets; -1 otherwise.
 */
export function dayLevelShare(part: Partition, labels: Int32Array): number {
  const rows = new Map<number, number>();
  let inRange = 0;
  for (let k = 0; k < BUCKETS_PER_DAY; k++) {
    const label = labels[k]!;
    if (label < 0) continue;
    const n = part.offsets[k + 1]! - part.offsets[k]!;
    inRange += n;
    rows.set(label, (rows.get(label) ?? 0) + n);
  }
  let best = -1;
  let bestCost = inRange;
  for (const [label, n] of rows) {
    const cost = part.sorted - n;
    if (cost < bestCost) {
      best = label;
      bestCost = cost;
    }
  }
  return best;
}

/** A run of consecutive days whose share of one period comes from the day level. */
export interface DayRun {
  label: number;
  d0: number;
  d1: number;
}

/** Adds `day` to the runs, extending the last one when it continues it. */
export function extendRuns(runs: DayRun[], label: number, day: number): void {
  const last = runs[runs.length - 1];
  if (last !== undefined && last.label === label && last.d1 === day) last.d1 = day + 1;
  else runs.push({ label, d0: day, d1: day + 1 });
}
