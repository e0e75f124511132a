/**
 * The in-memory aggregate store ("cube") of one rollup ledger of one tenant: what it holds and
 * what it answers. The cube answers the questions `sumRollup` / `sumSketch`
 * (storage/kpi.repository.ts) ask of PostgreSQL — sums over the 15-minute buckets of `[from, to)`
 * per period and group — from the same rows, kept in memory.
 */
import {
  BUCKET_MS,
  DIM_NAMES,
  MEASURE_NAMES,
  type ContributionKind,
} from '../../../core/aggregate/index.js';
import type { GroupedQuery } from '../../../storage/kpi.repository.js';

export const DAY_MS = 86_400_000;
/** 15-minute buckets per UTC day. */
export const BUCKETS_PER_DAY = DAY_MS / BUCKET_MS;

/** The same question the SQL path answers. */
export type CubeQuery = GroupedQuery;

/** One kind's columns: its grouping dimensions (without `bin`) and its summed measures. */
export interface KindSpec {
  kind: ContributionKind;
  /** Dimensions, in DIM_NAMES order, without the sketch `bin`. */
  dims: readonly string[];
  measures: readonly string[];
  /** A quantile sketch kind: rows carry a `bin` and count `n`. */
  sketch: boolean;
}

export function specOf(kind: ContributionKind): KindSpec {
  const all = DIM_NAMES[kind];
  const sketch = all.includes('bin');
  return {
    kind,
    dims: all.filter((d) => d !== 'bin'),
    measures: MEASURE_NAMES[kind],
    sketch,
  };
}

/** A measure as the ledger stores it: an integer (ms for durations), 0 when not finite. */
export function measureValue(v: number | undefined): number {
  const r = Math.round(v ?? 0);
  return Number.isFinite(r) ? r : 0;
}

/** The UTC day (days since the epoch) of an instant. */
export function dayOf(at: number): number {
  return Math.floor(at / DAY_MS);
}

/** Index of the last of `starts` at or before `at` (SQL's `width_bucket` − 1; -1 if none). */
export function startIndex(starts: readonly number[] | null, at: number): number {
  if (starts === null) return 0;
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
