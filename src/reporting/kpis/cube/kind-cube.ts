/**
 * The cube of one rollup ledger (one kind) of one tenant: the base level (ledger rows as columns,
 * one partition per UTC day, dimension values dictionary-encoded) and the day level (per single
 * grouping dimension and for no grouping: every value's sums cumulated per day — day-sums.ts —
 * or, for a sketch kind, its counts per (day, bin) with block counts cumulated per day —
 * series.ts). Both are kept current by `apply` with the signed deltas ingest appends to the
 * ledger; `load` builds them in bulk from the ledger. Answers come from answer.ts.
 */
import {
  BUCKET_MS,
  type Contribution,
  type ContributionKind,
  type DimValue,
} from '../../../core/aggregate/index.js';
import { DaySums } from './day-sums.js';
import { Dictionary } from './dictionary.js';
import { Partition } from './partition.js';
import { buildDimSeries, DimSeries } from './series.js';
import { BinAccumulator } from './sketch-bins.js';
import { DAY_MS, dayOf, measureValue, specOf, type KindSpec } from './types.js';

/**
 * A day's tail is ordered in (and folded) once it holds more than this share of the ordered rows
 * and more than `minTail` rows.
 */
const TAIL_SHARE = 1 / 8;
/** Days of cumulated counts an `apply` may update row by row (summed over its rows). */
const BULK_REACH = 20_000;

export interface KindCubeOptions {
  /** Rows a day's tail may hold whatever its size (default 64; small values for tests). */
  minTail?: number;
  /** Days of cumulated figures an `apply` may update row by row (default 20,000). */
  bulkReach?: number;
}

export class KindCube {
  readonly spec: KindSpec;
  readonly dicts: Dictionary[];
  readonly parts = new Map<number, Partition>();
  /** Day-level sums per dimension; the last one is "no grouping" (measure kinds). */
  readonly sums: DaySums[];
  /** Day-level sketch series per dimension; the last one is "no grouping" (sketch kinds). */
  sketches: DimSeries[];
  /** The range of sketch bins seen. */
  binLo = 0;
  binHi = 0;
  /** Scratch counts for sketch sums (answers are synchronous, so one per cube suffices). */
  readonly scratch = new BinAccumulator();
  private readonly ids: Int32Array;
  private readonly values: Float64Array;
  private readonly minTail: number;
  private readonly bulkReach: number;
  /** The first UTC day held (`trimBefore`): rows of earlier days are dropped. */
  private horizon = -Infinity;

  constructor(kind: ContributionKind, options: KindCubeOptions = {}) {
    this.minTail = options.minTail ?? 64;
    this.bulkReach = options.bulkReach ?? BULK_REACH;
    this.spec = specOf(kind);
    const { dims, measures, sketch } = this.spec;
    this.dicts = dims.map(() => new Dictionary());
    this.sums = sketch ? [] : [...dims, null].map(() => new DaySums(measures.length));
    this.sketches = sketch ? [...dims, null].map(() => new DimSeries()) : [];
    this.ids = new Int32Array(dims.length);
    this.values = new Float64Array(measures.length);
  }

  /** Rows held in the base level. */
  get rows(): number {
    let n = 0;
    for (const p of this.parts.values()) n += p.length;
    return n;
  }

  private partition(day: number): Partition {
    let part = this.parts.get(day);
    if (part === undefined) {
      const { dims, measures, sketch } = this.spec;
      part = new Partition(day, dims.length, measures.length, sketch);
      this.parts.set(day, part);
      if (day > this.lastDay) this.lastDay = day;
    }
    return part;
  }

  /**
   * Encodes a row into `ids` / `values` (measures rounded as the ledger stores them) and
   * appends it to its day; returns the partition, or undefined for a row that adds nothing.
   */
  private append(c: Contribution): Partition | undefined {
    if (c.kind !== this.spec.kind)
      throw new Error(`a ${c.kind} row given to the ${this.spec.kind} cube`);
    const dims = c.dims as unknown as Record<string, unknown>;
    const measures = c.measures as unknown as Record<string, number | undefined>;
    let nonZero = false;
    this.spec.measures.forEach((m, i) => {
      this.values[i] = measureValue(measures[m]);
      if (this.values[i] !== 0) nonZero = true;
    });
    const day = dayOf(c.bucket);
    if (!nonZero || day < this.horizon) return undefined;
    this.spec.dims.forEach((d, i) => (this.ids[i] = this.dicts[i]!.idOf(dims[d] as DimValue)));
    const bin = this.spec.sketch ? Number(dims.bin) : 0;
    if (this.spec.sketch) this.coverBin(bin);
    const part = this.partition(day);
    part.push(Math.floor((c.bucket - day * DAY_MS) / BUCKET_MS), this.ids, bin, this.values);
    return part;
  }

  private coverBin(bin: number): void {
    if (!Number.isInteger(bin)) throw new Error(`sketch bin ${bin} is not an integer`);
    if (bin < this.binLo) this.binLo = bin;
    if (bin > this.binHi) this.binHi = bin;
  }

