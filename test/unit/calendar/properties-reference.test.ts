/**
 * Property tests: the engine against the naive reference (reference-calendar.ts) on random
 * calendars (arbitraries.ts), 1,000 generated cases each.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { compileCalendar } from '../../../src/core/calendar/index.js';
import { RUNS, scenarioArb } from './arbitraries.js';
import { DAY, iso } from './helpers.js';
import { referenceCalendar } from './reference-calendar.js';

describe('engine = naive reference on random calendars', () => {
  it('elapsed agrees (either direction)', () => {
    fc.assert(
      fc.property(scenarioArb, fc.boolean(), ({ versions, t, spanMs }, backwards) => {
        const [a, b] = backwards ? [t + spanMs, t] : [t, t + spanMs];
        expect(compileCalendar(versions).elapsed(a, b)).toBe(
          referenceCalendar(versions).elapsed(a, b),
        );
      }),
      RUNS,
    );
  });

  it('add agrees, including durations that run out exactly at a closing instant', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.nat(),
        fc.boolean(),
        ({ versions, t, fraction }, pick, toClosing) => {
          const reference = referenceCalendar(versions);
          const window = reference.openIntervals(t, t + 10 * DAY);
          const openUntil = (u: number): number =>
            window.reduce((sum, [start, end]) => sum + Math.max(0, Math.min(end, u) - start), 0);
          const closings = window.map(([, end]) => end);
          const d =
            toClosing && closings.length > 0
              ? openUntil(closings[pick % closings.length]!)
              : Math.round(fraction * openUntil(t + 10 * DAY));
          expect(iso(compileCalendar(versions).add(t, d))).toBe(iso(reference.add(t, d)));
        },
      ),
      RUNS,
    );
  });

  it('nextOpen and isOpen agree', () => {
    fc.assert(
      fc.property(scenarioArb, ({ versions, t }) => {
        const [engine, reference] = [compileCalendar(versions), referenceCalendar(versions)];
        expect(engine.isOpen(t)).toBe(reference.isOpen(t));
        const next = engine.nextOpen(t);
        // The reference looks ~4 years ahead; beyond that both must agree there is nothing.
        expect(iso(next)).toBe(iso(reference.nextOpen(t)));
      }),
      RUNS,
    );
  });
});
