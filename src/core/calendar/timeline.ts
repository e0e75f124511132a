/**
 * The open intervals of a whole calendar, cut into fixed chunks of time and built on demand.
 *
 * Why: expanding local dates through the zone rules is far too slow for every `elapsed` call, and
 * the answer never changes, so each chunk (64 days of instants) is expanded once into an
 * `IntervalTable`. The chunks built so far form one contiguous range whose cumulative open time
 * before each chunk (`base`) is kept, so the open time before any instant is `base` plus one binary
 * search, wherever the instant is: a span of five years costs what a span of a day costs.
 *
 * Memory stays bounded: the per-chunk totals are a few bytes each, and full tables are kept for at
 * most `MAX_RESIDENT_TABLES` chunks (oldest built first evicted, rebuilt when needed again).
 */
import { DAY_MS } from './civil.js';
import type { IntervalTable } from './interval-table.js';

export const CHUNK_MS = 64 * DAY_MS;
const MAX_RESIDENT_TABLES = 128;

/** Builds the table of the open intervals within `[start, end)`. */
export type ChunkBuilder = (start: number, end: number) => IntervalTable;

export class Timeline {
  /** First and last chunk index of the contiguous range built so far (empty while `hi < lo`). */
  private lo = 0;
  private hi = -1;
  private base: number[] = [];
  private totals: number[] = [];
  private tables: Array<IntervalTable | undefined> = [];
  private readonly resident: number[] = [];

  constructor(private readonly buildChunk: ChunkBuilder) {}

  /** Open milliseconds in `[a, b)`, negative when `b < a`. */
  elapsed(a: number, b: number): number {
    const ka = Math.floor(a / CHUNK_MS);
    const kb = Math.floor(b / CHUNK_MS);
    if (ka < this.lo || kb < this.lo || ka > this.hi || kb > this.hi) {
      this.cover(Math.min(ka, kb), Math.max(ka, kb));
    }
    return this.openBefore(b, kb) - this.openBefore(a, ka);
  }

  /**
   * The earliest instant by which `d > 0` open milliseconds have passed since `t`, or `Infinity`
   * if they do not pass before `horizon` (after which the calendar is known to be closed).
   */
  add(t: number, d: number, horizon: number): number {
    const kt = Math.floor(t / CHUNK_MS);
    this.cover(kt, kt);
    const target = this.openBefore(t, kt) + d;
    let k = this.firstChunkReaching(target, kt);
    while (k < 0) {
      const next = this.hi + 1;
      if (next * CHUNK_MS > horizon) return Infinity;
      this.cover(next, next);
      k = this.firstChunkReaching(target, next);
    }
    return this.table(k).instantAfterOpen(target - this.base[k - this.lo]!);
  }

  /**
   * Builds at most `steps` chunks towards covering `[a, b]` (`a <= b`), nearest the built range
   * first; true once it is covered.
   */
  coverStep(a: number, b: number, steps: number): boolean {
    const ka = Math.floor(a / CHUNK_MS);
    const kb = Math.floor(b / CHUNK_MS);
    if (this.hi < this.lo) {
      this.cover(ka, Math.min(kb, ka + steps - 1));
      return this.lo <= ka && this.hi >= kb;
    }
    if (ka < this.lo) {
      this.cover(Math.max(ka, this.lo - steps), this.hi);
    } else if (kb > this.hi) {
      this.cover(this.lo, Math.min(kb, this.hi + steps));
    }
    return this.lo <= ka && this.hi >= kb;
  }

  /**
   * Builds at most `steps` chunks towards answering `add(t, d, horizon)` from built chunks (`t`
   * itself covered); true once it can be.
   */
  addStep(t: number, d: number, horizon: number, steps: number): boolean {
    const kt = Math.floor(t / CHUNK_MS);
    if (!this.coverStep(t, t, steps)) return false;
    const target = this.openBefore(t, kt) + d;
    for (let i = 0; i < steps; i++) {
      if (this.firstChunkReaching(target, kt) >= 0) return true;
      const next = this.hi + 1;
      if (next * CHUNK_MS > horizon) return true;
      this.cover(next, next);
    }
    return this.firstChunkReaching(target, kt) >= 0;
  }

