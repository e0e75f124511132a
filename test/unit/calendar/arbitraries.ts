/**
 * Random calendars for the property tests (properties-*.test.ts).
 *
 * Calendars are drawn to hit the hard cases often: zones from a DST-heavy list (30-minute shifts,
 * +05:45 and +12:45 offsets, Dublin's negative DST, Casablanca's Ramadan changes), times near
 * 00:00–04:00 where gaps and folds live, crossing intervals, 24:00, exceptions around the queried
 * instants, public holidays, and sometimes a second version whose boundary lands in the window.
 * Instants are drawn uniformly over 2026 or within days of a 2026 offset change of the zone.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';

import type {
  CalendarDefinition,
  CalendarException,
  CalendarVersion,
  LocalInterval,
} from '../../../src/core/calendar/index.js';
import { DAY, at } from './helpers.js';

const ZONES = [
  'Europe/Warsaw',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Europe/Dublin',
  'America/St_Johns',
  'Australia/Sydney',
  'America/Santiago',
  'Africa/Casablanca',
  'UTC',
] as const;
const YEAR_START = at('2026-01-01T00:00:00Z');
const YEAR_END = at('2027-01-01T00:00:00Z');
/** Every property runs 1,000 generated cases. */
export const RUNS = { numRuns: 1000 };

/** Days of 2026 (as instants at 00:00Z) on which the zone's UTC offset changes, found with luxon. */
function offsetChanges(zone: string): number[] {
  const changes: number[] = [];
  for (let t = YEAR_START; t < YEAR_END; t += DAY) {
    if (DateTime.fromMillis(t, { zone }).offset !== DateTime.fromMillis(t + DAY, { zone }).offset)
      changes.push(t);
  }
  return changes.length > 0 ? changes : [YEAR_START + 180 * DAY];
}
const CHANGES = new Map(ZONES.map((zone) => [zone, offsetChanges(zone)]));

const pad = (n: number): string => String(n).padStart(2, '0');
const timeArb = fc.oneof(
  fc.constantFrom(
    '00:00',
    '01:00',
    '01:30',
    '02:00',
    '02:30',
    '02:45',
    '03:00',
    '03:45',
    '04:00',
    '09:00',
    '17:00',
    '22:00',
  ),
  fc.integer({ min: 0, max: 24 * 60 - 1 }).map((m) => `${pad(Math.floor(m / 60))}:${pad(m % 60)}`),
  fc
    .integer({ min: 0, max: 86_399 })
    .map((s) => `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`),
);
const endArb = fc.oneof(
  { weight: 4, arbitrary: timeArb },
  { weight: 1, arbitrary: fc.constantFrom('24:00', '24:00:00') },
);
const intervalArb: fc.Arbitrary<LocalInterval> = fc.tuple(timeArb, endArb);
const hoursArb = fc.array(intervalArb, { maxLength: 3 });
const weeklyArb = fc.record(
  {
    mon: hoursArb,
    tue: hoursArb,
    wed: hoursArb,
    thu: hoursArb,
    fri: hoursArb,
    sat: hoursArb,
    sun: hoursArb,
  },
  { requiredKeys: [] },
);
const holidaysArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.constantFrom({ country: 'PL' }, { country: 'US' }, { country: 'NZ' }),
  },
);

/** An instant in 2026: uniform, or within four days of one of the zone's offset changes. */
function instantArb(zone: string): fc.Arbitrary<number> {
  const changes = CHANGES.get(zone as (typeof ZONES)[number]) ?? [YEAR_START];
  return fc.oneof(
    fc.integer({ min: YEAR_START, max: YEAR_END }),
    fc
      .tuple(fc.constantFrom(...changes), fc.integer({ min: -4 * DAY, max: 4 * DAY }))
      .map(([c, d]) => c + d),
  );
}

export interface Scenario {
  versions: CalendarVersion[];
  /** The anchor instant all queries start from. */
  t: number;
  /** Extra random numbers the properties turn into spans, durations and choices. */
  spanMs: number;
  fraction: number;
}

function definitionArb(zone: string, t: number): fc.Arbitrary<CalendarDefinition> {
  const exceptionArb = fc.record({ day: fc.integer({ min: -3, max: 20 }), hours: hoursArb });
  return fc
    .record({
      weekly: weeklyArb,
      exceptions: fc.array(exceptionArb, { maxLength: 4 }),
      holidays: holidaysArb,
    })
    .map(({ weekly, exceptions, holidays }) => {
      const byDate = new Map<string, CalendarException>();
      for (const e of exceptions) {
        const date = DateTime.fromMillis(t + e.day * DAY, { zone }).toISODate()!;
        if (!byDate.has(date)) byDate.set(date, { date, hours: e.hours });
      }
      return {
        timezone: zone,
        weekly,
        exceptions: [...byDate.values()],
        ...(holidays ? { holidays } : {}),
      };
    });
}

export const scenarioArb: fc.Arbitrary<Scenario> = fc
  .constantFrom(...ZONES)
  .chain((zone) => fc.tuple(fc.constant(zone), instantArb(zone)))
  .chain(([zone, t]) =>
    fc.record({
      first: definitionArb(zone, t),
      firstFrom: fc.integer({ min: -10 * DAY, max: 5 * DAY }),
      second: fc.option(
        fc.record({
          definition: fc.constantFrom(...ZONES).chain((z) => definitionArb(z, t)),
          from: fc.integer({ min: -2 * DAY, max: 15 * DAY }),
        }),
        { freq: 3 },
      ),
      spanMs: fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 0, max: 3 * DAY }) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 20 * DAY }) },
      ),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
      t: fc.constant(t),
    }),
  )
  .map(({ first, firstFrom, second, spanMs, fraction, t }) => {
    const versions: CalendarVersion[] = [
      { version: 1, effectiveFrom: t + firstFrom, definition: first },
    ];
    if (second)
      versions.push({ version: 2, effectiveFrom: t + second.from, definition: second.definition });
    return { versions, t, spanMs, fraction };
  });
