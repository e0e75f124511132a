/**
 * `compileCalendar`: a calendar's versions → the `BusinessCalendar` every metric uses.
 *
 * Definition (calendars.md, "Versions" and "Arithmetic"):
 * - the version in force at instant t is the latest whose `effectiveFrom <= t` (ties: the higher
 *   version number); before the first version, the first version;
 * - business time is real elapsed time inside open intervals; a version boundary cuts intervals,
 *   so each side of it is counted by its own version;
 * - `elapsed(a, b)` counts `[a, b)` and is antisymmetric; `add(t, d)` is the earliest `u >= t` with
 *   `elapsed(t, u) = d`, so it stops at a closing instant rather than at the next opening;
 * - `nextOpen(t)` is `t` when open; `Infinity` (from `add` too) when the calendar never opens again.
 *
 * Instants must lie in [CALENDAR_MIN_INSTANT, CALENDAR_MAX_INSTANT] (1970 to 2300): inputs are bounded to the years
 * 1970–2199 (core/domain.ts) and a due date may fall up to a century after them; beyond, `add`
 * answers `Infinity`. A bounded range keeps every table build bounded.
 */
import { DAY_MS } from './civil.js';
import {
  compileDefinition,
  expandLocalDays,
  mergeIntervals,
  type CompiledDefinition,
} from './expand.js';
import { IntervalTable } from './interval-table.js';
import { Timeline } from './timeline.js';
import type { BusinessCalendar, CalendarDefinition, CalendarVersion } from './types.js';
import { validateCalendarDefinition } from './validate.js';

export const CALENDAR_MIN_INSTANT = Date.UTC(1970, 0, 1);
export const CALENDAR_MAX_INSTANT = Date.UTC(2300, 0, 1);

/**
 * Chunks built per `prepare` step: about four months, whose first build (zone rules, at most two
 * years of public holidays) takes a few milliseconds.
 */
const PREPARE_CHUNKS = 2;

/** A version with the half-open span of instants it governs. */
interface VersionSpan {
  readonly version: number;
  readonly from: number;
  readonly until: number;
  readonly definition: CompiledDefinition;
}

export function checkInstant(t: number, what = 'instant'): void {
  if (!(t >= CALENDAR_MIN_INSTANT && t <= CALENDAR_MAX_INSTANT)) {
    throw new RangeError(`${what} ${t} is outside the supported range (years 1970–2299)`);
  }
}

function checkedDefinition(definition: CalendarDefinition, version: number): CalendarDefinition {
  const result = validateCalendarDefinition(definition);
  if (result.ok) return result.value;
  const detail = result.errors.map((error) => `${error.path || '/'}: ${error.message}`).join('; ');
  throw new TypeError(`calendar version ${version} is invalid: ${detail}`);
}

function versionSpans(versions: readonly CalendarVersion[]): VersionSpan[] {
  if (versions.length === 0) throw new RangeError('a calendar needs at least one version');
  if (versions.some((v) => Number.isNaN(v.effectiveFrom)))
    throw new RangeError('effectiveFrom is NaN');
  const sorted = [...versions].sort(
    (x, y) => x.effectiveFrom - y.effectiveFrom || x.version - y.version,
  );
  return sorted.map((v, i) => ({
    version: v.version,
    from: i === 0 ? -Infinity : v.effectiveFrom,
    until: sorted[i + 1]?.effectiveFrom ?? Infinity,
    definition: compileDefinition(checkedDefinition(v.definition, v.version)),
  }));
}

/**
 * The open intervals of `[start, end)`. Local dates from 4 days before to 2 days after are
 * expanded: a date's intervals can begin up to ~15 h before its UTC midnight and, crossing
 * midnight through a gap as long as a day (Samoa 2011), end more than two days after it.
 */
function buildChunk(spans: readonly VersionSpan[], start: number, end: number): IntervalTable {
  const pieces: Array<[number, number]> = [];
  for (const span of spans) {
    const from = Math.max(start, span.from);
    const until = Math.min(end, span.until);
    if (from >= until) continue;
    const firstDay = Math.floor(from / DAY_MS) - 4;
    const lastDay = Math.floor(until / DAY_MS) + 2;
    expandLocalDays(span.definition, firstDay, lastDay, from, until, pieces);
  }
  return new IntervalTable(mergeIntervals(pieces), start, end - start);
}

/** The instant after which nothing is open (`Infinity` when the last version has weekly hours). */
function closedForeverAfter(spans: readonly VersionSpan[]): number {
  const last = spans[spans.length - 1];
  if (!last) return -Infinity;
  if (last.definition.hasWeeklyHours) return Infinity;
  // An exception date's hours end by its local midnight + 2 days, i.e. within 4 days in UTC.
  return Math.max(last.from, (last.definition.lastExceptionDayWithHours + 4) * DAY_MS);
}

class CompiledCalendar implements BusinessCalendar {
  private readonly timeline: Timeline;
  private readonly horizon: number;
  private readonly starts: number[];

  constructor(private readonly spans: readonly VersionSpan[]) {
    this.timeline = new Timeline((start, end) => buildChunk(spans, start, end));
    this.horizon = Math.min(closedForeverAfter(spans), CALENDAR_MAX_INSTANT);
    this.starts = spans.map((span) => span.from);
  }

  elapsed(a: number, b: number): number {
    checkInstant(a);
    checkInstant(b);
    return a === b ? 0 : this.timeline.elapsed(a, b);
  }

  add(t: number, d: number): number {
    checkInstant(t);
    if (!(d >= 0)) throw new RangeError(`duration ${d} must be >= 0`);
    if (d === 0) return t;
    if (d === Infinity) return Infinity;
    return this.timeline.add(t, d, this.horizon);
  }

  nextOpen(t: number): number {
    checkInstant(t);
    return this.timeline.nextOpen(t, this.horizon);
  }

  isOpen(t: number): boolean {
    checkInstant(t);
    return this.timeline.isOpen(t);
  }

  openIntervals(a: number, b: number): Array<[number, number]> {
    checkInstant(a);
    checkInstant(b);
    return a < b ? this.timeline.openIntervals(a, b) : [];
  }

  prepare(a: number, b: number, d = 0): boolean {
    checkInstant(a);
    checkInstant(b);
    const from = Math.min(a, b);
    const to = Math.max(a, b);
    if (!this.timeline.coverStep(from, to, PREPARE_CHUNKS)) return false;
    return d > 0 && d !== Infinity
      ? this.timeline.addStep(to, d, this.horizon, PREPARE_CHUNKS)
      : true;
  }

  versionAt(t: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return this.spans[Math.max(0, lo - 1)]!.version;
  }
}

/**
 * Compiles a calendar from its versions (any order). Definitions are re-validated (TypeError when
 * one is invalid); the result is immutable in behaviour and caches its interval tables lazily.
 */
export function compileCalendar(versions: readonly CalendarVersion[]): BusinessCalendar {
  return new CompiledCalendar(versionSpans(versions));
}
