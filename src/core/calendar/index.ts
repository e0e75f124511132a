/**
 * Public surface of the business-hours calendar engine (spec: shared/spec/calendars.md). The rest
 * of the code base imports from here: the files beside it are implementation details.
 */
export { ALWAYS_OPEN, alwaysOpenCalendar } from './always-open.js';
export { compileCalendar, CALENDAR_MAX_INSTANT, CALENDAR_MIN_INSTANT } from './compile-calendar.js';
export {
  validateCalendarDefinition,
  type CalendarValidationError,
  type CalendarValidationResult,
} from './validate.js';
export * from './types.js';
