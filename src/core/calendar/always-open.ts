/**
 * The built-in `24x7` calendar (calendars.md; edge case 4): open at every instant, so business
 * time is plain elapsed time. It exists so that "24/7" never has to be typed as 00:00–23:59 (which
 * loses a minute a day) and so that callers need no special case for calendar-less policies.
 */
import { checkInstant } from './compile-calendar.js';
import type { BusinessCalendar } from './types.js';

/** A new always-open calendar (stateless; {@link ALWAYS_OPEN} is the shared instance). */
export function alwaysOpenCalendar(): BusinessCalendar {
  return {
    elapsed(a, b) {
      checkInstant(a);
      checkInstant(b);
      return b - a;
    },
    add(t, d) {
      checkInstant(t);
      if (!(d >= 0)) throw new RangeError(`duration ${d} must be >= 0`);
      return t + d;
    },
    nextOpen(t) {
      checkInstant(t);
      return t;
    },
    isOpen(t) {
      checkInstant(t);
      return true;
    },
    openIntervals(a, b) {
      checkInstant(a);
      checkInstant(b);
      return a < b ? [[a, b]] : [];
    },
    versionAt() {
      return 1;
    },
    prepare() {
      return true;
    },
  };
}

/** The calendar with id `24x7` (`ALWAYS_OPEN_CALENDAR_ID`). */
export const ALWAYS_OPEN: BusinessCalendar = alwaysOpenCalendar();
