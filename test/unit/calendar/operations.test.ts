/**
 * Regression tests for the operations of calendars.md ("Arithmetic") and edge cases 3, 18, 19:
 * `add` stops at a closing instant, `add(t, 0) = t`, `nextOpen`, `isOpen`, the sign of `elapsed`,
 * millisecond precision, calendars that never (or no longer) open, the built-in 24x7 calendar,
 * input checks, and the table machinery (spans of years, tables rebuilt after eviction, ranges
 * extended into the past). Europe/Warsaw Mon–Fri 09:00–17:00 unless stated; March 2026 is CET.
 */
import { describe, expect, it } from 'vitest';

import {
  ALWAYS_OPEN,
  ALWAYS_OPEN_CALENDAR_ID,
  alwaysOpenCalendar,
  compileCalendar,
  type LocalInterval,
} from '../../../src/core/calendar/index.js';
import {
  DAY,
  HOUR,
  at,
  bothImplementations,
  calendarOf,
  iso,
  mondayToFriday,
  single,
} from './helpers.js';

const office = single({ timezone: 'Europe/Warsaw', weekly: mondayToFriday([['09:00', '17:00']]) });

describe.each(bothImplementations(office))(
  'operations on Mon–Fri 09:00–17:00 Warsaw (%s)',
  (_, calendar) => {
    it.each([
      [
        'runs out exactly at closing: Mon 16:00 + 1 h = Mon 17:00, not Tue 09:00',
        '2026-03-02T16:00:00+01:00',
        1,
        '2026-03-02T16:00:00.000Z',
      ],
      [
        'continues next morning: Mon 16:00 + 2 h = Tue 10:00',
        '2026-03-02T16:00:00+01:00',
        2,
        '2026-03-03T09:00:00.000Z',
      ],
      [
        'starts at the next opening when closed: Sat 12:00 + 1 h = Mon 10:00',
        '2026-03-07T12:00:00+01:00',
        1,
        '2026-03-09T09:00:00.000Z',
      ],
      [
        '24 business hours are three working days, not one day (edge case 18)',
        '2026-03-02T09:00:00+01:00',
        24,
        '2026-03-04T16:00:00.000Z',
      ],
      [
        'six working days across the spring change (no holidays configured)',
        '2026-03-27T12:00:00+01:00',
        48,
        '2026-04-06T10:00:00.000Z',
      ],
    ])('add: %s', (_label, from, hours, expected) => {
      expect(iso(calendar.add(at(from), hours * HOUR))).toBe(expected);
    });

    it('add(t, 0) = t, open or closed', () => {
      expect(calendar.add(at('2026-03-07T12:00:00+01:00'), 0)).toBe(
        at('2026-03-07T12:00:00+01:00'),
      );
      expect(calendar.add(at('2026-03-02T17:00:00+01:00'), 0)).toBe(
        at('2026-03-02T17:00:00+01:00'),
      );
    });

    it.each([
      ['a Saturday → Monday 09:00', '2026-03-07T12:00:00+01:00', '2026-03-09T08:00:00.000Z'],
      ['an opening instant → itself', '2026-03-09T09:00:00+01:00', '2026-03-09T08:00:00.000Z'],
      [
        'the last millisecond of a day → itself',
        '2026-03-09T16:59:59.999+01:00',
        '2026-03-09T15:59:59.999Z',
      ],
      [
        'a closing instant → the next opening',
        '2026-03-09T17:00:00+01:00',
        '2026-03-10T08:00:00.000Z',
      ],
    ])('nextOpen: %s', (_label, from, expected) => {
      expect(iso(calendar.nextOpen(at(from)))).toBe(expected);
    });

    it('isOpen is half-open: open at 09:00, closed at 17:00', () => {
      expect(calendar.isOpen(at('2026-03-09T09:00:00+01:00'))).toBe(true);
      expect(calendar.isOpen(at('2026-03-09T08:59:59.999+01:00'))).toBe(false);
      expect(calendar.isOpen(at('2026-03-09T17:00:00+01:00'))).toBe(false);
    });

    it('elapsed is antisymmetric and zero on an empty span', () => {
      const [a, b] = [at('2026-03-06T16:00:00+01:00'), at('2026-03-09T10:00:00+01:00')];
      expect(calendar.elapsed(a, b)).toBe(2 * HOUR);
      expect(calendar.elapsed(b, a)).toBe(-2 * HOUR);
      expect(calendar.elapsed(a, a)).toBe(0);
    });

    it('counts milliseconds, not minutes (edge case 3)', () => {
      expect(
        calendar.elapsed(at('2026-03-09T08:59:59.999+01:00'), at('2026-03-09T09:00:00.002+01:00')),
      ).toBe(2);
    });

    it('a ticket created on Saturday starts its business clock on Monday 09:00 (edge case 19)', () => {
      const created = at('2026-03-07T12:00:00+01:00');
      expect(calendar.elapsed(created, at('2026-03-09T10:00:00+01:00'))).toBe(HOUR);
      expect(iso(calendar.nextOpen(created))).toBe('2026-03-09T08:00:00.000Z');
    });

    it('adds 2,000 business hours (a year of work, several table chunks) consistently', () => {
      const t = at('2026-01-05T09:30:00+01:00');
      const u = calendar.add(t, 2000 * HOUR);
      // Day 1 gives 7.5 h, 249 full days 1,992 h, the 251st weekday (Mon 2026-12-21) the last 0.5 h.
      expect(iso(u)).toBe('2026-12-21T08:30:00.000Z');
      expect(calendar.elapsed(t, u)).toBe(2000 * HOUR);
    });
  },
);

