/**
 * Validation of a calendar definition as it arrives over the API (calendars.md, "Definition").
 *
 * Why here and not only in an HTTP schema: the engine relies on every rule below (a real IANA
 * zone, parseable times, `24:00` only as an end, real and unique exception dates, a holiday place
 * that `date-holidays` knows), and `compileCalendar` re-checks stored definitions with the same
 * function. Errors carry JSON-pointer paths (`/weekly/mon/0/1`) so clients can point at the field.
 * Every problem is reported, not just the first.
 */
import { IANAZone } from 'luxon';

import { isStorableText, MAX_TEXT_LENGTH, STORABLE_MESSAGE } from '../domain.js';
import { parseLocalDate, parseTimeOfDay } from './civil.js';
import { isKnownHolidayCountry, isKnownHolidayRegion } from './holidays.js';
import {
  WEEKDAYS,
  type CalendarDefinition,
  type CalendarException,
  type LocalInterval,
  type Weekday,
} from './types.js';

export interface CalendarValidationError {
  /** JSON pointer (RFC 6901) to the offending value; `''` is the whole document. */
  path: string;
  message: string;
}

export type CalendarValidationResult =
  { ok: true; value: CalendarDefinition } | { ok: false; errors: CalendarValidationError[] };

const TOP_LEVEL_KEYS = new Set([
  'name',
  'timezone',
  'weekly',
  'exceptions',
  'holidays',
  'effective_from',
]);
const EXCEPTION_KEYS = new Set(['date', 'hours', 'name']);
const HOLIDAY_KEYS = new Set(['country', 'region']);
const FIXED_OFFSET = /^(?:[+-]|(?:UTC|GMT)\s*[+-]\d)/i;
const TIME_FORMAT = 'HH:MM or HH:MM:SS from 00:00 to 23:59:59';

type Errors = CalendarValidationError[];

/**
 * Bounds of one version (core/domain.ts): exception dates within the instants deskmetrics accepts,
 * and sizes that keep a version a small row and its expansion quick.
 */
export const MAX_EXCEPTIONS = 5000;
export const MAX_INTERVALS_PER_DAY = 48;
const FIRST_EXCEPTION_DAY = parseLocalDate('1970-01-01')!;
const LAST_EXCEPTION_DAY = parseLocalDate('2199-12-31')!;

/** An optional name: at most 256 storable characters. */
function checkName(value: unknown, path: string, errors: Errors): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length > MAX_TEXT_LENGTH) {
    errors.push({ path, message: `must be a string of at most ${MAX_TEXT_LENGTH} characters` });
  } else if (!isStorableText(value)) {
    errors.push({ path, message: STORABLE_MESSAGE });
  }
}

