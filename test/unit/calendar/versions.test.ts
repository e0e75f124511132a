/**
 * Regression tests for calendar versions (edge case 14: edits rewrite history). The version in
 * force at an instant is the latest with `effectiveFrom <= instant` (before the first: the
 * first), and a boundary cuts intervals so each side counts by its own version.
 *
 * v1 (from 2026-01-01T00:00Z): Warsaw Mon–Fri 09:00–17:00.
 * v2 (from Wed 2026-06-03T10:00Z = 12:00 CEST): Warsaw Mon–Fri 10:00–18:00.
 * v3 (from 2026-09-01T00:00Z): New York Mon–Fri 09:00–17:00.
 */
import { describe, expect, it } from 'vitest';

import { compileCalendar, type CalendarVersion } from '../../../src/core/calendar/index.js';
import { HOUR, at, bothImplementations, iso, isoIntervals, mondayToFriday } from './helpers.js';

const v1: CalendarVersion = {
  version: 1,
  effectiveFrom: at('2026-01-01T00:00:00Z'),
  definition: { timezone: 'Europe/Warsaw', weekly: mondayToFriday([['09:00', '17:00']]) },
};
const v2: CalendarVersion = {
  version: 2,
  effectiveFrom: at('2026-06-03T10:00:00Z'),
  definition: { timezone: 'Europe/Warsaw', weekly: mondayToFriday([['10:00', '18:00']]) },
};
const v3: CalendarVersion = {
  version: 3,
  effectiveFrom: at('2026-09-01T00:00:00Z'),
  definition: { timezone: 'America/New_York', weekly: mondayToFriday([['09:00', '17:00']]) },
};
// Deliberately out of order: the engine sorts by effectiveFrom.
const versions = [v3, v1, v2];

describe('calendar versions (edge case 14)', () => {
  describe.each(bothImplementations(versions))('%s', (_, calendar) => {
    it.each([
      [
        'the boundary day counts 3 h by v1 and 6 h by v2',
        '2026-06-03T00:00:00+02:00',
        '2026-06-04T00:00:00+02:00',
        9,
      ],
      [
        'the day before counts by v1 only',
        '2026-06-02T00:00:00+02:00',
        '2026-06-03T00:00:00+02:00',
        8,
      ],
      [
        'before the first version, the first version applies',
        '2025-06-02T00:00:00+02:00',
        '2025-06-03T00:00:00+02:00',
        8,
      ],
      [
        'v3 moves the office to New York (09:00 EDT = 13:00Z)',
        '2026-09-01T00:00:00Z',
        '2026-09-02T00:00:00Z',
        8,
      ],
    ])('%s', (_label, from, to, hours) => {
      expect(calendar.elapsed(at(from), at(to))).toBe(hours * HOUR);
    });

    it('joins the two sides of the boundary into one open interval', () => {
      expect(
        isoIntervals(
          calendar.openIntervals(at('2026-06-03T00:00:00Z'), at('2026-06-04T00:00:00Z')),
        ),
      ).toEqual(['2026-06-03T07:00:00.000Z/2026-06-03T16:00:00.000Z']);
      expect(
        isoIntervals(
          calendar.openIntervals(at('2026-09-01T00:00:00Z'), at('2026-09-02T00:00:00Z')),
        ),
      ).toEqual(['2026-09-01T13:00:00.000Z/2026-09-01T21:00:00.000Z']);
    });

    it('adds across the boundary: 1 h of v1 then 1 h of v2', () => {
      expect(iso(calendar.add(at('2026-06-03T09:00:00Z'), 2 * HOUR))).toBe(
        '2026-06-03T11:00:00.000Z',
      );
    });
  });

  it('versionAt: the first before it starts, then the latest in force', () => {
    const calendar = compileCalendar(versions);
    expect(calendar.versionAt(at('2020-01-01T00:00:00Z'))).toBe(1);
    expect(calendar.versionAt(v2.effectiveFrom - 1)).toBe(1);
    expect(calendar.versionAt(v2.effectiveFrom)).toBe(2);
    expect(calendar.versionAt(at('2030-01-01T00:00:00Z'))).toBe(3);
  });

  it('a boundary cuts a crossing shift: Fri 22:00 CEST to the next version at Sat 00:00 CEST is 2 h', () => {
    const shift: CalendarVersion = {
      version: 1,
      effectiveFrom: at('2026-01-01T00:00:00Z'),
      definition: { timezone: 'Europe/Warsaw', weekly: { fri: [['22:00', '06:00']] } },
    };
    const closed: CalendarVersion = {
      version: 2,
      effectiveFrom: at('2026-06-06T00:00:00+02:00'),
      definition: { timezone: 'Europe/Warsaw', weekly: {} },
    };
    for (const [, calendar] of bothImplementations([shift, closed])) {
      expect(calendar.elapsed(at('2026-06-05T00:00:00Z'), at('2026-06-08T00:00:00Z'))).toBe(
        2 * HOUR,
      );
    }
  });

  it('with equal effectiveFrom the higher version number wins', () => {
    const from = at('2026-03-01T00:00:00Z');
    const calendar = compileCalendar([
      {
        version: 2,
        effectiveFrom: from,
        definition: { timezone: 'UTC', weekly: { mon: [['00:00', '01:00']] } },
      },
      {
        version: 1,
        effectiveFrom: from,
        definition: { timezone: 'UTC', weekly: { mon: [['00:00', '02:00']] } },
      },
    ]);
    expect(calendar.versionAt(from)).toBe(2);
    expect(calendar.elapsed(at('2026-03-02T00:00:00Z'), at('2026-03-03T00:00:00Z'))).toBe(HOUR);
  });
});
