/**
 * Property tests: the algebra calendars.md promises (additivity, `add` as the inverse of
 * `elapsed`, monotonicity, well-formed open intervals) on random calendars (arbitraries.ts),
 * 1,000 generated cases each.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { compileCalendar } from '../../../src/core/calendar/index.js';
import { RUNS, scenarioArb } from './arbitraries.js';
import { DAY, at } from './helpers.js';

describe('algebra of business time', () => {
  it('elapsed(a, b) + elapsed(b, c) = elapsed(a, c), across chunk and version boundaries', () => {
    const wide = fc.integer({ min: at('2025-01-01T00:00:00Z'), max: at('2027-07-01T00:00:00Z') });
    fc.assert(
      fc.property(scenarioArb, wide, wide, ({ versions, t }, b, c) => {
        const calendar = compileCalendar(versions);
        expect(calendar.elapsed(t, b) + calendar.elapsed(b, c)).toBe(calendar.elapsed(t, c));
      }),
      RUNS,
    );
  });

  it('elapsed(t, add(t, d)) = d, and add returns the earliest such instant', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 1, max: 60 * DAY }), ({ versions, t }, d) => {
        const calendar = compileCalendar(versions);
        const u = calendar.add(t, d);
        if (u === Infinity) {
          expect(calendar.elapsed(t, at('2032-01-01T00:00:00Z'))).toBeLessThan(d);
          return;
        }
        expect(u).toBeGreaterThan(t);
        expect(calendar.elapsed(t, u)).toBe(d);
        expect(calendar.elapsed(t, u - 1)).toBeLessThan(d);
      }),
      RUNS,
    );
  });

  it('add is monotonic in d', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(30 * DAY), fc.nat(30 * DAY), ({ versions, t }, x, y) => {
        const calendar = compileCalendar(versions);
        const [d1, d2] = x <= y ? [x, y] : [y, x];
        expect(calendar.add(t, d1)).toBeLessThanOrEqual(calendar.add(t, d2));
      }),
      RUNS,
    );
  });

  it('openIntervals are ordered, disjoint, apart, inside [a, b) and sum to elapsed', () => {
    fc.assert(
      fc.property(scenarioArb, ({ versions, t, spanMs }) => {
        const calendar = compileCalendar(versions);
        const intervals = calendar.openIntervals(t, t + spanMs);
        let previousEnd = -Infinity;
        let sum = 0;
        for (const [start, end] of intervals) {
          expect(start).toBeGreaterThan(previousEnd);
          expect(end).toBeGreaterThan(start);
          expect(calendar.isOpen(start)).toBe(true);
          previousEnd = end;
          sum += end - start;
        }
        expect(intervals[0]?.[0] ?? t).toBeGreaterThanOrEqual(t);
        expect(previousEnd).toBeLessThanOrEqual(t + spanMs);
        expect(sum).toBe(calendar.elapsed(t, t + spanMs));
      }),
      RUNS,
    );
  });
});