  /** `t` if open, else the next opening before `horizon`, else `Infinity`. */
  nextOpen(t: number, horizon: number): number {
    const kt = Math.floor(t / CHUNK_MS);
    this.cover(kt, kt);
    const table = this.table(kt);
    if (table.contains(t)) return t;
    const next = table.nextStartAfter(t);
    if (next !== Infinity) return next;
    for (let k = kt + 1; k * CHUNK_MS <= horizon; k++) {
      this.cover(k, k);
      if (this.totals[k - this.lo]! > 0) return this.table(k).starts[0]!;
    }
    return Infinity;
  }

  isOpen(t: number): boolean {
    const k = Math.floor(t / CHUNK_MS);
    this.cover(k, k);
    return this.table(k).contains(t);
  }

  /** Open intervals within `[a, b)` (`a < b`), clipped, with pieces touching at chunk ends joined. */
  openIntervals(a: number, b: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const last = Math.floor(b / CHUNK_MS);
    for (let k = Math.floor(a / CHUNK_MS); k <= last; k++) {
      this.cover(k, k);
      const table = this.table(k);
      for (let i = Math.max(0, table.indexAt(a)); i < table.size; i++) {
        const start = Math.max(a, table.starts[i]!);
        const end = Math.min(b, table.ends[i]!);
        if (start >= b) break;
        if (end <= start) continue;
        const previous = out[out.length - 1];
        if (previous && previous[1] === start) previous[1] = end;
        else out.push([start, end]);
      }
    }
    return out;
  }

  private openBefore(t: number, k: number): number {
    const index = k - this.lo;
    const table = this.tables[index] ?? this.table(k);
    return this.base[index]! + table.openBefore(t);
  }

  /** The first chunk from `from` (built) whose cumulative end reaches `target`, or -1. */
  private firstChunkReaching(target: number, from: number): number {
    let lo = from - this.lo;
    let hi = this.hi - this.lo + 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.base[mid]! + this.totals[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo <= this.hi - this.lo ? lo + this.lo : -1;
  }

  private table(k: number): IntervalTable {
    const index = k - this.lo;
    const cached = this.tables[index];
    if (cached) return cached;
    const table = this.buildChunk(k * CHUNK_MS, (k + 1) * CHUNK_MS);
    this.keep(k, table);
    return table;
  }

  private keep(k: number, table: IntervalTable): void {
    this.tables[k - this.lo] = table;
    this.resident.push(k);
    if (this.resident.length > MAX_RESIDENT_TABLES) {
      const evicted = this.resident.shift()!;
      this.tables[evicted - this.lo] = undefined;
    }
  }

  /** Extends the built range to include chunks `from..to`. */
  private cover(from: number, to: number): void {
    if (this.hi < this.lo) {
      this.lo = from;
      this.hi = from - 1;
    }
    if (from < this.lo) this.prepend(from);
    for (let k = this.hi + 1; k <= to; k++) this.append(k);
  }

  private append(k: number): void {
    const table = this.buildChunk(k * CHUNK_MS, (k + 1) * CHUNK_MS);
    const index = k - this.lo;
    const previous = index - 1;
    this.base[index] = previous >= 0 ? this.base[previous]! + this.totals[previous]! : 0;
    this.totals[index] = table.total;
    this.hi = k;
    this.keep(k, table);
  }

  private prepend(from: number): void {
    const built: IntervalTable[] = [];
    for (let k = from; k < this.lo; k++)
      built.push(this.buildChunk(k * CHUNK_MS, (k + 1) * CHUNK_MS));
    this.totals = built.map((table) => table.total).concat(this.totals);
    this.tables = new Array<IntervalTable | undefined>(built.length)
      .fill(undefined)
      .concat(this.tables);
    this.lo = from;
    this.base = [];
    let sum = 0;
    for (const total of this.totals) {
      this.base.push(sum);
      sum += total;
    }
    // The chunks nearest the old range are the likeliest to be read next: keep those.
    built.slice(-MAX_RESIDENT_TABLES).forEach((table, i, kept) => {
      this.keep(this.lo + built.length - kept.length + i, table);
    });
  }
}