  /** Bulk build from batches of ledger rows (signed or compacted); replaces the day level. */
  async load(batches: AsyncIterable<readonly Contribution[]> | Iterable<readonly Contribution[]>) {
    for await (const batch of batches) for (const c of batch) this.append(c);
    for (const part of this.parts.values()) part.compact(false, 1 / 32);
    this.rebuildDayLevel();
  }

  /** The latest UTC day a row was held for (-Infinity when none yet). */
  lastDay = -Infinity;

  /**
   * Forgets the days before `day`, in both levels, and drops rows of those days from now on
   * (the tenant's horizon moved: tenant-cube.ts). Answers for days from `day` on are unchanged.
   */
  trimBefore(day: number): void {
    if (day <= this.horizon) return;
    this.horizon = day;
    for (const d of [...this.parts.keys()]) if (d < day) this.parts.delete(d);
    for (const level of this.sums) level.trimBefore(day);
    for (const level of this.sketches) level.trimBefore(day);
  }

  /** Builds the whole day level from the base level. */
  private rebuildDayLevel(): void {
    const days = [...this.parts.keys()];
    if (days.length === 0) return;
    if (this.spec.sketch) {
      this.rebuildSeries();
      return;
    }
    const first = days.reduce((a, b) => Math.min(a, b));
    const last = days.reduce((a, b) => Math.max(a, b));
    this.sums.forEach((s, i) => {
      s.reserve(i < this.dicts.length ? this.dicts[i]!.size : 1, first, last);
      s.data.forEach((column) => column.fill(0));
    });
    for (const part of this.parts.values()) {
      for (let r = 0; r < part.length; r++) {
        for (let i = 0; i < this.dicts.length; i++) {
          this.sums[i]!.addDaily(part.dims[i]![r]!, part.day, part.meas, r);
        }
        this.sums[this.dicts.length]!.addDaily(0, part.day, part.meas, r);
      }
    }
    for (const s of this.sums) s.cumulate();
  }

  /** Builds every dimension's sketch series from the base level. */
  private rebuildSeries(): void {
    const days = [...this.parts.values()].sort((a, b) => a.day - b.day);
    this.scratch.cover(this.binLo, this.binHi);
    this.sketches = this.sketches.map((_, i) =>
      i < this.dicts.length
        ? buildDimSeries(days, i, this.dicts[i]!.size, this.scratch)
        : buildDimSeries(days, null, 1, this.scratch),
    );
  }

  /**
   * Adds signed delta rows (as ingest appends them to the ledger) to both levels. The day
   * level's cumulated figures are updated row by row for rows near the last day (live ingest),
   * and recomputed once per touched value for a batch reaching far back (a recomputation).
   */
  apply(rows: readonly Contribution[]): void {
    let reach = 0;
    const level = this.spec.sketch ? this.sketches[0]! : this.sums[0]!;
    for (const c of rows) reach += Math.max(1, level.dayBase + level.days - dayOf(c.bucket));
    const deferred = reach > this.bulkReach;
    const days = new Set<number>();
    for (const c of rows) {
      const part = this.append(c);
      if (part === undefined) continue;
      days.add(part.day);
      if (this.spec.sketch) this.addSeries(part, part.length - 1, deferred);
      else this.addDaySums(part.day, deferred);
    }
    if (deferred) for (const level of [...this.sketches, ...this.sums]) level.flush();
    for (const day of days) {
      const part = this.parts.get(day)!;
      if (part.tail > Math.max(this.minTail, part.sorted * TAIL_SHARE)) part.compact(true);
    }
  }

  private addDaySums(day: number, deferred: boolean): void {
    for (let i = 0; i < this.dicts.length; i++) {
      this.sums[i]!.add(this.ids[i]!, day, this.values, deferred);
    }
    this.sums[this.dicts.length]!.add(0, day, this.values, deferred);
  }

  private addSeries(part: Partition, r: number, deferred: boolean): void {
    const bin = part.bin[r]!;
    const n = part.meas[0]![r]!;
    for (let i = 0; i < this.dicts.length; i++) {
      this.sketches[i]!.add(part.dims[i]![r]!, part.day, bin, n, deferred);
    }
    this.sketches[this.dicts.length]!.add(0, part.day, bin, n, deferred);
  }

  /** Bytes held in typed arrays (both levels), for monitoring. */
  bytes(): number {
    let n = 0;
    for (const p of this.parts.values()) {
      n += p.bucket.byteLength + p.bin.byteLength + p.offsets.byteLength;
      for (const c of p.dims) n += c.byteLength;
      for (const c of p.meas) n += c.byteLength;
    }
    for (const s of this.sums) for (const c of s.data) n += c.byteLength;
    for (const dim of this.sketches) {
      for (const value of dim.values) {
        n += value.cum.byteLength;
        for (const s of value.blocks) n += s.key.byteLength + s.count.byteLength;
      }
    }
    return n;
  }
}
