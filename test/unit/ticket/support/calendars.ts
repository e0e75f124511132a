/**
 * Calendars for the fold tests, built with the real engine: the built-in `24x7` and `office`,
 * UTC Monday–Friday 09:00–17:00. Test instants are in November 2026 (Monday = 2026-11-16).
 */
import { ALWAYS_OPEN, compileCalendar } from '../../../../src/core/calendar/index.js';
import type { BusinessCalendar, LocalInterval } from '../../../../src/core/calendar/types.js';

const DAY: LocalInterval[] = [['09:00', '17:00']];

export const OFFICE: BusinessCalendar = compileCalendar([
  {
    version: 1,
    effectiveFrom: 0,
    definition: { timezone: 'UTC', weekly: { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY } },
  },
]);

export const CALENDARS: Readonly<Record<string, BusinessCalendar>> = {
  '24x7': ALWAYS_OPEN,
  office: OFFICE,
};
