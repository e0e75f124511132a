/**
 * The day level of a sketch kind, for one grouping dimension (or none). Bins are cut into
 * blocks of 32; for every (value, block) a series holds the counts per (day, bin), sorted by day
 * then bin, and every value keeps its blocks' counts cumulated per day in one day-major matrix —
 * so the counts of all a value's blocks over any days are two contiguous rows, and a block's
 * bins over any days one binary search away. A quantile then reads the counts of a group's
 * blocks, and the bins of only the block where its rank falls.
 */
export const BLOCK_SHIFT = 5;
export const BLOCK = 1 << BLOCK_SHIFT;
const MAX_COUNT = 2 ** 31 - 1;

function grow(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a.subarray(0, Math.min(a.length, size)));
  return b;
}

/** One (value, block): its counts per (day, bin) as `key = day × 32 + offset`, ascending. */
export class BlockSeries {
  n = 0;
  key: Int32Array = new Int32Array(4);
  count: Int32Array = new Int32Array(4);

  constructor(readonly block: number) {}

  /** The first entry whose key is `key` or above. */
  private lowerKey(key: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.key[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first entry on or after `day`. */
  lowerBound(day: number): number {
    return this.lowerKey(day * BLOCK);
  }

  /** Appends an entry after every other (bulk build, in (day, bin) order). */
  push(day: number, off: number, count: number): void {
    if (this.n === this.key.length) this.resize(this.n * 2);
    this.key[this.n] = day * BLOCK + off;
    this.count[this.n++] = checked(count);
  }

  /** Drops the entries of days before `day`; returns how many of them were below zero. */
  dropBefore(day: number): number {
    const k = this.lowerBound(day);
    if (k === 0) return 0;
    let negative = 0;
    for (let i = 0; i < k; i++) if (this.count[i]! < 0) negative++;
    this.key.copyWithin(0, k, this.n);
    this.count.copyWithin(0, k, this.n);
    this.n -= k;
    if (this.key.length > 64 && this.n < this.key.length >> 2) this.resize(this.n * 2);
    return negative;
  }

  resize(size: number): void {
    this.key = grow(this.key, size);
    this.count = grow(this.count, size);
  }

  /**
   * Adds `count` to (day, off): updates or inserts the entry (removing it at zero). Returns the
   * change in entries below zero (-1, 0 or 1).
   */
  add(day: number, off: number, count: number): number {
    const key = day * BLOCK + off;
    const i = this.lowerKey(key);
    if (i < this.n && this.key[i] === key) {
      const before = this.count[i]!;
      const after = checked(before + count);
      if (after === 0) {
        this.key.copyWithin(i, i + 1, this.n);
        this.count.copyWithin(i, i + 1, this.n);
        this.n--;
      } else this.count[i] = after;
      return (after < 0 ? 1 : 0) - (before < 0 ? 1 : 0);
    }
    if (this.n === this.key.length) this.resize(this.n + (this.n >> 2) + 4);
    this.key.copyWithin(i + 1, i, this.n);
    this.count.copyWithin(i + 1, i, this.n);
    this.key[i] = key;
    this.count[i] = checked(count);
    this.n++;
    return count < 0 ? 1 : 0;
  }
}

function checked(v: number): number {
  if (Math.abs(v) > MAX_COUNT) throw new RangeError('sketch counts too large for the cube');
  return v;
}

/**
 * One value's series, ascending by block, and their counts cumulated per day:
 * `cum[i * width + b]` is block b's count on the days before `dayBase + i`.
 */
export class ValueSeries {
  blocks: BlockSeries[] = [];
  width = 0;
  cum = new Int32Array(0);

  /** The index of `block` among the blocks, added (in order) when new. */
  indexOf(block: number, days: number): number {
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.blocks[mid]!.block < block) lo = mid + 1;
      else hi = mid;
    }
    if (this.blocks[lo]?.block === block) return lo;
    this.blocks.splice(lo, 0, new BlockSeries(block));
    const width = this.blocks.length;
    const cum = new Int32Array((days + 1) * width);
    for (let i = 0; i <= days; i++) {
      for (let b = 0; b < this.width; b++) {
        cum[i * width + (b < lo ? b : b + 1)] = this.cum[i * this.width + b] ?? 0;
      }
    }
    this.cum = cum;
    this.width = width;
    return lo;
  }

  /** Lays `cum` out for `days` days from `shift` days before the current first one. */
  relay(days: number, shift: number): void {
    const { width } = this;
    const old = this.cum;
    const rows = old.length / Math.max(width, 1);
    const cum = new Int32Array((days + 1) * width);
    if (width > 0 && rows > 0) {
      cum.set(old, shift * width);
      const last = old.subarray(old.length - width);
      for (let i = shift + rows; i <= days; i++) cum.set(last, i * width);
    }
    this.cum = cum;
  }

  /** Drops the first `k` days of `cum` (it then starts `k` days later). */
  trimFront(k: number): void {
    this.cum = this.cum.slice(k * this.width);
  }

  /** Recomputes `cum` from the entries (days from `dayBase`, `days` of them). */
  cumulate(dayBase: number, days: number): void {
    const { width } = this;
    const cum = new Int32Array((days + 1) * width);
    this.blocks.forEach((s, b) => {
      for (let i = 0; i < s.n; i++) {
        const at = ((s.key[i]! >> BLOCK_SHIFT) - dayBase + 1) * width + b;
        cum[at] = checked(cum[at]! + s.count[i]!);
      }
    });
    for (let i = width; i < cum.length; i++) cum[i] = checked(cum[i]! + cum[i - width]!);
    this.cum = cum;
  }
}

