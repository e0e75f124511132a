/**
 * Regression table for edge cases 1, 2 and 26 (business minutes wrong across DST; days stepped by
 * 86,400 s; +05:45 / +12:45 zones). Each row is one Sunday (or Monday) of 2026 in one zone, a
 * calendar open only on that weekday, and the open intervals calendars.md's rules give: a gap time
 * moves forward by the gap's length, a fold time takes its first occurrence. Instants were worked
 * out by hand from the zone's offsets; both the engine and the naive reference must produce them.
 */
import { describe, expect, it } from 'vitest';

import { ALWAYS_OPEN, type LocalInterval, type Weekday } from '../../../src/core/calendar/index.js';
import { DAY, HOUR, at, bothImplementations, calendarOf, isoIntervals, single } from './helpers.js';

interface Row {
  bug: string;
  zone: string;
  day: Weekday;
  /** The local date of the row (its weekday is `day`). */
  date: string;
  hours: LocalInterval[];
  expectedHours: number;
  expectedIntervals: string[];
}

const rows: Row[] = [
  // Europe/Warsaw: 2026-03-29 02:00 CET → 03:00 CEST (01:00Z); 2026-10-25 03:00 CEST → 02:00 CET (01:00Z).
  {
    bug: 'spring-forward day is 23 h',
    zone: 'Europe/Warsaw',
    day: 'sun',
    date: '2026-03-29',
    hours: [['00:00', '24:00']],
    expectedHours: 23,
    expectedIntervals: ['2026-03-28T23:00:00.000Z/2026-03-29T22:00:00.000Z'],
  },
  {
    bug: 'fall-back day is 25 h',
    zone: 'Europe/Warsaw',
    day: 'sun',
    date: '2026-10-25',
    hours: [['00:00', '24:00']],
    expectedHours: 25,
    expectedIntervals: ['2026-10-24T22:00:00.000Z/2026-10-25T23:00:00.000Z'],
  },
  {
    bug: '02:00–03:00 lies in the gap: both ends become 03:00 CEST',
    zone: 'Europe/Warsaw',
    day: 'sun',
    date: '2026-03-29',
    hours: [['02:00', '03:00']],
    expectedHours: 0,
    expectedIntervals: [],
  },
  {
    bug: '02:00–03:00 on the fold: first 02:00 (CEST) to 03:00 CET',
    zone: 'Europe/Warsaw',
    day: 'sun',
    date: '2026-10-25',
    hours: [['02:00', '03:00']],
    expectedHours: 2,
    expectedIntervals: ['2026-10-25T00:00:00.000Z/2026-10-25T02:00:00.000Z'],
  },
  {
    bug: 'gap start 02:30 reads as 03:30 CEST',
    zone: 'Europe/Warsaw',
    day: 'sun',
    date: '2026-03-29',
    hours: [['02:30', '04:00']],
    expectedHours: 0.5,
    expectedIntervals: ['2026-03-29T01:30:00.000Z/2026-03-29T02:00:00.000Z'],
  },
  {
    bug: 'fold start 02:30 takes the earlier instant',
    zone: 'Europe/Warsaw',
    day: 'sun',
    date: '2026-10-25',
    hours: [['02:30', '03:30']],
    expectedHours: 2,
    expectedIntervals: ['2026-10-25T00:30:00.000Z/2026-10-25T02:30:00.000Z'],
  },
  // America/New_York: 2026-03-08 02:00 EST → 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT → 01:00 EST (06:00Z).
  {
    bug: 'New York spring day is 23 h',
    zone: 'America/New_York',
    day: 'sun',
    date: '2026-03-08',
    hours: [['00:00', '24:00']],
    expectedHours: 23,
    expectedIntervals: ['2026-03-08T05:00:00.000Z/2026-03-09T04:00:00.000Z'],
  },
  {
    bug: 'New York fall day is 25 h',
    zone: 'America/New_York',
    day: 'sun',
    date: '2026-11-01',
    hours: [['00:00', '24:00']],
    expectedHours: 25,
    expectedIntervals: ['2026-11-01T04:00:00.000Z/2026-11-02T05:00:00.000Z'],
  },
  {
    bug: 'New York 02:00–03:00 in the gap is empty',
    zone: 'America/New_York',
    day: 'sun',
    date: '2026-03-08',
    hours: [['02:00', '03:00']],
    expectedHours: 0,
    expectedIntervals: [],
  },
  {
    bug: 'New York 01:00–02:00 covers the whole fold',
    zone: 'America/New_York',
    day: 'sun',
    date: '2026-11-01',
    hours: [['01:00', '02:00']],
    expectedHours: 2,
    expectedIntervals: ['2026-11-01T05:00:00.000Z/2026-11-01T07:00:00.000Z'],
  },
  {
    bug: 'New York 02:00–03:00 after the fold is 1 h',
    zone: 'America/New_York',
    day: 'sun',
    date: '2026-11-01',
    hours: [['02:00', '03:00']],
    expectedHours: 1,
    expectedIntervals: ['2026-11-01T07:00:00.000Z/2026-11-01T08:00:00.000Z'],
  },
  // Australia/Lord_Howe: a 30-minute shift. 2026-04-05 02:00 (+11) → 01:30 (+10:30); 2026-10-04 02:00 (+10:30) → 02:30 (+11).
  {
    bug: 'Lord Howe fall-back day is 24.5 h',
    zone: 'Australia/Lord_Howe',
    day: 'sun',
    date: '2026-04-05',
    hours: [['00:00', '24:00']],
    expectedHours: 24.5,
    expectedIntervals: ['2026-04-04T13:00:00.000Z/2026-04-05T13:30:00.000Z'],
  },
  {
    bug: 'Lord Howe spring day is 23.5 h',
    zone: 'Australia/Lord_Howe',
    day: 'sun',
    date: '2026-10-04',
    hours: [['00:00', '24:00']],
    expectedHours: 23.5,
    expectedIntervals: ['2026-10-03T13:30:00.000Z/2026-10-04T13:00:00.000Z'],
  },
  {
    bug: 'Lord Howe 02:00 in the 30-minute gap reads as 02:30',
    zone: 'Australia/Lord_Howe',
    day: 'sun',
    date: '2026-10-04',
    hours: [['02:00', '03:00']],
    expectedHours: 0.5,
    expectedIntervals: ['2026-10-03T15:30:00.000Z/2026-10-03T16:00:00.000Z'],
  },
  {
    bug: 'Lord Howe 01:00–02:00 spans the 30-minute fold',
    zone: 'Australia/Lord_Howe',
    day: 'sun',
    date: '2026-04-05',
    hours: [['01:00', '02:00']],
    expectedHours: 1.5,
    expectedIntervals: ['2026-04-04T14:00:00.000Z/2026-04-04T15:30:00.000Z'],
  },
  // Pacific/Chatham: +13:45 → +12:45 at 03:45 on 2026-04-05; +12:45 → +13:45 at 02:45 on 2026-09-27.
  {
    bug: 'Chatham fall-back day is 25 h',
    zone: 'Pacific/Chatham',
    day: 'sun',
    date: '2026-04-05',
    hours: [['00:00', '24:00']],
    expectedHours: 25,
    expectedIntervals: ['2026-04-04T10:15:00.000Z/2026-04-05T11:15:00.000Z'],
  },
  {
    bug: 'Chatham spring day is 23 h',
    zone: 'Pacific/Chatham',
    day: 'sun',
    date: '2026-09-27',
    hours: [['00:00', '24:00']],
    expectedHours: 23,
    expectedIntervals: ['2026-09-26T11:15:00.000Z/2026-09-27T10:15:00.000Z'],
  },
  {
    bug: 'Chatham 02:00–04:00 across the fold is 3 h',
    zone: 'Pacific/Chatham',
    day: 'sun',
    date: '2026-04-05',
    hours: [['02:00', '04:00']],
    expectedHours: 3,
    expectedIntervals: ['2026-04-04T12:15:00.000Z/2026-04-04T15:15:00.000Z'],
  },
  {
    bug: 'Chatham 02:00–04:00 across the gap is 1 h',
    zone: 'Pacific/Chatham',
    day: 'sun',
    date: '2026-09-27',
    hours: [['02:00', '04:00']],
    expectedHours: 1,
    expectedIntervals: ['2026-09-26T13:15:00.000Z/2026-09-26T14:15:00.000Z'],
  },
  // Asia/Kathmandu (+05:45, no DST): local days start at 18:15Z.
  {
    bug: '+05:45 day starts at 18:15Z',
    zone: 'Asia/Kathmandu',
    day: 'mon',
    date: '2026-03-09',
    hours: [['00:00', '24:00']],
    expectedHours: 24,
    expectedIntervals: ['2026-03-08T18:15:00.000Z/2026-03-09T18:15:00.000Z'],
  },
  {
    bug: '+05:45 office hours',
    zone: 'Asia/Kathmandu',
    day: 'mon',
    date: '2026-03-09',
    hours: [['09:00', '17:00']],
    expectedHours: 8,
    expectedIntervals: ['2026-03-09T03:15:00.000Z/2026-03-09T11:15:00.000Z'],
  },
];

