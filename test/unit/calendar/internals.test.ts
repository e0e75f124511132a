/**
 * The engine's building blocks, each against an independent oracle: civil-date arithmetic
 * against `Date.UTC`, zone offsets against luxon, and the prefix-sum interval table against
 * hand-computed sums.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';

import {
  civilFromDays,
  daysFromCivil,
  parseLocalDate,
  parseTimeOfDay,
  weekdayOf,
} from '../../../src/core/calendar/civil.js';
import { IntervalTable } from '../../../src/core/calendar/interval-table.js';
import { zoneRules } from '../../../src/core/calendar/zone-rules.js';
import { DAY, HOUR, MINUTE, at } from './helpers.js';

describe('civil dates', () => {
  it('day numbers agree with Date.UTC from year 1000 to 9999', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        (y, m, d) => {
          const dayNumber = daysFromCivil(y, m, d);
          expect(dayNumber * DAY).toBe(Date.UTC(y, m - 1, d));
          expect(civilFromDays(dayNumber)).toEqual({ year: y, month: m, day: d });
          expect(weekdayOf(dayNumber)).toBe((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['2026-03-29', daysFromCivil(2026, 3, 29)],
    ['2028-02-29', daysFromCivil(2028, 2, 29)],
    ['2026-02-29', null],
    ['2026-13-01', null],
    ['2026-04-31', null],
    ['26-04-01', null],
  ])('parseLocalDate(%s)', (text, expected) => {
    expect(parseLocalDate(text)).toBe(expected);
  });

  it.each([
    ['00:00', false, 0],
    ['09:30', false, 9 * HOUR + 30 * MINUTE],
    ['23:59:59', false, DAY - 1000],
    ['24:00', true, DAY],
    ['24:00:00', true, DAY],
    ['24:00', false, null],
    ['24:00:01', true, null],
    ['7:00', false, null],
    ['07:00:0', false, null],
  ])('parseTimeOfDay(%s, end=%s) = %s', (text, allowEnd, expected) => {
    expect(parseTimeOfDay(text, allowEnd)).toBe(expected);
  });
});

const zones = [
  'Europe/Warsaw',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Europe/Dublin',
  'Africa/Casablanca',
];

describe('zone rules', () => {
  it('offsets agree with luxon at random instants 1990–2040', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: at('1990-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z') }),
        (zone, t) => {
          expect(zoneRules(zone).offsetAt(t)).toBe(
            DateTime.fromMillis(t, { zone }).offset * MINUTE,
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('finds transitions to the millisecond (Warsaw 2026-03-29T01:00Z, +1 h → +2 h)', () => {
    const rules = zoneRules('Europe/Warsaw');
    expect(rules.offsetAt(at('2026-03-29T01:00:00Z') - 1)).toBe(HOUR);
    expect(rules.offsetAt(at('2026-03-29T01:00:00Z'))).toBe(2 * HOUR);
  });

  it.each([
    [
      'a gap time moves forward by the gap',
      'Europe/Warsaw',
      '2026-03-29T02:30',
      '2026-03-29T01:30:00.000Z',
    ],
    [
      'a fold time takes the earlier instant',
      'Europe/Warsaw',
      '2026-10-25T02:30',
      '2026-10-25T00:30:00.000Z',
    ],
    ['an ordinary time', 'Europe/Warsaw', '2026-07-01T12:00', '2026-07-01T10:00:00.000Z'],
    ['a 30-minute fold', 'Australia/Lord_Howe', '2026-04-05T01:45', '2026-04-04T14:45:00.000Z'],
    [
      'a 24-hour gap (Samoa skipped 2011-12-30)',
      'Pacific/Apia',
      '2011-12-30T12:00',
      '2011-12-30T22:00:00.000Z',
    ],
  ])('localToInstant: %s (%s %s)', (_label, zone, local, expected) => {
    const localMs = Date.parse(`${local}:00Z`);
    expect(new Date(zoneRules(zone).localToInstant(localMs)).toISOString()).toBe(expected);
  });
});

describe('interval table', () => {
  // Covering [0, 512): two-unit buckets, so some lookups fall before, inside and after them.
  const table = new IntervalTable(
    [
      [100, 200],
      [300, 350],
      [400, 500],
    ],
    0,
    512,
  );

  it.each([
    [0, 0],
    [100, 0],
    [150, 50],
    [250, 100],
    [300, 100],
    [349, 149],
    [1000, 250],
  ])('openBefore(%i) = %i', (t, expected) => {
    expect(table.openBefore(t)).toBe(expected);
  });

  it.each([
    [1, 101],
    [100, 200],
    [101, 301],
    [150, 350],
    [250, 500],
  ])(
    'instantAfterOpen(%i) = %i (earliest: a closing instant, not the next opening)',
    (open, expected) => {
      expect(table.instantAfterOpen(open)).toBe(expected);
    },
  );

  it('contains and nextStartAfter are half-open', () => {
    expect([99, 100, 199, 200].map((t) => table.contains(t))).toEqual([false, true, true, false]);
    expect([0, 100, 200, 450].map((t) => table.nextStartAfter(t))).toEqual([
      100,
      300,
      300,
      Infinity,
    ]);
    expect(table.total).toBe(250);
  });
});
