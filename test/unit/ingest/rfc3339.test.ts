/**
 * parseRfc3339 (events.md: `occurred_at` is RFC 3339 **with** an offset, kept to the millisecond).
 * Expected instants come from `Date.parse` of the equivalent UTC `…Z` form, whose grammar the
 * ECMAScript spec fixes exactly for years 0000–9999, so a row reads as "this local time is that
 * UTC instant".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from '../../../src/core/time/rfc3339.js';

const utc = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad oracle ${iso}`);
  return ms;
};

interface ValidRow {
  name: string;
  input: string;
  utc: string;
}

const valid: ValidRow[] = [
  { name: 'Z offset', input: '2026-11-20T08:15:00Z', utc: '2026-11-20T08:15:00.000Z' },
  { name: 'lowercase z and t', input: '2026-11-20t08:15:00z', utc: '2026-11-20T08:15:00.000Z' },
  {
    name: 'space instead of T (RFC 3339 §5.6 note)',
    input: '2026-11-20 08:15:00Z',
    utc: '2026-11-20T08:15:00.000Z',
  },
  {
    name: 'positive offset is subtracted',
    input: '2026-11-20T09:15:00.250+01:00',
    utc: '2026-11-20T08:15:00.250Z',
  },
  {
    name: 'negative half-hour offset is added',
    input: '2026-11-20T02:45:00-05:30',
    utc: '2026-11-20T08:15:00.000Z',
  },
  { name: '+05:45 (Nepal)', input: '2026-11-20T14:00:00+05:45', utc: '2026-11-20T08:15:00.000Z' },
  {
    name: '+14:00 (Kiribati)',
    input: '2026-11-20T22:15:00+14:00',
    utc: '2026-11-20T08:15:00.000Z',
  },
  { name: '-12:00', input: '2026-11-19T20:15:00-12:00', utc: '2026-11-20T08:15:00.000Z' },
  { name: '+00:00', input: '2026-11-20T08:15:00+00:00', utc: '2026-11-20T08:15:00.000Z' },
  {
    name: '-00:00 (unknown local offset)',
    input: '2026-11-20T08:15:00-00:00',
    utc: '2026-11-20T08:15:00.000Z',
  },
  {
    name: 'offset crosses the year boundary',
    input: '2026-01-01T00:30:00+01:00',
    utc: '2025-12-31T23:30:00.000Z',
  },
  {
    name: 'negative offset crosses into the next day',
    input: '2026-02-28T23:30:00-01:00',
    utc: '2026-03-01T00:30:00.000Z',
  },
  {
    name: 'leap day of a leap year',
    input: '2024-02-29T12:00:00Z',
    utc: '2024-02-29T12:00:00.000Z',
  },
  {
    name: 'leap day of a 400-year',
    input: '2000-02-29T00:00:00Z',
    utc: '2000-02-29T00:00:00.000Z',
  },
  { name: 'last day of April', input: '2026-04-30T23:59:59Z', utc: '2026-04-30T23:59:59.000Z' },
  { name: 'one fraction digit', input: '2026-11-20T08:15:00.1Z', utc: '2026-11-20T08:15:00.100Z' },
  {
    name: 'two fraction digits',
    input: '2026-11-20T08:15:00.12Z',
    utc: '2026-11-20T08:15:00.120Z',
  },
  {
    name: 'nanoseconds truncated to ms',
    input: '2026-11-20T08:15:00.123456789Z',
    utc: '2026-11-20T08:15:00.123Z',
  },
  {
    name: '.9999 truncates, never rounds up',
    input: '2026-11-20T08:15:59.9999Z',
    utc: '2026-11-20T08:15:59.999Z',
  },
  {
    name: '.0005 truncates to 0',
    input: '2026-11-20T08:15:00.0005Z',
    utc: '2026-11-20T08:15:00.000Z',
  },
  {
    name: 'fraction and offset together',
    input: '2026-11-20T10:15:00.987654+02:00',
    utc: '2026-11-20T08:15:00.987Z',
  },
  // RFC 3339 time-secfrac is "." 1*DIGIT: any number of digits is valid; the instant is kept to the ms.
  {
    name: 'twelve fraction digits (RFC 3339 allows 1*DIGIT)',
    input: '2026-11-20T08:15:00.123456789012Z',
    utc: '2026-11-20T08:15:00.123Z',
  },
  { name: 'domain start', input: '1970-01-01T00:00:00Z', utc: '1970-01-01T00:00:00.000Z' },
  { name: 'domain end', input: '2199-12-31T23:59:59.999Z', utc: '2199-12-31T23:59:59.999Z' },
  {
    name: 'domain start reached through an offset',
    input: '1970-01-01T01:00:00+01:00',
    utc: '1970-01-01T00:00:00.000Z',
  },
];

const OUT_OF_RANGE = /^must be between 1970-01-01T00:00:00Z and 2199-12-31T23:59:59\.999Z$/;

interface InvalidRow {
  name: string;
  input: string;
  message: RegExp;
}

const NO_OFFSET = /^must include a UTC offset/;
const NOT_A_DATE = /^is not a valid date and time$/;
const NOT_RFC = /^must be an RFC 3339 timestamp/;
const BAD_OFFSET = /^has an invalid UTC offset$/;

const invalid: InvalidRow[] = [
  { name: 'no offset', input: '2026-11-20T09:15:00', message: NO_OFFSET },
  // The input domain is 1970-01-01 … 2199-12-31 UTC (core/domain.ts): wide enough for any help
  // desk, inside what the calendar engine computes quickly. Regression (issue 11): events dated
  // 9999-11-30 held the event loop for 57 s, and 9999-12-02…31 answered 500.
  { name: 'year 0099', input: '0099-12-31T23:59:59Z', message: OUT_OF_RANGE },
  { name: 'year 0000', input: '0000-01-01T00:00:00Z', message: OUT_OF_RANGE },
  { name: 'year 1000', input: '1000-01-01T00:00:00Z', message: OUT_OF_RANGE },
  { name: 'one ms before the domain', input: '1969-12-31T23:59:59.999Z', message: OUT_OF_RANGE },
  {
    name: 'domain start minus one hour by its offset',
    input: '1970-01-01T00:00:00+01:00',
    message: OUT_OF_RANGE,
  },
  { name: 'first instant after the domain', input: '2200-01-01T00:00:00Z', message: OUT_OF_RANGE },
  {
    name: 'domain end plus its offset is 2200',
    input: '2199-12-31T23:30:00-01:00',
    message: OUT_OF_RANGE,
  },
  {
    name: '9999-11-30 (57 s of blocked loop)',
    input: '9999-11-30T00:00:00Z',
    message: OUT_OF_RANGE,
  },
  { name: '9999-12-02 (answered 500)', input: '9999-12-02T00:00:00+01:00', message: OUT_OF_RANGE },
  { name: '9999-12-31 end', input: '9999-12-31T23:59:59.999Z', message: OUT_OF_RANGE },
  { name: 'no offset, with fraction', input: '2026-11-20T09:15:00.250', message: NO_OFFSET },
  { name: 'no offset, space separator', input: '2026-11-20 09:15:00', message: NO_OFFSET },
  { name: 'February 30', input: '2026-02-30T00:00:00Z', message: NOT_A_DATE },
  { name: 'February 29 of a common year', input: '2026-02-29T00:00:00Z', message: NOT_A_DATE },
  {
    name: 'February 29 of 1900 (century, not leap)',
    input: '1900-02-29T00:00:00Z',
    message: NOT_A_DATE,
  },
  { name: 'February 29 of year 0100', input: '0100-02-29T00:00:00Z', message: NOT_A_DATE },
  { name: 'April 31', input: '2026-04-31T00:00:00Z', message: NOT_A_DATE },
  { name: 'month 13', input: '2026-13-01T00:00:00Z', message: NOT_A_DATE },
  { name: 'month 00', input: '2026-00-10T00:00:00Z', message: NOT_A_DATE },
  { name: 'day 00', input: '2026-01-00T00:00:00Z', message: NOT_A_DATE },
  { name: 'hour 24', input: '2026-11-20T24:00:00Z', message: NOT_A_DATE },
  { name: 'minute 60', input: '2026-11-20T23:60:00Z', message: NOT_A_DATE },
  { name: 'offset hour 24', input: '2026-11-20T09:15:00+24:00', message: BAD_OFFSET },
  { name: 'offset minute 60', input: '2026-11-20T09:15:00+01:60', message: BAD_OFFSET },
  { name: 'offset without colon', input: '2026-11-20T09:15:00+0100', message: NOT_RFC },
  { name: 'offset hours only', input: '2026-11-20T09:15:00+01', message: NOT_RFC },
  { name: 'date only', input: '2026-11-20', message: NOT_RFC },
  { name: 'no seconds', input: '2026-11-20T09:15Z', message: NOT_RFC },
  { name: 'empty fraction', input: '2026-11-20T09:15:00.Z', message: NOT_RFC },
  { name: 'two-digit year', input: '26-11-20T09:15:00Z', message: NOT_RFC },
  { name: 'single-digit month', input: '2026-1-20T09:15:00Z', message: NOT_RFC },
  { name: 'leading space', input: ' 2026-11-20T09:15:00Z', message: NOT_RFC },
  { name: 'trailing newline', input: '2026-11-20T09:15:00Z\n', message: NOT_RFC },
  { name: 'epoch number as text', input: '1795159500000', message: NOT_RFC },
  { name: 'empty string', input: '', message: NOT_RFC },
  { name: 'named zone', input: '2026-11-20T09:15:00 CET', message: NOT_RFC },
];

describe('parseRfc3339: accepted timestamps', () => {
  it.each(valid)('$name: $input → $utc', ({ input, utc: expected }) => {
    expect(parseRfc3339(input)).toBe(utc(expected));
  });
});

describe('parseRfc3339: rejected timestamps', () => {
  it.each(invalid)('$name: $input', ({ input, message }) => {
    const result = parseRfc3339(input);
    expect(typeof result).toBe('string');
    expect(result).toMatch(message);
  });

  it('the missing-offset message names both accepted forms', () => {
    expect(parseRfc3339('2026-11-20T09:15:00')).toBe('must include a UTC offset (Z or ±hh:mm)');
  });
});

describe('parseRfc3339: UTC forms (the fast path)', () => {
  it('equals Date.parse for any instant of the domain, with and without milliseconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2199, 11, 31, 23, 59, 59, 999) }),
        (ms) => {
          const iso = new Date(ms).toISOString();
          expect(parseRfc3339(iso)).toBe(ms);
          const whole = `${iso.slice(0, 19)}Z`;
          expect(parseRfc3339(whole)).toBe(Math.floor(ms / 1000) * 1000);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('rejects every instant of years 1000–9999 outside the domain, in either form', () => {
    const outside = fc.oneof(
      fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(1970, 0, 1) - 1 }),
      fc.integer({ min: Date.UTC(2200, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }),
    );
    fc.assert(
      fc.property(outside, (ms) => {
        const iso = new Date(ms).toISOString();
        expect(parseRfc3339(iso)).toMatch(OUT_OF_RANGE);
        expect(parseRfc3339(iso.replace('Z', '+00:00'))).toMatch(OUT_OF_RANGE);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['2026-02-29T00:00:00Z', 'is not a valid date and time'],
    ['2024-02-30T00:00:00.000Z', 'is not a valid date and time'],
    ['2026-13-01T00:00:00Z', 'is not a valid date and time'],
    ['2026-00-10T00:00:00Z', 'is not a valid date and time'],
    ['2026-01-00T00:00:00.000Z', 'is not a valid date and time'],
    ['2026-01-01T24:00:00Z', 'is not a valid date and time'],
    ['2026-01-01T23:60:00Z', 'is not a valid date and time'],
    ['2026-01-01T23:59:60.000Z', 'is not a valid date and time'],
    [
      '0999-12-31T23:59:59.999Z',
      'must be between 1970-01-01T00:00:00Z and 2199-12-31T23:59:59.999Z',
    ],
    [
      '2200-01-01T00:00:00.000Z',
      'must be between 1970-01-01T00:00:00Z and 2199-12-31T23:59:59.999Z',
    ],
    [
      '2026-01-01T00:00:00.00xZ',
      'must be an RFC 3339 timestamp such as 2026-11-20T09:15:00.250+01:00',
    ],
    [
      '2026-01-01X00:00:00.000Z',
      'must be an RFC 3339 timestamp such as 2026-11-20T09:15:00.250+01:00',
    ],
    [
      '2026-01-01T00:00:00,000Z',
      'must be an RFC 3339 timestamp such as 2026-11-20T09:15:00.250+01:00',
    ],
  ])('%s is rejected: %s', (input, message) => {
    expect(parseRfc3339(input)).toBe(message);
  });

  it('leap days of leap years are accepted', () => {
    expect(parseRfc3339('2024-02-29T12:00:00.000Z')).toBe(Date.UTC(2024, 1, 29, 12));
    expect(parseRfc3339('2000-02-29T12:00:00Z')).toBe(Date.UTC(2000, 1, 29, 12));
    expect(parseRfc3339('1900-02-29T12:00:00Z')).toBe('is not a valid date and time');
  });
});