describe('calendars that never, or no longer, open', () => {
  it.each(bothImplementations(single({ timezone: 'Europe/Warsaw', weekly: {} })))(
    'never open (%s)',
    (_, calendar) => {
      const t = at('2026-03-02T12:00:00Z');
      expect(calendar.elapsed(t, t + 30 * DAY)).toBe(0);
      expect(calendar.add(t, 1)).toBe(Infinity);
      expect(calendar.add(t, 0)).toBe(t);
      expect(calendar.nextOpen(t)).toBe(Infinity);
      expect(calendar.isOpen(t)).toBe(false);
    },
  );

  it.each(
    bothImplementations(
      single({
        timezone: 'Europe/Warsaw',
        weekly: {},
        exceptions: [{ date: '2026-06-13', hours: [['10:00', '14:00']] }],
      }),
    ),
  )('open on one exception date only (%s)', (_, calendar) => {
    const before = at('2026-06-01T00:00:00Z');
    expect(iso(calendar.nextOpen(before))).toBe('2026-06-13T08:00:00.000Z');
    expect(iso(calendar.add(before, 4 * HOUR))).toBe('2026-06-13T12:00:00.000Z');
    expect(calendar.add(before, 4 * HOUR + 1)).toBe(Infinity);
    expect(calendar.nextOpen(at('2026-06-13T12:00:00Z'))).toBe(Infinity);
  });

  it('closed by a later version: 1 h left on the last open day, then nothing', () => {
    const calendar = compileCalendar([
      ...office,
      {
        version: 2,
        effectiveFrom: at('2026-07-01T00:00:00Z'),
        definition: { timezone: 'Europe/Warsaw', weekly: {} },
      },
    ]);
    const t = at('2026-06-30T16:00:00+02:00');
    expect(iso(calendar.add(t, HOUR))).toBe('2026-06-30T15:00:00.000Z');
    expect(calendar.add(t, 2 * HOUR)).toBe(Infinity);
    expect(calendar.nextOpen(at('2026-07-02T09:00:00+02:00'))).toBe(Infinity);
  });
});

