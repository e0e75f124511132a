/**
 * Time-zone rules: UTC offsets of an IANA zone and the conversion of local wall-clock times to
 * instants with the "compatible" disambiguation of calendars.md (RFC 5545, java.time, Temporal):
 *
 * - a local time inside a spring-forward gap is read with the offset in force before the gap, so it
 *   moves forward by the gap's length (Warsaw 2026-03-29 02:30 becomes 03:30 CEST);
 * - a local time inside a fall-back fold takes the earlier instant (its first occurrence).
 *
 * Why a table: asking `Intl` (or luxon, which wraps it) for an offset costs microseconds, far too
 * much for the hot path and even for building interval tables. Offsets are therefore sampled once
 * per zone and per block of ~398 days (daily samples, each change bisected to the millisecond),
 * cached, and looked up by a map access plus a scan of the block's few transitions.
 */
import { DAY_MS, daysFromCivil } from './civil.js';

const BLOCK_MS = 2 ** 35;
const MAX_BLOCKS_PER_ZONE = 1024;

interface OffsetBlock {
  /** Transition instants inside the block, ascending. */
  readonly at: number[];
  /** `offsets[0]` is in force at the block start, `offsets[i + 1]` from `at[i]` on. */
  readonly offsets: number[];
}

export class ZoneRules {
  private readonly blocks = new Map<number, OffsetBlock>();
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly name: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** UTC offset in milliseconds (local − UTC) in force at instant `t`. */
  offsetAt(t: number): number {
    const index = Math.floor(t / BLOCK_MS);
    const block = this.blocks.get(index) ?? this.buildBlock(index);
    let offset = block.offsets[0] ?? 0;
    for (let i = 0; i < block.at.length; i++) {
      if (t < (block.at[i] ?? Infinity)) break;
      offset = block.offsets[i + 1] ?? offset;
    }
    return offset;
  }

  /**
   * The instant of local milliseconds `local`: the earlier instant in a fold, the offset before the
   * gap in a gap. Offsets a day before and after bound every candidate (as Temporal does).
   */
  localToInstant(local: number): number {
    const before = this.offsetAt(local - DAY_MS);
    const after = this.offsetAt(local + DAY_MS);
    const early = local - before;
    const late = local - after;
    const earlyValid = this.offsetAt(early) === before;
    const lateValid = this.offsetAt(late) === after;
    if (earlyValid && lateValid) return Math.min(early, late);
    if (earlyValid) return early;
    if (lateValid) return late;
    return early;
  }

  private buildBlock(index: number): OffsetBlock {
    const start = index * BLOCK_MS;
    const end = start + BLOCK_MS;
    const at: number[] = [];
    const offsets = [this.sampleOffset(start)];
    let previous = start;
    let previousOffset = offsets[0] ?? 0;
    for (let sample = start + DAY_MS; previous < end - 1; sample += DAY_MS) {
      const t = Math.min(sample, end - 1);
      const offset = this.sampleOffset(t);
      if (offset !== previousOffset) {
        at.push(this.bisectTransition(previous, t, previousOffset));
        offsets.push(offset);
      }
      previous = t;
      previousOffset = offset;
    }
    if (this.blocks.size >= MAX_BLOCKS_PER_ZONE) {
      const oldest = this.blocks.keys().next();
      if (oldest.done !== true) this.blocks.delete(oldest.value);
    }
    const block = { at, offsets };
    this.blocks.set(index, block);
    return block;
  }

  /** The first instant in `(lo, hi]` whose offset differs from `loOffset`. */
  private bisectTransition(lo: number, hi: number, loOffset: number): number {
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.sampleOffset(mid) === loOffset) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  /** The offset as `Intl` reports it (second precision, enough for every tz database offset). */
  private sampleOffset(t: number): number {
    const whole = Math.floor(t / 1000) * 1000;
    const parts: Record<string, number> = {};
    for (const part of this.format.formatToParts(whole)) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const local =
      daysFromCivil(parts.year ?? 0, parts.month ?? 1, parts.day ?? 1) * DAY_MS +
      ((parts.hour ?? 0) * 3600 + (parts.minute ?? 0) * 60 + (parts.second ?? 0)) * 1000;
    return local - whole;
  }
}

const zones = new Map<string, ZoneRules>();

/** The shared, lazily filled rules of zone `name` (an IANA name the caller has validated). */
export function zoneRules(name: string): ZoneRules {
  let rules = zones.get(name);
  if (!rules) {
    rules = new ZoneRules(name);
    zones.set(name, rules);
  }
  return rules;
}