function pointer(parent: string, key: string | number): string {
  return `${parent}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectUnknownKeys(
  value: Record<string, unknown>,
  allowed: Set<string>,
  path: string,
  errors: Errors,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) errors.push({ path: pointer(path, key), message: 'unknown property' });
  }
}

/** Zone names already found valid: luxon builds an `Intl.DateTimeFormat` per check. */
const validZones = new Set<string>();

function isIanaZone(name: string): boolean {
  if (validZones.has(name)) return true;
  if (!IANAZone.isValidZone(name)) return false;
  validZones.add(name);
  return true;
}

function checkTimezone(value: unknown, errors: Errors): string {
  if (typeof value !== 'string' || value === '') {
    errors.push({
      path: '/timezone',
      message: 'required: an IANA time zone name such as Europe/Warsaw',
    });
    return '';
  }
  if (FIXED_OFFSET.test(value)) {
    errors.push({
      path: '/timezone',
      message: 'fixed UTC offsets are not allowed: use an IANA zone name',
    });
  } else if (!isIanaZone(value)) {
    errors.push({ path: '/timezone', message: `unknown IANA time zone "${value}"` });
  }
  return value;
}

function checkTime(value: unknown, isEnd: boolean, path: string, errors: Errors): void {
  if (typeof value === 'string' && parseTimeOfDay(value, isEnd) !== null) return;
  const endOfDay = typeof value === 'string' && parseTimeOfDay(value, true) !== null;
  errors.push({
    path,
    message: endOfDay
      ? '24:00 is only allowed as an interval end'
      : `must be ${TIME_FORMAT}${isEnd ? ', or 24:00' : ''}`,
  });
}

function checkIntervals(value: unknown, path: string, errors: Errors): LocalInterval[] {
  if (!Array.isArray(value)) {
    errors.push({ path, message: 'must be an array of [start, end] pairs' });
    return [];
  }
  if (value.length > MAX_INTERVALS_PER_DAY) {
    errors.push({ path, message: `must have at most ${MAX_INTERVALS_PER_DAY} intervals` });
    return [];
  }
  const intervals: LocalInterval[] = [];
  value.forEach((pair: unknown, index) => {
    const at = pointer(path, index);
    if (!Array.isArray(pair) || pair.length !== 2) {
      errors.push({ path: at, message: 'must be a [start, end] pair' });
      return;
    }
    const [start, end] = pair as [unknown, unknown];
    checkTime(start, false, pointer(at, 0), errors);
    checkTime(end, true, pointer(at, 1), errors);
    if (typeof start === 'string' && typeof end === 'string') intervals.push([start, end]);
  });
  return intervals;
}

function checkWeekly(value: unknown, errors: Errors): CalendarDefinition['weekly'] {
  if (!isRecord(value)) {
    errors.push({ path: '/weekly', message: 'required: an object keyed by mon…sun' });
    return {};
  }
  const weekly: CalendarDefinition['weekly'] = {};
  for (const [key, intervals] of Object.entries(value)) {
    if (!(WEEKDAYS as readonly string[]).includes(key)) {
      errors.push({
        path: pointer('/weekly', key),
        message: 'unknown weekday: use mon, tue, wed, thu, fri, sat, sun',
      });
      continue;
    }
    weekly[key as Weekday] = checkIntervals(intervals, pointer('/weekly', key), errors);
  }
  return weekly;
}

function checkException(
  value: unknown,
  path: string,
  seen: Map<string, string>,
  errors: Errors,
): CalendarException | null {
  if (!isRecord(value)) {
    errors.push({ path, message: 'must be an object with date and hours' });
    return null;
  }
  rejectUnknownKeys(value, EXCEPTION_KEYS, path, errors);
  const { date, hours, name } = value;
  const day = typeof date === 'string' ? parseLocalDate(date) : null;
  if (typeof date !== 'string' || day === null) {
    errors.push({ path: pointer(path, 'date'), message: 'must be a real date YYYY-MM-DD' });
  } else if (day < FIRST_EXCEPTION_DAY || day > LAST_EXCEPTION_DAY) {
    errors.push({ path: pointer(path, 'date'), message: 'must be from 1970-01-01 to 2199-12-31' });
  } else if (seen.has(date)) {
    errors.push({
      path: pointer(path, 'date'),
      message: `duplicate exception date ${date} (also at ${seen.get(date)})`,
    });
  } else {
    seen.set(date, pointer(path, 'date'));
  }
  if (hours === undefined)
    errors.push({ path: pointer(path, 'hours'), message: 'required: [] closes the day' });
  const checkedHours =
    hours === undefined ? [] : checkIntervals(hours, pointer(path, 'hours'), errors);
  checkName(name, pointer(path, 'name'), errors);
  // Not String(date): a date of 10,000 nested arrays overflows the stack (Array#toString recurses).
  const exception: CalendarException = {
    date: typeof date === 'string' ? date : '',
    hours: checkedHours,
  };
  if (typeof name === 'string') exception.name = name;
  return exception;
}

function checkExceptions(value: unknown, errors: Errors): CalendarException[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    errors.push({ path: '/exceptions', message: 'must be an array' });
    return undefined;
  }
  if (value.length > MAX_EXCEPTIONS) {
    errors.push({ path: '/exceptions', message: `must have at most ${MAX_EXCEPTIONS} dates` });
    return undefined;
  }
  const seen = new Map<string, string>();
  return value
    .map((item: unknown, index) =>
      checkException(item, pointer('/exceptions', index), seen, errors),
    )
    .filter((item): item is CalendarException => item !== null);
}

function checkHolidays(value: unknown, errors: Errors): CalendarDefinition['holidays'] {
  if (value === undefined || value === null) return value;
  if (!isRecord(value)) {
    errors.push({
      path: '/holidays',
      message: 'must be { "country": "PL", "region"?: "…" } or null',
    });
    return undefined;
  }
  rejectUnknownKeys(value, HOLIDAY_KEYS, '/holidays', errors);
  const { country, region } = value;
  if (typeof country !== 'string' || !isKnownHolidayCountry(country)) {
    errors.push({
      path: '/holidays/country',
      message: 'must be a country code known to date-holidays (e.g. PL)',
    });
    return undefined;
  }
  if (region === undefined) return { country };
  if (typeof region !== 'string' || !isKnownHolidayRegion(country, region)) {
    errors.push({
      path: '/holidays/region',
      message: `must be a region code of ${country} known to date-holidays`,
    });
    return undefined;
  }
  return { country, region };
}

/**
 * Checks an untrusted calendar definition. On success `value` is a clean copy holding only the
 * definition's fields (`effective_from` is accepted but left to the API layer, which owns it).
 */
export function validateCalendarDefinition(input: unknown): CalendarValidationResult {
  if (!isRecord(input)) return { ok: false, errors: [{ path: '', message: 'must be an object' }] };
  const errors: Errors = [];
  rejectUnknownKeys(input, TOP_LEVEL_KEYS, '', errors);
  checkName(input.name, '/name', errors);
  const value: CalendarDefinition = {
    timezone: checkTimezone(input.timezone, errors),
    weekly: checkWeekly(input.weekly, errors),
  };
  const exceptions = checkExceptions(input.exceptions, errors);
  const holidays = checkHolidays(input.holidays, errors);
  if (typeof input.name === 'string') value.name = input.name;
  if (exceptions !== undefined) value.exceptions = exceptions;
  if (holidays !== undefined) value.holidays = holidays;
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}
