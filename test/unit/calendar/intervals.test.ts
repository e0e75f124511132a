/**
 * Regression tables for edge cases 4 and 5 (24/7 as 00:00–23:59 loses a minute a day; shifts
 * crossing midnight not expressible) and for merging overlapping intervals. Europe/Warsaw, local
 * times given with their offsets; both implementations must give the stated numbers.
 */
import { describe, expect, it } from 'vitest';

import type { CalendarDefinition } from '../../../src/core/calendar/index.js';
import {
  HOUR,
  MINUTE,
  at,
  bothImplementations,
  calendarOf,
  isoIntervals,
  single,
} from './helpers.js';

interface Row {
  bug: string;
  weekly: CalendarDefinition['weekly'];
  from: string;
  to: string;
  expectedMs: number;
  expectedIntervals: string[];
}

const rows: Row[] = [
  {
    bug: 'Fri 22:00–06:00 runs into Saturday 06:00',
    weekly: { fri: [['22:00', '06:00']] },
    from: '2026-03-27T00:00:00+01:00',
    to: '2026-03-28T23:00:00+01:00',
    expectedMs: 8 * HOUR,
    expectedIntervals: ['2026-03-27T21:00:00.000Z/2026-03-28T05:00:00.000Z'],
  },
  {
    bug: 'Sat 22:00–06:00 across the spring change lasts 7 h',
    weekly: { sat: [['22:00', '06:00']] },
    from: '2026-03-28T00:00:00+01:00',
    to: '2026-03-30T00:00:00+02:00',
    expectedMs: 7 * HOUR,
    expectedIntervals: ['2026-03-28T21:00:00.000Z/2026-03-29T04:00:00.000Z'],
  },
  {
    bug: 'Sat 22:00–06:00 across the fall change lasts 9 h',
    weekly: { sat: [['22:00', '06:00']] },
    from: '2026-10-24T00:00:00+02:00',
    to: '2026-10-26T00:00:00+01:00',
    expectedMs: 9 * HOUR,
    expectedIntervals: ['2026-10-24T20:00:00.000Z/2026-10-25T05:00:00.000Z'],
  },
  {
    bug: '20:00–24:00 ends at the next local midnight',
    weekly: { mon: [['20:00', '24:00']] },
    from: '2026-03-02T00:00:00+01:00',
    to: '2026-03-04T00:00:00+01:00',
    expectedMs: 4 * HOUR,
    expectedIntervals: ['2026-03-02T19:00:00.000Z/2026-03-02T23:00:00.000Z'],
  },
  {
    bug: '24:00:00 is 24:00',
    weekly: { mon: [['23:30:00', '24:00:00']] },
    from: '2026-03-02T00:00:00+01:00',
    to: '2026-03-04T00:00:00+01:00',
    expectedMs: 30 * MINUTE,
    expectedIntervals: ['2026-03-02T22:30:00.000Z/2026-03-02T23:00:00.000Z'],
  },
  {
    bug: '00:00–23:59 loses a minute a day where 00:00–24:00 does not',
    weekly: { mon: [['00:00', '23:59']], tue: [['00:00', '24:00']] },
    from: '2026-03-02T00:00:00+01:00',
    to: '2026-03-04T00:00:00+01:00',
    expectedMs: 48 * HOUR - MINUTE,
    expectedIntervals: [
      '2026-03-01T23:00:00.000Z/2026-03-02T22:59:00.000Z',
      '2026-03-02T23:00:00.000Z/2026-03-03T23:00:00.000Z',
    ],
  },
  {
    bug: 'end equal to start crosses midnight: 10:00–10:00 is 24 h',
    weekly: { wed: [['10:00', '10:00']] },
    from: '2026-03-02T00:00:00+01:00',
    to: '2026-03-08T00:00:00+01:00',
    expectedMs: 24 * HOUR,
    expectedIntervals: ['2026-03-04T09:00:00.000Z/2026-03-05T09:00:00.000Z'],
  },
  {
    bug: 'overlapping intervals of one day count once',
    weekly: {
      mon: [
        ['12:00', '17:00'],
        ['09:00', '13:00'],
        ['10:00', '11:00'],
      ],
    },
    from: '2026-03-02T00:00:00+01:00',
    to: '2026-03-03T00:00:00+01:00',
    expectedMs: 8 * HOUR,
    expectedIntervals: ['2026-03-02T08:00:00.000Z/2026-03-02T16:00:00.000Z'],
  },
  {
    bug: 'touching intervals merge into one',
    weekly: {
      mon: [
        ['09:00', '12:00'],
        ['12:00', '17:00'],
      ],
    },
    from: '2026-03-02T00:00:00+01:00',
    to: '2026-03-03T00:00:00+01:00',
    expectedMs: 8 * HOUR,
    expectedIntervals: ['2026-03-02T08:00:00.000Z/2026-03-02T16:00:00.000Z'],
  },
  {
    bug: "a crossing shift overlapping the next day's hours counts once (Fri 22–06 + Sat 05–09 = 11 h)",
    weekly: {
      fri: [['22:00', '06:00']],
      sat: [
        ['05:00', '09:00'],
        ['00:00', '02:00'],
      ],
    },
    from: '2026-03-27T00:00:00+01:00',
    to: '2026-03-29T00:00:00+01:00',
    expectedMs: 11 * HOUR,
    expectedIntervals: ['2026-03-27T21:00:00.000Z/2026-03-28T08:00:00.000Z'],
  },
  {
    bug: 'a clipped window keeps only the part inside [from, to)',
    weekly: { mon: [['09:00', '17:00']] },
    from: '2026-03-02T10:30:00.250+01:00',
    to: '2026-03-02T16:59:59.999+01:00',
    expectedMs: 6 * HOUR + 29 * MINUTE + 59_749,
    expectedIntervals: ['2026-03-02T09:30:00.250Z/2026-03-02T15:59:59.999Z'],
  },
];

describe('intervals: crossing midnight, 24:00, merging (edge cases 4, 5)', () => {
  describe.each(rows)('$bug', (row) => {
    it.each(bothImplementations(single({ timezone: 'Europe/Warsaw', weekly: row.weekly })))(
      '%s',
      (_, calendar) => {
        expect(calendar.elapsed(at(row.from), at(row.to))).toBe(row.expectedMs);
        expect(isoIntervals(calendar.openIntervals(at(row.from), at(row.to)))).toEqual(
          row.expectedIntervals,
        );
      },
    );
  });

  it('is closed at the end of a 24:00 interval and open at its start (half-open)', () => {
    const calendar = calendarOf({
      timezone: 'Europe/Warsaw',
      weekly: { mon: [['20:00', '24:00']] },
    });
    expect(calendar.isOpen(at('2026-03-02T20:00:00+01:00'))).toBe(true);
    expect(calendar.isOpen(at('2026-03-02T23:59:59.999+01:00'))).toBe(true);
    expect(calendar.isOpen(at('2026-03-03T00:00:00+01:00'))).toBe(false);
  });
});
