/**
 * Shared helpers of the calendar tests: instants from explicit ISO strings, one-version calendars,
 * and the pair (engine, naive reference) that hand-computed tables are checked against, so a
 * wrong expectation cannot hide behind a reference that happens to agree with the engine.
 */
import { compileCalendar } from '../../../src/core/calendar/index.js';
import type {
  BusinessCalendar,
  CalendarDefinition,
  CalendarVersion,
  LocalInterval,
} from '../../../src/core/calendar/types.js';
import { referenceCalendar, type ReferenceCalendar } from './reference-calendar.js';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Epoch ms of an ISO 8601 string that must carry its offset (`Z` or `±hh:mm`). */
export function at(text: string): number {
  if (!/(Z|[+-]\d\d:\d\d)$/.test(text)) throw new Error(`instant without offset: ${text}`);
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new Error(`bad instant ${text}`);
  return t;
}

export function iso(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString() : String(t);
}

export function mondayToFriday(hours: LocalInterval[]): CalendarDefinition['weekly'] {
  return { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours };
}

export function single(definition: CalendarDefinition): CalendarVersion[] {
  return [{ version: 1, effectiveFrom: at('2020-01-01T00:00:00Z'), definition }];
}

export function calendarOf(definition: CalendarDefinition): BusinessCalendar {
  return compileCalendar(single(definition));
}

/** Both implementations of the same versions, labelled, for `describe.each`-style loops. */
export function bothImplementations(
  versions: CalendarVersion[],
): Array<
  [string, Pick<ReferenceCalendar, 'elapsed' | 'add' | 'nextOpen' | 'isOpen' | 'openIntervals'>]
> {
  return [
    ['engine', compileCalendar(versions)],
    ['reference', referenceCalendar(versions)],
  ];
}

export function isoIntervals(intervals: Array<[number, number]>): string[] {
  return intervals.map(([s, e]) => `${iso(s)}/${iso(e)}`);
}