export class DimSeries {
  /** Day index 0 of every `cum`, and how many days they cover. */
  dayBase = 0;
  days = 0;
  values: ValueSeries[] = [];
  /** Entries below zero (a withdrawal ahead of what it withdraws): quantiles then go exact. */
  negatives = 0;
  /** Values whose `cum` waits for `flush` (bulk adds). */
  private readonly stale = new Set<number>();

  valueOf(v: number): ValueSeries {
    while (this.values.length <= v) this.values.push(new ValueSeries());
    return this.values[v]!;
  }

  /** Makes `cum` cover `[first, last]`, with room to grow; re-lays every series when needed. */
  cover(first: number, last: number): void {
    if (this.days > 0 && first >= this.dayBase && last < this.dayBase + this.days) return;
    const slack = 64;
    const base = this.days === 0 ? first : Math.min(first - slack, this.dayBase);
    const end = this.days === 0 ? last + slack : Math.max(last + slack, this.dayBase + this.days);
    const shift = this.days === 0 ? 0 : this.dayBase - base;
    for (const value of this.values) value.relay(end - base, shift);
    this.dayBase = base;
    this.days = end - base;
  }

  /**
   * Forgets the days before `day` (the cube's horizon moved): their entries, and their rows of
   * the cumulated counts. The rows kept still count the days dropped, which changes no count over
   * days from `day` on; earlier days are not asked of it.
   */
  trimBefore(day: number): void {
    const k = Math.min(day - this.dayBase, this.days);
    if (this.days === 0 || k <= 0) return;
    for (const value of this.values) {
      for (const s of value.blocks) this.negatives -= s.dropBefore(day);
      value.trimFront(k);
    }
    this.dayBase += k;
    this.days -= k;
  }

  /**
   * Adds `count` to (value, day, bin). `deferred`: the value's cumulated counts are brought up
   * to date by `flush` (once for many adds to old days, rather than every later day each time).
   */
  add(v: number, day: number, bin: number, count: number, deferred = false): void {
    if (count === 0) return;
    this.cover(day, day);
    const value = this.valueOf(v);
    const b = value.indexOf(bin >> BLOCK_SHIFT, this.days);
    this.negatives += value.blocks[b]!.add(day, bin & (BLOCK - 1), count);
    if (deferred) {
      this.stale.add(v);
      return;
    }
    const { cum, width } = value;
    for (let at = (day - this.dayBase + 1) * width + b; at < cum.length; at += width) {
      cum[at] = checked(cum[at]! + count);
    }
  }

  /** Recomputes the cumulated counts of the values `add` deferred. */
  flush(): void {
    for (const v of this.stale) this.values[v]!.cumulate(this.dayBase, this.days);
    this.stale.clear();
  }

  /** Cumulative index of `day` (clamped to the days covered). */
  at(day: number): number {
    return Math.min(Math.max(day - this.dayBase, 0), this.days);
  }
}

/** What a bulk build reads: one UTC day's ledger rows of a sketch kind (a Partition). */
export interface DayRows {
  day: number;
  length: number;
  bin: Int32Array;
  dims: readonly Int32Array[];
  /** `meas[0]`: the counts (`n`). */
  meas: readonly Float64Array[];
}

/** Sums per bin, read back ascending (the cube's scratch accumulator). */
export interface BinSummer {
  add(bin: number, count: number): void;
  drain(out: { push(bin: number, count: number): void }): void;
}

/**
 * Builds dimension `dim`'s series (null: no dimension) from every day's rows (`days` ascending
 * by day): per day, the rows are sorted by value, each value's bins summed in `summer`.
 */
export function buildDimSeries(
  days: readonly DayRows[],
  dimIndex: number | null,
  values: number,
  summer: BinSummer,
): DimSeries {
  const dim = new DimSeries();
  if (days.length === 0) return dim;
  dim.cover(days[0]!.day, days[days.length - 1]!.day);
  let day = 0;
  const emit = {
    push: (bin: number, count: number) => {
      const value = dim.valueOf(emit.v);
      const s = value.blocks[value.indexOf(bin >> BLOCK_SHIFT, 0)]!;
      s.push(day, bin & (BLOCK - 1), count);
      if (count < 0) dim.negatives++;
    },
    v: 0,
  };
  for (const rows of days) {
    day = rows.day;
    const ids = dimIndex === null ? null : rows.dims[dimIndex]!;
    const counts = rows.meas[0]!;
    const card = ids === null ? 1 : values;
    const starts = new Int32Array(card + 1);
    for (let r = 0; r < rows.length; r++) starts[(ids === null ? 0 : ids[r]!) + 1]! += 1;
    for (let v = 0; v < card; v++) starts[v + 1]! += starts[v]!;
    const next = starts.slice(0, card);
    const perm = new Int32Array(rows.length);
    for (let r = 0; r < rows.length; r++) perm[next[ids === null ? 0 : ids[r]!]!++] = r;
    for (let v = 0; v < card; v++) {
      if (starts[v] === starts[v + 1]) continue;
      for (let i = starts[v]!; i < starts[v + 1]!; i++) {
        summer.add(rows.bin[perm[i]!]!, counts[perm[i]!]!);
      }
      emit.v = v;
      summer.drain(emit);
    }
  }
  for (const value of dim.values) {
    for (const s of value.blocks) s.resize(s.n);
    value.cumulate(dim.dayBase, dim.days);
  }
  return dim;
}
