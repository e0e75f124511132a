/**
 * Regression tables for edge cases 6 and 7 (half days and short days before holidays; holiday
 * feeds full of non-holidays). Europe/Warsaw, Mon–Fri 09:00–17:00 unless a row says otherwise.
 * Exceptions replace the weekly intervals that start on their date; public holidays (type
 * `public` in date-holidays only) close their date unless an exception names it.
 */
import { describe, expect, it } from 'vitest';

import type { CalendarDefinition } from '../../../src/core/calendar/index.js';
import { HOUR, at, bothImplementations, isoIntervals, mondayToFriday, single } from './helpers.js';

const officeHours = mondayToFriday([['09:00', '17:00']]);

interface Row {
  bug: string;
  definition: Partial<CalendarDefinition>;
  from: string;
  to: string;
  expectedHours: number;
  expectedIntervals?: string[];
}

const rows: Row[] = [
  {
    bug: 'an exception with [] closes a working Friday',
    definition: { exceptions: [{ date: '2026-06-12', hours: [], name: 'bridge day' }] },
    from: '2026-06-12T00:00:00+02:00',
    to: '2026-06-13T00:00:00+02:00',
    expectedHours: 0,
  },
  {
    bug: 'a short day before Christmas: 08:00–12:00',
    definition: { exceptions: [{ date: '2026-12-24', hours: [['08:00', '12:00']] }] },
    from: '2026-12-24T00:00:00+01:00',
    to: '2026-12-25T00:00:00+01:00',
    expectedHours: 4,
    expectedIntervals: ['2026-12-24T07:00:00.000Z/2026-12-24T11:00:00.000Z'],
  },
  {
    bug: 'an extra working Saturday',
    definition: { exceptions: [{ date: '2026-06-13', hours: [['10:00', '14:00']] }] },
    from: '2026-06-13T00:00:00+02:00',
    to: '2026-06-14T00:00:00+02:00',
    expectedHours: 4,
    expectedIntervals: ['2026-06-13T08:00:00.000Z/2026-06-13T12:00:00.000Z'],
  },
  {
    bug: "Friday's 22:00–06:00 shift still runs into a closed Saturday exception",
    definition: {
      weekly: { fri: [['22:00', '06:00']] },
      exceptions: [{ date: '2026-06-13', hours: [] }],
    },
    from: '2026-06-12T00:00:00+02:00',
    to: '2026-06-14T00:00:00+02:00',
    expectedHours: 8,
    expectedIntervals: ['2026-06-12T20:00:00.000Z/2026-06-13T04:00:00.000Z'],
  },
  {
    bug: "a closed Friday exception removes Friday's crossing shift",
    definition: {
      weekly: { fri: [['22:00', '06:00']] },
      exceptions: [{ date: '2026-06-12', hours: [] }],
    },
    from: '2026-06-12T00:00:00+02:00',
    to: '2026-06-14T00:00:00+02:00',
    expectedHours: 0,
  },
  {
    bug: "an exception's own hours may cross midnight",
    definition: { exceptions: [{ date: '2026-06-13', hours: [['22:00', '02:00']] }] },
    from: '2026-06-13T00:00:00+02:00',
    to: '2026-06-15T00:00:00+02:00',
    expectedHours: 4,
    expectedIntervals: ['2026-06-13T20:00:00.000Z/2026-06-14T00:00:00.000Z'],
  },
  {
    bug: 'PL Independence Day (Wed 2026-11-11) is closed: that week has 32 h',
    definition: { holidays: { country: 'PL' } },
    from: '2026-11-09T00:00:00+01:00',
    to: '2026-11-14T00:00:00+01:00',
    expectedHours: 32,
  },
  {
    bug: 'an exception re-opens the 2026-11-11 holiday for 10:00–14:00',
    definition: {
      holidays: { country: 'PL' },
      exceptions: [{ date: '2026-11-11', hours: [['10:00', '14:00']] }],
    },
    from: '2026-11-11T00:00:00+01:00',
    to: '2026-11-12T00:00:00+01:00',
    expectedHours: 4,
    expectedIntervals: ['2026-11-11T09:00:00.000Z/2026-11-11T13:00:00.000Z'],
  },
  {
    bug: 'PL Christmas Eve is a public holiday in date-holidays, closed unless an exception names it',
    definition: { holidays: { country: 'PL' } },
    from: '2026-12-24T00:00:00+01:00',
    to: '2026-12-25T00:00:00+01:00',
    expectedHours: 0,
  },
  {
    bug: 'an observance day stays open (Men’s Day, Tue 2026-03-10)',
    definition: { holidays: { country: 'PL' } },
    from: '2026-03-10T00:00:00+01:00',
    to: '2026-03-11T00:00:00+01:00',
    expectedHours: 8,
  },
  {
    bug: 'a school holiday stays open (Maundy Thursday, 2026-04-02)',
    definition: { holidays: { country: 'PL' } },
    from: '2026-04-02T00:00:00+02:00',
    to: '2026-04-03T00:00:00+02:00',
    expectedHours: 8,
  },
  {
    bug: "a shift crossing into a holiday still runs (Tue 22:00 → Wed 2026-11-11 06:00), the holiday's own does not",
    definition: {
      weekly: { tue: [['22:00', '06:00']], wed: [['22:00', '06:00']] },
      holidays: { country: 'PL' },
    },
    from: '2026-11-10T00:00:00+01:00',
    to: '2026-11-13T00:00:00+01:00',
    expectedHours: 8,
    expectedIntervals: ['2026-11-10T21:00:00.000Z/2026-11-11T05:00:00.000Z'],
  },
  {
    bug: 'a region counts: Epiphany (Tue 2026-01-06) is public in Bavaria',
    definition: { timezone: 'Europe/Berlin', holidays: { country: 'DE', region: 'BY' } },
    from: '2026-01-06T00:00:00+01:00',
    to: '2026-01-07T00:00:00+01:00',
    expectedHours: 0,
  },
  {
    bug: '… and not in Berlin',
    definition: { timezone: 'Europe/Berlin', holidays: { country: 'DE', region: 'BE' } },
    from: '2026-01-06T00:00:00+01:00',
    to: '2026-01-07T00:00:00+01:00',
    expectedHours: 8,
  },
];

describe('exceptions and public holidays (edge cases 6, 7)', () => {
  describe.each(rows)('$bug', (row) => {
    const definition: CalendarDefinition = {
      timezone: 'Europe/Warsaw',
      weekly: officeHours,
      ...row.definition,
    };
    it.each(bothImplementations(single(definition)))('%s', (_, calendar) => {
      const [from, to] = [at(row.from), at(row.to)];
      expect(calendar.elapsed(from, to)).toBe(row.expectedHours * HOUR);
      if (row.expectedIntervals)
        expect(isoIntervals(calendar.openIntervals(from, to))).toEqual(row.expectedIntervals);
    });
  });
});
