import { describe, expect, it } from 'vitest';
import {
  comparisonShift,
  periodIndex,
  periodsOf,
  periodStart,
} from '../../../src/core/time/periods.js';

const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();
const HOUR = 3_600_000;

describe('periodsOf', () => {
  it.each([
    // zone, day, its UTC start, its length in hours
    ['Europe/Warsaw', '2026-03-29T12:00:00Z', '2026-03-28T23:00:00.000Z', 23],
    ['Europe/Warsaw', '2026-10-25T12:00:00Z', '2026-10-24T22:00:00.000Z', 25],
    ['Europe/Warsaw', '2026-07-01T12:00:00Z', '2026-06-30T22:00:00.000Z', 24],
    ['Asia/Kolkata', '2026-07-01T12:00:00Z', '2026-06-30T18:30:00.000Z', 24],
    ['Asia/Kathmandu', '2026-07-01T12:00:00Z', '2026-06-30T18:15:00.000Z', 24],
    ['Pacific/Chatham', '2026-07-01T12:00:00Z', '2026-07-01T11:15:00.000Z', 24],
    ['America/New_York', '2026-03-08T12:00:00Z', '2026-03-08T05:00:00.000Z', 23],
    ['America/New_York', '2026-11-01T12:00:00Z', '2026-11-01T04:00:00.000Z', 25],
    // Santiago's spring-forward is at local midnight: the day starts at 01:00, 23 hours long.
    ['America/Santiago', '2026-09-06T12:00:00Z', '2026-09-06T04:00:00.000Z', 23],
    ['UTC', '2026-07-01T12:00:00Z', '2026-07-01T00:00:00.000Z', 24],
  ])('a local day in %s containing %s starts at %s and lasts %d h', (zone, at, start, hours) => {
    const [p] = periodsOf(ms(at), ms(at) + 1, 'day', zone)!;
    expect(iso(p!.start)).toBe(start);
    expect((p!.end - p!.start) / HOUR).toBe(hours);
  });

  it('tiles [from, to) with ISO weeks starting on Monday, the first one before from', () => {
    const periods = periodsOf(
      ms('2026-10-01T00:00:00Z'),
      ms('2026-11-01T00:00:00Z'),
      'week',
      'Europe/Warsaw',
    )!;
    expect(periods.map((p) => iso(p.start))).toEqual([
      '2026-09-27T22:00:00.000Z',
      '2026-10-04T22:00:00.000Z',
      '2026-10-11T22:00:00.000Z',
      '2026-10-18T22:00:00.000Z',
      '2026-10-25T23:00:00.000Z', // the week after the fall-back starts an hour later in UTC
    ]);
    // The DST week is 169 hours long; the periods are contiguous.
    expect((periods[3]!.end - periods[3]!.start) / HOUR).toBe(169);
    for (let i = 1; i < periods.length; i++) expect(periods[i]!.start).toBe(periods[i - 1]!.end);
  });

  it('gives local hours, a fall-back day having 25 of them and no repeated start', () => {
    const periods = periodsOf(
      ms('2026-10-24T22:00:00Z'),
      ms('2026-10-25T23:00:00Z'),
      'hour',
      'Europe/Warsaw',
    )!;
    expect(periods).toHaveLength(25);
    expect(new Set(periods.map((p) => p.start)).size).toBe(25);
    for (const p of periods) expect(p.end - p.start).toBe(HOUR);
  });

  it('gives local months of uneven length', () => {
    const periods = periodsOf(
      ms('2026-01-15T00:00:00Z'),
      ms('2026-04-01T00:00:00Z'),
      'month',
      'Asia/Kolkata',
    )!;
    expect(periods.map((p) => iso(p.start))).toEqual([
      '2025-12-31T18:30:00.000Z',
      '2026-01-31T18:30:00.000Z',
      '2026-02-28T18:30:00.000Z',
      '2026-03-31T18:30:00.000Z', // contains 2026-04-01T00:00Z: [from, to) reaches into April local
    ]);
  });

  it('is one period [from, to) with interval none, and reports more than the limit', () => {
    expect(periodsOf(5, 10, 'none', 'UTC')).toEqual([{ start: 5, end: 10 }]);
    expect(periodsOf(0, 10 * HOUR, 'hour', 'UTC', 9)).toBeUndefined();
    expect(periodsOf(0, 10 * HOUR, 'hour', 'UTC', 10)).toHaveLength(10);
  });

  it('finds the period of an instant', () => {
    const periods = periodsOf(0, 5 * HOUR, 'hour', 'UTC')!;
    expect(periodIndex(periods, 0)).toBe(0);
    expect(periodIndex(periods, 2 * HOUR)).toBe(2);
    expect(periodIndex(periods, 5 * HOUR - 1)).toBe(4);
    expect(periodIndex(periods, 5 * HOUR)).toBe(-1);
    expect(periodIndex(periods, -1)).toBe(-1);
  });

  it('starts weeks on Monday in every zone', () => {
    const start = periodStart(ms('2026-12-03T12:00:00Z'), 'week', 'Australia/Adelaide');
    expect(iso(start)).toBe('2026-11-29T13:30:00.000Z'); // Monday 30 November 00:00 +10:30
  });
});

describe('comparisonShift', () => {
  const W = 'Europe/Warsaw';
  it('steps a whole local month back by a month', () => {
    const shift = comparisonShift(
      ms('2026-09-30T22:00:00Z'),
      ms('2026-10-31T23:00:00Z'),
      'previous_period',
      W,
    );
    expect(iso(shift(ms('2026-09-30T22:00:00Z')))).toBe('2026-08-31T22:00:00.000Z');
  });

  it('steps whole local days back by days across DST, other windows by their length', () => {
    // The week of the fall-back (169 h) compares with the 168-hour week before it.
    const days = comparisonShift(
      ms('2026-10-18T22:00:00Z'),
      ms('2026-10-25T23:00:00Z'),
      'previous_period',
      W,
    );
    expect(iso(days(ms('2026-10-18T22:00:00Z')))).toBe('2026-10-11T22:00:00.000Z');
    expect(iso(days(ms('2026-10-25T22:30:00Z')))).toBe('2026-10-18T21:30:00.000Z');
    const span = comparisonShift(
      ms('2026-10-01T10:00:00Z'),
      ms('2026-10-01T13:00:00Z'),
      'previous_period',
      W,
    );
    expect(iso(span(ms('2026-10-01T10:00:00Z')))).toBe('2026-10-01T07:00:00.000Z');
  });

  it('moves to the same local date a year before, 29 February to 28 February', () => {
    const shift = comparisonShift(0, 1, 'previous_year', W);
    expect(iso(shift(ms('2028-02-28T23:00:00Z')))).toBe('2027-02-27T23:00:00.000Z');
    expect(iso(shift(ms('2026-07-01T10:00:00Z')))).toBe('2025-07-01T10:00:00.000Z');
  });
});
