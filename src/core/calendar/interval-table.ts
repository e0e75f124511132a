/**
 * A sorted table of disjoint open intervals (instants) with prefix sums of their lengths.
 *
 * Why: with the cumulative open time before each interval precomputed, "open milliseconds before
 * t" is one binary search, and so is its inverse, "the first instant by which r open milliseconds
 * have passed". Business time between two instants, and adding business time, become subtraction
 * and addition of cumulative values: the cost does not depend on how many intervals lie between.
 * Typed arrays keep the table compact and the search monomorphic. A bucket index (how many
 * intervals start before each 1/256 of the table's span: 6 hours for a calendar chunk) narrows the
 * search for an instant to the few intervals of its bucket, so a lookup is a couple of loads
 * rather than nine unpredictable branches.
 */
const BUCKETS = 256;

export class IntervalTable {
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  /** Open milliseconds of the intervals before interval `i`. */
  readonly openBeforeIndex: Float64Array;
  /** Open milliseconds of the whole table. */
  readonly total: number;

  private readonly origin: number;
  private readonly bucketMs: number;
  /** `startsBefore[b]`: how many intervals start before `origin + b * bucketMs`. */
  private readonly startsBefore: Int32Array;

  /**
   * `merged` must be sorted, disjoint and non-touching (see `mergeIntervals`); `[origin,
   * origin + span)` is the stretch of time the table covers (lookups outside it still work).
   */
  constructor(merged: ReadonlyArray<readonly [number, number]>, origin: number, span: number) {
    const n = merged.length;
    this.starts = new Float64Array(n);
    this.ends = new Float64Array(n);
    this.openBeforeIndex = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const [start, end] = merged[i] ?? [0, 0];
      this.starts[i] = start;
      this.ends[i] = end;
      this.openBeforeIndex[i] = total;
      total += end - start;
    }
    this.total = total;
    this.origin = origin;
    this.bucketMs = span / BUCKETS;
    this.startsBefore = new Int32Array(BUCKETS + 1);
    let count = 0;
    for (let b = 0; b <= BUCKETS; b++) {
      const bucketStart = origin + b * this.bucketMs;
      while (count < n && this.starts[count]! < bucketStart) count++;
      this.startsBefore[b] = count;
    }
  }

  get size(): number {
    return this.starts.length;
  }

  /** Index of the last interval starting at or before `t`, or -1. */
  indexAt(t: number): number {
    const starts = this.starts;
    // The count of starts at or before t lies between the counts before t's bucket and after it;
    // one bucket of slack either side absorbs rounding in the division.
    const bucket = Math.floor((t - this.origin) / this.bucketMs);
    const below = bucket - 1;
    const above = bucket + 2;
    let lo =
      below <= 0 ? 0 : below >= BUCKETS ? this.startsBefore[BUCKETS]! : this.startsBefore[below]!;
    let hi =
      above > BUCKETS
        ? starts.length
        : above <= 0
          ? this.startsBefore[0]!
          : this.startsBefore[above]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Open milliseconds of the table before `t`. */
  openBefore(t: number): number {
    const i = this.indexAt(t);
    if (i < 0) return 0;
    const end = this.ends[i]!;
    return this.openBeforeIndex[i]! + (t < end ? t : end) - this.starts[i]!;
  }

  /** Whether `t` lies in an interval (open at a start, closed at an end). */
  contains(t: number): boolean {
    const i = this.indexAt(t);
    return i >= 0 && t < this.ends[i]!;
  }

  /**
   * The earliest instant by which `open` milliseconds of the table have passed, for
   * `0 < open <= total`: it lies inside an interval or at its end, never at a later opening.
   */
  instantAfterOpen(open: number): number {
    const before = this.openBeforeIndex;
    let lo = 0;
    let hi = before.length;
    // First interval whose cumulative end reaches `open`: last one with openBefore < open.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before[mid]! < open) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    return this.starts[i]! + (open - before[i]!);
  }

  /** The first interval start strictly after `t`, or `Infinity`. */
  nextStartAfter(t: number): number {
    const i = this.indexAt(t) + 1;
    return i < this.starts.length ? this.starts[i]! : Infinity;
  }
}
