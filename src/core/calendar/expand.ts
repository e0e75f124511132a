/**
 * Expansion of one calendar definition into open intervals in UTC, local date by local date.
 *
 * This is the single place where calendars.md's day rules live:
 * - each local date takes its weekly intervals, or its exception's hours if an exception names the
 *   date, or nothing if it is a public holiday without an exception;
 * - an interval belongs to the date it starts on: `end <= start` runs into the next date and `24:00`
 *   is the next local midnight, so a crossing interval from the previous date still runs into an
 *   exception or holiday date;
 * - both ends go through the zone rules separately (gap → forward, fold → earlier instant), so
 *   00:00–24:00 lasts 23 h or 25 h on DST days and an interval may come out empty (02:00–03:00 on
 *   a spring-forward day in Warsaw);
 * - the union of everything is taken by the caller (`mergeIntervals`), so overlaps, including those
 *   between a crossing interval and the next date's intervals, count once.
 */
import { civilFromDays, DAY_MS, parseLocalDate, parseTimeOfDay, weekdayOf } from './civil.js';
import { publicHolidayDays } from './holidays.js';
import { WEEKDAYS, type CalendarDefinition, type LocalInterval } from './types.js';
import { zoneRules, type ZoneRules } from './zone-rules.js';

/** Milliseconds from the start of its local date; `end > start`, `end` up to 2 days for crossings. */
export interface DayInterval {
  readonly start: number;
  readonly end: number;
}

export interface CompiledDefinition {
  readonly zone: ZoneRules;
  /** Index 0 = Monday. */
  readonly weekly: ReadonlyArray<readonly DayInterval[]>;
  readonly exceptions: ReadonlyMap<number, readonly DayInterval[]>;
  readonly holidays: { readonly country: string; readonly region: string | undefined } | null;
  /** Whether any weekday has hours: if so, the calendar opens again every week, forever. */
  readonly hasWeeklyHours: boolean;
  /** The latest exception date (day number) with hours, `-Infinity` if none. */
  readonly lastExceptionDayWithHours: number;
}

function toDayIntervals(pairs: readonly LocalInterval[]): DayInterval[] {
  return pairs.map(([startText, endText]) => {
    const start = parseTimeOfDay(startText, false);
    const end = parseTimeOfDay(endText, true);
    if (start === null || end === null)
      throw new RangeError(`bad interval ${startText}–${endText}`);
    return { start, end: end <= start ? end + DAY_MS : end };
  });
}

/** Turns a validated definition into the numeric form the expansion reads. */
export function compileDefinition(definition: CalendarDefinition): CompiledDefinition {
  const weekly = WEEKDAYS.map((day) => toDayIntervals(definition.weekly[day] ?? []));
  const exceptions = new Map<number, DayInterval[]>();
  let lastExceptionDayWithHours = -Infinity;
  for (const exception of definition.exceptions ?? []) {
    const day = parseLocalDate(exception.date);
    if (day === null) throw new RangeError(`bad exception date ${exception.date}`);
    exceptions.set(day, toDayIntervals(exception.hours));
    if (exception.hours.length > 0)
      lastExceptionDayWithHours = Math.max(lastExceptionDayWithHours, day);
  }
  const holidays = definition.holidays
    ? { country: definition.holidays.country, region: definition.holidays.region }
    : null;
  return {
    zone: zoneRules(definition.timezone),
    weekly,
    exceptions,
    holidays,
    hasWeeklyHours: weekly.some((intervals) => intervals.length > 0),
    lastExceptionDayWithHours,
  };
}

function isPublicHoliday(definition: CompiledDefinition, day: number): boolean {
  const place = definition.holidays;
  if (!place) return false;
  const { year } = civilFromDays(day);
  // A multi-day holiday starting late in the previous year may still cover this date.
  return (
    publicHolidayDays(place.country, place.region, year).has(day) ||
    publicHolidayDays(place.country, place.region, year - 1).has(day)
  );
}

/** The local intervals that start on local date `day`. */
export function intervalsStartingOn(
  definition: CompiledDefinition,
  day: number,
): readonly DayInterval[] {
  const exception = definition.exceptions.get(day);
  if (exception) return exception;
  if (isPublicHoliday(definition, day)) return [];
  return definition.weekly[weekdayOf(day)] ?? [];
}

/**
 * Appends to `out` the intervals (instants) of the local dates `firstDay..lastDay`, clipped to
 * `[clipFrom, clipTo)`; empty pieces are dropped. `out` is not merged.
 */
export function expandLocalDays(
  definition: CompiledDefinition,
  firstDay: number,
  lastDay: number,
  clipFrom: number,
  clipTo: number,
  out: Array<[number, number]>,
): void {
  const zone = definition.zone;
  for (let day = firstDay; day <= lastDay; day++) {
    const midnight = day * DAY_MS;
    for (const interval of intervalsStartingOn(definition, day)) {
      const start = Math.max(clipFrom, zone.localToInstant(midnight + interval.start));
      const end = Math.min(clipTo, zone.localToInstant(midnight + interval.end));
      if (end > start) out.push([start, end]);
    }
  }
}

/** Sorts and unites intervals: overlapping or touching intervals become one. */
export function mergeIntervals(intervals: Array<[number, number]>): Array<[number, number]> {
  intervals.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of intervals) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}