describe('DST and odd-offset days (edge cases 1, 2, 26)', () => {
  describe.each(rows)('$zone $date $hours: $bug', (row) => {
    const versions = single({ timezone: row.zone, weekly: { [row.day]: row.hours } });
    // Three days either side: exactly one occurrence of the weekday.
    const from = at(`${row.date}T12:00:00Z`) - 3 * DAY;
    const to = at(`${row.date}T12:00:00Z`) + 3 * DAY;
    it.each(bothImplementations(versions))('%s', (_, calendar) => {
      expect(calendar.elapsed(from, to)).toBe(row.expectedHours * HOUR);
      expect(isoIntervals(calendar.openIntervals(from, to))).toEqual(row.expectedIntervals);
    });
  });

  it('a 00:00–24:00 week across each 2026 Warsaw change equals real elapsed time (167 h, 169 h)', () => {
    const allDay: LocalInterval[] = [['00:00', '24:00']];
    const calendar = calendarOf({
      timezone: 'Europe/Warsaw',
      weekly: {
        mon: allDay,
        tue: allDay,
        wed: allDay,
        thu: allDay,
        fri: allDay,
        sat: allDay,
        sun: allDay,
      },
    });
    const springWeek: [number, number] = [
      at('2026-03-23T00:00:00+01:00'),
      at('2026-03-30T00:00:00+02:00'),
    ];
    const fallWeek: [number, number] = [
      at('2026-10-19T00:00:00+02:00'),
      at('2026-10-26T00:00:00+01:00'),
    ];
    expect(calendar.elapsed(...springWeek)).toBe(167 * HOUR);
    expect(calendar.elapsed(...fallWeek)).toBe(169 * HOUR);
    expect(calendar.elapsed(...springWeek)).toBe(ALWAYS_OPEN.elapsed(...springWeek));
    expect(calendar.openIntervals(...fallWeek)).toEqual([fallWeek]);
  });

  it('a business day is counted per local date, not per 86,400 s step (New York fall week, 09:00–17:00)', () => {
    const calendar = calendarOf({
      timezone: 'America/New_York',
      weekly: { mon: [['09:00', '17:00']], sun: [['09:00', '17:00']] },
    });
    // Sun 2026-11-01 09:00 EST is 14:00Z (not 13:00Z as a +86,400 s step from Saturday EDT gives).
    expect(calendar.nextOpen(at('2026-10-31T20:00:00Z'))).toBe(at('2026-11-01T14:00:00Z'));
    expect(calendar.elapsed(at('2026-10-31T00:00:00Z'), at('2026-11-03T00:00:00Z'))).toBe(
      16 * HOUR,
    );
  });
});
