/**
 * The day level of a measure kind, for one grouping dimension (or none): every measure of every
 * value cumulated per UTC day — `data[m][v * (days + 1) + i]` is value v's sum of measure m over
 * the days before `dayBase + i` — so a sum over any days is two lookups. An add updates the
 * later days of its value (few for live ingest, whose rows are recent); a batch reaching far
 * back defers its adds and recomputes each touched value once (`flush`).
 */
export class DaySums {
  dayBase = 0;
  /** Days covered: each value's row holds `days + 1` cumulated sums. */
  days = 0;
  valCap = 0;
  data: Float64Array[];
  /** Deferred adds: value, day and measures, flattened. */
  private pending: number[] = [];

  constructor(private readonly nMeasures: number) {
    this.data = Array.from({ length: nMeasures }, () => new Float64Array(0));
  }

  private get stride(): number {
    return this.days + 1;
  }

  /** Makes room for value ids `[0, values)` and days `[first, last]`, re-laying out if needed. */
  reserve(values: number, first: number, last: number): void {
    const end = this.dayBase + this.days;
    const fits = this.days > 0 && first >= this.dayBase && last < end;
    if (fits && values <= this.valCap) return;
    let base = this.dayBase;
    let days = this.days;
    if (!fits && days === 0) {
      base = first;
      days = last - first + 1 + 32;
    } else if (!fits) {
      const slack = Math.max(32, days >> 2);
      base = first < base ? first - slack : base;
      days = (last >= end ? last + slack : end - 1) - base + 1;
    }
    const valCap = values <= this.valCap ? this.valCap : Math.max(values, this.valCap * 2, 4);
    const shift = this.dayBase - base;
    const stride = days + 1;
    this.data = this.data.map((old) => {
      const next = new Float64Array(valCap * stride);
      for (let v = 0; v < this.valCap && this.days > 0; v++) {
        const row = old.subarray(v * this.stride, (v + 1) * this.stride);
        next.set(row, v * stride + shift);
        next.fill(row[this.days]!, v * stride + shift + this.stride, (v + 1) * stride);
      }
      return next;
    });
    this.dayBase = base;
    this.days = days;
    this.valCap = valCap;
  }

  /**
   * Forgets the days before `day` (the cube's horizon moved): each value's row keeps its
   * cumulated sums from `day` on. They still count the days dropped, which changes no sum over
   * days from `day` on (a difference of two of them); earlier days are not asked of it.
   */
  trimBefore(day: number): void {
    const k = Math.min(day - this.dayBase, this.days);
    if (this.days === 0 || k <= 0) return;
    const stride = this.stride;
    const days = this.days - k;
    this.data = this.data.map((old) => {
      const next = new Float64Array(this.valCap * (days + 1));
      for (let v = 0; v < this.valCap; v++) {
        next.set(old.subarray(v * stride + k, (v + 1) * stride), v * (days + 1));
      }
      return next;
    });
    this.dayBase += k;
    this.days = days;
  }

  /** Adds `values` to value `v` on `day`; `deferred`: at the next `flush`. */
  add(v: number, day: number, values: ArrayLike<number>, deferred = false): void {
    this.reserve(v + 1, day, day);
    if (deferred) {
      this.pending.push(v, day);
      for (let m = 0; m < this.nMeasures; m++) this.pending.push(values[m]!);
      return;
    }
    const i = day - this.dayBase + 1;
    const start = v * this.stride;
    for (let m = 0; m < this.nMeasures; m++) {
      const column = this.data[m]!;
      const x = values[m]!;
      for (let at = start + i; at < start + this.stride; at++) column[at]! += x;
    }
  }

  /** Applies the deferred adds: each touched value's sums made daily, added to, cumulated. */
  flush(): void {
    const step = 2 + this.nMeasures;
    const touched = new Set<number>();
    for (let k = 0; k < this.pending.length; k += step) touched.add(this.pending[k]!);
    const stride = this.stride;
    for (const v of touched) this.spread(v * stride, stride, -1);
    for (let k = 0; k < this.pending.length; k += step) {
      const at = this.pending[k]! * stride + (this.pending[k + 1]! - this.dayBase + 1);
      for (let m = 0; m < this.nMeasures; m++) this.data[m]![at]! += this.pending[k + 2 + m]!;
    }
    for (const v of touched) this.spread(v * stride, stride, 1);
    this.pending = [];
  }

  /** Turns a value's row from daily sums into cumulated ones (1) or back (-1). */
  private spread(start: number, stride: number, direction: 1 | -1): void {
    for (const column of this.data) {
      if (direction === 1)
        for (let i = 1; i < stride; i++) column[start + i]! += column[start + i - 1]!;
      else for (let i = stride - 1; i > 0; i--) column[start + i]! -= column[start + i - 1]!;
    }
  }

  /** Bulk build: adds measure row `r` of `meas` to value `v` on `day` as a daily sum. */
  addDaily(v: number, day: number, meas: readonly Float64Array[], r: number): void {
    const at = v * this.stride + (day - this.dayBase + 1);
    for (let m = 0; m < this.nMeasures; m++) this.data[m]![at]! += meas[m]![r]!;
  }

  /** Bulk build: turns every value's daily sums (from `addDaily`) into cumulated ones. */
  cumulate(): void {
    for (let v = 0; v < this.valCap; v++) this.spread(v * this.stride, this.stride, 1);
  }

  /**
   * Adds the sums of days `[d0, d1)` of every value below `values` into `out[v * M + m]`;
   * returns whether any was non-zero.
   */
  sumRange(d0: number, d1: number, values: number, out: Float64Array): boolean {
    const at = (day: number) => Math.min(Math.max(day - this.dayBase, 0), this.days);
    const i0 = at(d0);
    const i1 = at(d1);
    if (i1 <= i0) return false;
    const M = this.nMeasures;
    const n = Math.min(values, this.valCap);
    let any = false;
    for (let m = 0; m < M; m++) {
      const column = this.data[m]!;
      for (let v = 0; v < n; v++) {
        const s = column[v * this.stride + i1]! - column[v * this.stride + i0]!;
        if (s !== 0) {
          out[v * M + m]! += s;
          any = true;
        }
      }
    }
    return any;
  }
}
