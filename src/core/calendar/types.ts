/**
 * Business-hours calendars (spec: shared/spec/calendars.md): the shapes the rest of the core
 * depends on. The engine lives beside this file; everything else uses only these types.
 */
import type { Instant } from '../events.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Local `[start, end]`, `HH:MM` or `HH:MM:SS`; `end` may be `24:00`; `end <= start` crosses midnight. */
export type LocalInterval = [string, string];

export interface CalendarException {
  /** Local date `YYYY-MM-DD`. */
  date: string;
  hours: LocalInterval[];
  name?: string;
}

export interface CalendarDefinition {
  name?: string;
  timezone: string;
  weekly: Partial<Record<Weekday, LocalInterval[]>>;
  exceptions?: CalendarException[];
  holidays?: { country: string; region?: string } | null;
}

export interface CalendarVersion {
  /** 1, 2, 3… per calendar. */
  version: number;
  effectiveFrom: Instant;
  definition: CalendarDefinition;
}

/**
 * Business-time arithmetic on one calendar (all its versions). Durations are milliseconds.
 * Every operation is pure and deterministic.
 */
export interface BusinessCalendar {
  /** Business milliseconds in `[a, b)`; `elapsed(b, a) = -elapsed(a, b)`. */
  elapsed(a: Instant, b: Instant): number;
  /** The earliest `u >= t` with `elapsed(t, u) = d` (`d >= 0`). `Infinity` if the calendar never has that much time left. */
  add(t: Instant, d: number): Instant;
  /** `t` if open at `t`, else the next opening instant (`Infinity` if none). */
  nextOpen(t: Instant): Instant;
  /** Whether `t` is inside an open interval (half-open: open at start, closed at end). */
  isOpen(t: Instant): boolean;
  /** The open intervals intersected with `[a, b)`, in order, merged, clipped to `[a, b)`. */
  openIntervals(a: Instant, b: Instant): Array<[Instant, Instant]>;
  /** The version number in force at `t` (before the first version: the first). */
  versionAt(t: Instant): number;
  /**
   * One bounded step of building what `elapsed` within `[a, b]` and `add(b, d)` need (`d`
   * defaults to 0): true once nothing is left to build. Building a span of centuries the first
   * time costs seconds (zone rules and public holidays per local year); a caller that must not
   * block, like a server, calls this until it answers true and yields between calls. Never
   * changes a result.
   */
  prepare(a: Instant, b: Instant, d?: number): boolean;
}

/** The built-in always-open calendar id. */
export const ALWAYS_OPEN_CALENDAR_ID = '24x7';
