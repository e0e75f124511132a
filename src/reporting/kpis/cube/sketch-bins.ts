/**
 * Sketch counts per bin (core/aggregate/sketch.ts) as the cube keeps and returns them: sorted
 * parallel arrays rather than Maps, and a dense scratch accumulator that adds many of them up.
 */
import { binValue } from '../../../core/aggregate/index.js';

const VALUES = Float64Array.from({ length: 4096 }, (_, bin) => binValue(bin));

/** `binValue(bin)`, from a table for the bins durations fall in. */
export function valueOfBin(bin: number): number {
  return bin >= 0 && bin < VALUES.length ? VALUES[bin]! : binValue(bin);
}

/**
 * One group's sketch: counts per bin, ascending by bin, no zero counts. A ReadonlyMap, so
 * `sketchQuantile` reads it as it reads a Map; `quantile` gives the same answer without sorting.
 */
export class SketchBins implements ReadonlyMap<number, number> {
  constructor(
    readonly bins: Int32Array,
    readonly counts: Float64Array,
  ) {}

  get size(): number {
    return this.bins.length;
  }

  private indexOf(bin: number): number {
    let lo = 0;
    let hi = this.bins.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = this.bins[mid]!;
      if (b === bin) return mid;
      if (b < bin) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  get(bin: number): number | undefined {
    const i = this.indexOf(bin);
    return i < 0 ? undefined : this.counts[i];
  }

  has(bin: number): boolean {
    return this.indexOf(bin) >= 0;
  }

  *entries(): MapIterator<[number, number]> {
    for (let i = 0; i < this.bins.length; i++) yield [this.bins[i]!, this.counts[i]!];
  }

  *keys(): MapIterator<number> {
    for (let i = 0; i < this.bins.length; i++) yield this.bins[i]!;
  }

  *values(): MapIterator<number> {
    for (let i = 0; i < this.bins.length; i++) yield this.counts[i]!;
  }

  [Symbol.iterator](): MapIterator<[number, number]> {
    return this.entries();
  }

  forEach(fn: (count: number, bin: number, map: ReadonlyMap<number, number>) => void): void {
    for (let i = 0; i < this.bins.length; i++) fn(this.counts[i]!, this.bins[i]!, this);
  }

  /** `sketchQuantile(this, q)`, read from the sorted arrays: nearest rank over positive counts. */
  quantile(q: number): number | null {
    const { bins, counts } = this;
    let total = 0;
    for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) total += counts[i]!;
    if (total === 0) return null;
    const rank = Math.max(0, Math.ceil(q * total) - 1);
    let seen = 0;
    for (let i = 0; i < bins.length; i++) {
      const n = counts[i]!;
      if (n <= 0) continue;
      seen += n;
      if (seen > rank) return valueOfBin(bins[i]!);
    }
    return valueOfBin(bins[bins.length - 1]!);
  }
}

/** A growable list of (bin, count) pairs. */
export class BinList {
  n = 0;
  bins = new Int32Array(64);
  counts = new Float64Array(64);

  push(bin: number, count: number): void {
    if (this.n === this.bins.length) {
      const bins = new Int32Array(Math.max(8, this.n * 2));
      const counts = new Float64Array(bins.length);
      bins.set(this.bins);
      counts.set(this.counts);
      this.bins = bins;
      this.counts = counts;
    }
    this.bins[this.n] = bin;
    this.counts[this.n++] = count;
  }

  /** Adds `count` to `bin`, keeping the pairs ascending and summed (for a few pairs; zeros kept). */
  insert(bin: number, count: number): void {
    let i = this.n;
    while (i > 0 && this.bins[i - 1]! > bin) i--;
    if (i > 0 && this.bins[i - 1] === bin) {
      this.counts[i - 1]! += count;
      return;
    }
    this.push(0, 0);
    this.bins.copyWithin(i + 1, i, this.n - 1);
    this.counts.copyWithin(i + 1, i, this.n - 1);
    this.bins[i] = bin;
    this.counts[i] = count;
  }

  /**
   * `sketchQuantile` of the pairs (ascending by bin, summed) for each of `qs` (ascending) into
   * `out`; false when every count is zero (no sketch).
   */
  quantiles(qs: readonly number[], out: Array<number | null>): boolean {
    let total = 0;
    let last = -1;
    for (let i = 0; i < this.n; i++) {
      if (this.counts[i] !== 0) last = i;
      if (this.counts[i]! > 0) total += this.counts[i]!;
    }
    if (last < 0) return false;
    let j = 0;
    if (total === 0) for (; j < qs.length; j++) out[j] = null;
    let seen = 0;
    for (let i = 0; i <= last && j < qs.length; i++) {
      if (this.counts[i]! <= 0) continue;
      seen += this.counts[i]!;
      while (j < qs.length && seen > Math.max(0, Math.ceil(qs[j]! * total) - 1)) {
        out[j++] = valueOfBin(this.bins[i]!);
      }
    }
    for (; j < qs.length; j++) out[j] = valueOfBin(this.bins[last]!);
    return true;
  }