describe('the built-in 24x7 calendar (edge case 4)', () => {
  it('is plain elapsed time', () => {
    const [a, b] = [at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z')];
    expect(ALWAYS_OPEN_CALENDAR_ID).toBe('24x7');
    expect(ALWAYS_OPEN.elapsed(a, b)).toBe(48 * HOUR);
    expect(ALWAYS_OPEN.elapsed(b, a)).toBe(-48 * HOUR);
    expect(ALWAYS_OPEN.add(a, 5)).toBe(a + 5);
    expect(ALWAYS_OPEN.nextOpen(a)).toBe(a);
    expect(ALWAYS_OPEN.isOpen(a)).toBe(true);
    expect(ALWAYS_OPEN.openIntervals(a, b)).toEqual([[a, b]]);
    expect(ALWAYS_OPEN.openIntervals(b, a)).toEqual([]);
    expect(alwaysOpenCalendar().versionAt(a)).toBe(1);
  });

  it('equals a calendar open 00:00–24:00 every day, across both Warsaw changes', () => {
    const allDay: LocalInterval[] = [['00:00', '24:00']];
    const weekly = {
      mon: allDay,
      tue: allDay,
      wed: allDay,
      thu: allDay,
      fri: allDay,
      sat: allDay,
      sun: allDay,
    };
    const calendar = calendarOf({ timezone: 'Europe/Warsaw', weekly });
    const [a, b] = [at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z')];
    expect(calendar.elapsed(a, b)).toBe(ALWAYS_OPEN.elapsed(a, b));
    expect(calendar.openIntervals(a, b)).toEqual([[a, b]]);
    expect(calendar.add(a, 100 * DAY)).toBe(a + 100 * DAY);
  });
});

describe('input checks', () => {
  const calendar = compileCalendar(office);

  it('rejects NaN and instants outside years 1000–9999, and negative durations', () => {
    expect(() => calendar.elapsed(Number.NaN, 0)).toThrow(RangeError);
    expect(() => calendar.isOpen(at('9999-12-31T00:00:00Z'))).toThrow(RangeError);
    expect(() => calendar.add(0, -1)).toThrow(RangeError);
    expect(() => ALWAYS_OPEN.add(0, Number.NaN)).toThrow(RangeError);
    expect(calendar.add(0, Infinity)).toBe(Infinity);
  });

  it('rejects an empty version list and invalid stored definitions, naming the path', () => {
    expect(() => compileCalendar([])).toThrow(RangeError);
    expect(() =>
      compileCalendar([
        { version: 7, effectiveFrom: 0, definition: { timezone: 'Mars/Olympus', weekly: {} } },
      ]),
    ).toThrow(/version 7 is invalid: \/timezone/);
  });
});

describe('table machinery', () => {
  it('a five-year span equals the sum of its years, before and after tables are built', () => {
    const calendar = compileCalendar(office);
    const years = [2025, 2026, 2027, 2028, 2029, 2030].map((y) => at(`${y}-01-01T00:00:00Z`));
    const whole = calendar.elapsed(years[0]!, years[5]!);
    const parts = years.slice(1).reduce((sum, end, i) => sum + calendar.elapsed(years[i]!, end), 0);
    expect(whole).toBe(parts);
    expect(whole).toBe(compileCalendar(office).elapsed(years[0]!, years[5]!));
    // 2025–2029 have 1,304 weekdays: 10,432 h.
    expect(whole).toBe(10_432 * HOUR);
  });

  it('extending the built range into the past keeps earlier answers', () => {
    const calendar = compileCalendar(office);
    const [a, b] = [at('2026-05-04T10:00:00Z'), at('2026-05-12T10:00:00Z')];
    const recent = calendar.elapsed(a, b);
    const longer = calendar.elapsed(at('2019-01-01T00:00:00Z'), b);
    expect(calendar.elapsed(a, b)).toBe(recent);
    expect(longer).toBe(calendar.elapsed(at('2019-01-01T00:00:00Z'), a) + recent);
  });

  it('answers stay the same after tables are evicted and rebuilt (60 years, UTC, all day)', () => {
    const allDay: LocalInterval[] = [['00:00', '24:00']];
    const calendar = calendarOf({ timezone: 'UTC', weekly: { sat: allDay, sun: allDay } });
    const [a, b] = [at('2000-01-01T00:00:00Z'), at('2060-01-01T00:00:00Z')];
    const whole = calendar.elapsed(a, b);
    expect(whole).toBe(6262 * DAY);
    expect(calendar.elapsed(a, a + 7 * DAY)).toBe(2 * DAY);
    expect(calendar.elapsed(a, b)).toBe(whole);
  });
});
