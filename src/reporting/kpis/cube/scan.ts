/**
 * Scans of the base level: the rows of one day's buckets, each added to the group of its
 * bucket's period — and, when the day's share of period `base` comes from the day level,
 * subtracted from that period's group, so the day level's whole-day figure keeps only the
 * buckets that are `base`'s.
 */
import type { Groups, Mask } from './groups.js';
import { passes } from './groups.js';
import type { Partition } from './partition.js';
import { BUCKETS_PER_DAY } from './types.js';

/** Where scanned rows go: `sign ×` a row's measures added to a group. */
export interface RowSink {
  add(part: Partition, r: number, g: number, sign: number): void;
}

/** Sums per group: `acc[g * M + m]`. */
export class SumSink implements RowSink {
  acc: Float64Array;

  constructor(private readonly M: number) {
    this.acc = new Float64Array(64 * M);
  }

  /** Makes room for groups below `n`. */
  reserve(n: number): void {
    if (n * this.M <= this.acc.length) return;
    const acc = new Float64Array(Math.max(n, (this.acc.length / this.M) * 2) * this.M);
    acc.set(this.acc);
    this.acc = acc;
  }

  add(part: Partition, r: number, g: number, sign: number): void {
    const M = this.M;
    if ((g + 1) * M > this.acc.length) this.reserve(g + 1);
    for (let m = 0; m < M; m++) this.acc[g * M + m]! += sign * part.meas[m]![r]!;
  }
}

/** Sketch counts as (group, bin, count) triples, to be ordered by group afterwards. */
export class TripleSink implements RowSink {
  n = 0;
  group = new Int32Array(256);
  bin = new Int32Array(256);
  count = new Float64Array(256);

  add(part: Partition, r: number, g: number, sign: number): void {
    if (this.n === this.group.length) {
      const grow = <T extends Int32Array | Float64Array>(a: T, b: T): T => (b.set(a), b);
      const size = this.n * 2;
      this.group = grow(this.group, new Int32Array(size));
      this.bin = grow(this.bin, new Int32Array(size));
      this.count = grow(this.count, new Float64Array(size));
    }
    this.group[this.n] = g;
    this.bin[this.n] = part.bin[r]!;
    this.count[this.n++] = sign * part.meas[0]![r]!;
  }

  /** Triple indices ordered by group: group g's are `order[starts[g] .. starts[g + 1])`. */
  byGroup(groups: number): { order: Int32Array; starts: Int32Array } {
    const starts = new Int32Array(groups + 1);
    for (let i = 0; i < this.n; i++) starts[this.group[i]! + 1]! += 1;
    for (let g = 0; g < groups; g++) starts[g + 1]! += starts[g]!;
    const next = starts.slice(0, groups);
    const order = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) order[next[this.group[i]!]!++] = i;
    return { order, starts };
  }
}

export class ScanContext {
  constructor(
    readonly groups: Groups,
    readonly masks: readonly Mask[],
    readonly sink: SumSink | TripleSink,
  ) {}

  /** One row of period offset `label`: added to it, subtracted from `base`'s. */
  visit(part: Partition, r: number, label: number, base: number): void {
    if (this.masks.length > 0 && !passes(this.masks, part, r)) return;
    const combo = this.groups.comboOf(part, r);
    if (label >= 0) this.sink.add(part, r, this.groups.slot(label, combo), 1);
    if (base >= 0) this.sink.add(part, r, this.groups.slot(base, combo), -1);
  }

  /** Rows `[rs, re)`, all of period offset `label`. */
  range(part: Partition, rs: number, re: number, label: number, base: number): void {
    for (let r = rs; r < re; r++) this.visit(part, r, label, base);
  }
}

/** Every row of a day wholly in period offset `label`. */
export function scanWhole(ctx: ScanContext, part: Partition, label: number): void {
  ctx.range(part, 0, part.length, label, -1);
}

/**
 * The rows of a split day's buckets whose period is not `base` (-1: every in-range bucket):
 * added to their period, subtracted from `base`'s.
 */
export function scanSplit(ctx: ScanContext, part: Partition, labels: Int32Array, base: number) {
  const { offsets } = part;
  for (let k = 0; k < BUCKETS_PER_DAY;) {
    const label = labels[k]!;
    let end = k + 1;
    while (end < BUCKETS_PER_DAY && labels[end] === label) end++;
    if (label !== base) ctx.range(part, offsets[k]!, offsets[end]!, label, base);
    k = end;
  }
  for (let r = part.sorted; r < part.length; r++) {
    const label = labels[part.bucket[r]!]!;
    if (label !== base) ctx.visit(part, r, label, base);
  }
}