  /** Drops the spare capacity. */
  trim(): void {
    this.bins = this.bins.slice(0, this.n);
    this.counts = this.counts.slice(0, this.n);
  }

  /** The pairs as an independent SketchBins. */
  toSketch(): SketchBins {
    return new SketchBins(this.bins.slice(0, this.n), this.counts.slice(0, this.n));
  }
}

/**
 * Dense scratch counts over a window of bins, with the span of bins touched kept, so runs of
 * pairs add up without any lookup, and the sum is read back in bin order — as pairs (`drain`) or
 * straight as quantiles (`quantiles`). Either leaves the window all zero for the next group.
 */
export class BinAccumulator {
  private base = 0;
  private acc = new Float64Array(0);
  /** Touched window indices are within `[lo, hi]` (lo > hi: none). */
  private lo = Number.MAX_SAFE_INTEGER;
  private hi = -1;

  /** Makes the window cover bins `[lo, hi]` (only while empty). */
  cover(lo: number, hi: number): void {
    if (this.acc.length > 0 && lo >= this.base && hi < this.base + this.acc.length) return;
    const from = this.acc.length === 0 ? lo : Math.min(lo, this.base);
    const to = this.acc.length === 0 ? hi : Math.max(hi, this.base + this.acc.length - 1);
    const width = to - from + 1;
    if (width > 1 << 22) throw new RangeError(`sketch bins span ${width}: too wide for the cube`);
    this.base = from;
    this.acc = new Float64Array(width);
  }

  /** Adds `count` to `bin` (within the window). */
  add(bin: number, count: number): void {
    const i = bin - this.base;
    this.acc[i]! += count;
    if (i < this.lo) this.lo = i;
    if (i > this.hi) this.hi = i;
  }

  /** Adds the pairs `[s, e)` of `bins` / `counts`, ascending by bin. */
  addRun(bins: Int32Array, counts: Float64Array, s: number, e: number): void {
    if (s >= e) return;
    const { acc, base } = this;
    for (let j = s; j < e; j++) acc[bins[j]! - base]! += counts[j]!;
    if (bins[s]! - base < this.lo) this.lo = bins[s]! - base;
    if (bins[e - 1]! - base > this.hi) this.hi = bins[e - 1]! - base;
  }

  private reset(): void {
    if (this.hi >= this.lo) this.acc.fill(0, this.lo, this.hi + 1);
    this.lo = Number.MAX_SAFE_INTEGER;
    this.hi = -1;
  }

  /** Moves the non-zero sums into `out`, ascending by bin; the window is left at zero. */
  drain(out: BinList): void {
    const { acc, base } = this;
    for (let i = this.lo; i <= this.hi; i++) if (acc[i] !== 0) out.push(i + base, acc[i]!);
    this.reset();
  }

  /**
   * `sketchQuantile` of the sums for each of `qs` (ascending) into `out`, the window left at
   * zero. Returns false when every sum is zero (no sketch: the SQL path has no row for it).
   */
  quantiles(qs: readonly number[], out: Array<number | null>): boolean {
    const { acc, base, lo } = this;
    let last = this.hi;
    while (last >= lo && acc[last] === 0) last -= 1;
    if (last < lo) {
      this.reset();
      return false;
    }
    // Only positive counts count (a conditional move: the signs of sparse bins are unpredictable).
    let total = 0;
    for (let i = lo; i <= last; i++) {
      const n = acc[i]!;
      total += n > 0 ? n : 0;
    }
    let j = 0;
    if (total === 0) for (; j < qs.length; j++) out[j] = null;
    let rank = j < qs.length ? Math.max(0, Math.ceil(qs[j]! * total) - 1) : 0;
    let seen = 0;
    for (let i = lo; i <= last && j < qs.length; i++) {
      const n = acc[i]!;
      seen += n > 0 ? n : 0;
      // `seen` grows only at a positive count, so the first bin past the rank is positive.
      while (seen > rank && j < qs.length) {
        out[j++] = valueOfBin(i + base);
        if (j < qs.length) rank = Math.max(0, Math.ceil(qs[j]! * total) - 1);
      }
    }
    for (; j < qs.length; j++) out[j] = valueOfBin(last + base);
    this.reset();
    return true;
  }
}
