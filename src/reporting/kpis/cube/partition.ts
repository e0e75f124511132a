/**
 * The base level of a cube: the ledger rows of one UTC day, as columns. Rows `[0, sorted)` are
 * ordered by bucket, so the rows of any bucket range are one slice (`offsets`); rows appended
 * since (`apply`, late events included) form an unordered tail until the next `compact`, which
 * orders them in and, with `dedupe`, folds each into the row of the same key and drops rows that
 * sum to zero — as the ledger's compaction does.
 */
import { BUCKETS_PER_DAY } from './types.js';

function grownInt32(a: Int32Array, capacity: number): Int32Array {
  const b = new Int32Array(capacity);
  b.set(a.subarray(0, Math.min(a.length, capacity)));
  return b;
}

function grownFloat64(a: Float64Array, capacity: number): Float64Array {
  const b = new Float64Array(capacity);
  b.set(a.subarray(0, Math.min(a.length, capacity)));
  return b;
}

export class Partition {
  length = 0;
  /** Rows `[0, sorted)` are in bucket order: bucket k's are `[offsets[k], offsets[k + 1])`. */
  sorted = 0;
  readonly offsets = new Int32Array(BUCKETS_PER_DAY + 1);
  /** The bucket of each row within the day (0–95). */
  bucket: Uint8Array;
  /** Dictionary ids, one column per dimension. */
  dims: Int32Array[];
  /** Sketch bin of each row (sketch kinds only; otherwise empty). */
  bin: Int32Array;
  /** One column per measure. */
  meas: Float64Array[];

  constructor(
    readonly day: number,
    nDims: number,
    nMeasures: number,
    private readonly sketch: boolean,
    capacity = 16,
  ) {
    this.bucket = new Uint8Array(capacity);
    this.dims = Array.from({ length: nDims }, () => new Int32Array(capacity));
    this.bin = new Int32Array(sketch ? capacity : 0);
    this.meas = Array.from({ length: nMeasures }, () => new Float64Array(capacity));
  }

  get capacity(): number {
    return this.bucket.length;
  }

  /** Rows appended since the last `compact`. */
  get tail(): number {
    return this.length - this.sorted;
  }

  private resize(capacity: number): void {
    const bucket = new Uint8Array(capacity);
    bucket.set(this.bucket.subarray(0, Math.min(this.length, capacity)));
    this.bucket = bucket;
    this.dims = this.dims.map((c) => grownInt32(c, capacity));
    if (this.sketch) this.bin = grownInt32(this.bin, capacity);
    this.meas = this.meas.map((c) => grownFloat64(c, capacity));
  }

  /** Appends a row to the tail. */
  push(bucket: number, ids: ArrayLike<number>, bin: number, values: ArrayLike<number>): void {
    if (this.length === this.capacity) this.resize(Math.max(16, Math.ceil(this.capacity * 1.5)));
    const r = this.length++;
    this.bucket[r] = bucket;
    for (let i = 0; i < this.dims.length; i++) this.dims[i]![r] = ids[i]!;
    if (this.sketch) this.bin[r] = bin;
    for (let m = 0; m < this.meas.length; m++) this.meas[m]![r] = values[m]!;
  }

  /** Whether rows `a` and `b` have the same key (dimension ids and bin; same bucket assumed). */
  private sameKey(a: number, b: number): boolean {
    if (this.sketch && this.bin[a] !== this.bin[b]) return false;
    for (const column of this.dims) if (column[a] !== column[b]) return false;
    return true;
  }

  /**
   * Folds every tail row into the first row of its key in its bucket (ordered rows first, then
   * earlier tail rows): that row takes its sums, the tail row is left at zero.
   */
  private foldTail(): void {
    const earlier = new Map<number, number[]>();
    for (let r = this.sorted; r < this.length; r++) {
      const k = this.bucket[r]!;
      let into = -1;
      for (let i = this.offsets[k]!; i < this.offsets[k + 1]! && into < 0; i++) {
        if (this.sameKey(i, r)) into = i;
      }
      const tail = earlier.get(k);
      for (let j = 0; tail !== undefined && j < tail.length && into < 0; j++) {
        if (this.sameKey(tail[j]!, r)) into = tail[j]!;
      }
      if (into < 0) {
        if (tail === undefined) earlier.set(k, [r]);
        else tail.push(r);
        continue;
      }
      for (const column of this.meas) {
        column[into]! += column[r]!;
        column[r] = 0;
      }
    }
  }

  /** Whether any measure of row `r` is non-zero. */
  private live(r: number): boolean {
    for (const column of this.meas) if (column[r] !== 0) return true;
    return false;
  }

  /** Row order by bucket (a counting sort, stable), without the rows `keep` refuses. */
  private order(keep: (r: number) => boolean): Int32Array {
    const starts = new Int32Array(BUCKETS_PER_DAY + 1);
    let n = 0;
    for (let r = 0; r < this.length; r++) {
      if (!keep(r)) continue;
      starts[this.bucket[r]! + 1]! += 1;
      n++;
    }
    for (let k = 0; k < BUCKETS_PER_DAY; k++) starts[k + 1]! += starts[k]!;
    const perm = new Int32Array(n);
    for (let r = 0; r < this.length; r++) if (keep(r)) perm[starts[this.bucket[r]!]!++] = r;
    return perm;
  }

  /**
   * Orders every row by bucket; with `dedupe`, folds the tail's rows into rows of the same key
   * and drops rows that sum to zero. Keeps `slack` spare rows of capacity per row.
   */
  compact(dedupe: boolean, slack = 0.125): void {
    if (dedupe) this.foldTail();
    const perm = this.order(dedupe ? (r) => this.live(r) : () => true);
    const n = perm.length;
    const capacity = Math.max(4, n + Math.ceil(n * slack));
    const bucket = new Uint8Array(capacity);
    const dims = this.dims.map(() => new Int32Array(capacity));
    const bin = new Int32Array(this.sketch ? capacity : 0);
    const meas = this.meas.map(() => new Float64Array(capacity));
    this.offsets.fill(0);
    for (let i = 0; i < n; i++) {
      const r = perm[i]!;
      bucket[i] = this.bucket[r]!;
      this.offsets[bucket[i]! + 1]! += 1;
      for (let d = 0; d < dims.length; d++) dims[d]![i] = this.dims[d]![r]!;
      if (this.sketch) bin[i] = this.bin[r]!;
      for (let m = 0; m < meas.length; m++) meas[m]![i] = this.meas[m]![r]!;
    }
    for (let k = 0; k < BUCKETS_PER_DAY; k++) this.offsets[k + 1]! += this.offsets[k]!;
    this.bucket = bucket;
    this.dims = dims;
    this.bin = bin;
    this.meas = meas;
    this.length = n;
    this.sorted = n;
  }
}
