/**
 * `BusinessCalendar.prepare`: the bounded steps a server takes before a computation, so that a
 * first computation over centuries never holds the event loop (issue 11: business time from year
 * 1000 to 9999 with holidays blocked the loop for 64 s). Each step builds a bounded number of
 * chunks, the steps end, and preparing never changes a result.
 */
import { describe, expect, it } from 'vitest';
import { CHUNK_MS, Timeline } from '../../../src/core/calendar/timeline.js';
import { IntervalTable } from '../../../src/core/calendar/interval-table.js';
import { compileCalendar } from '../../../src/core/calendar/index.js';
import type { CalendarDefinition } from '../../../src/core/calendar/types.js';
import { at, DAY, HOUR } from './helpers.js';

/** A timeline open 09:00–10:00 UTC daily that counts the chunks it builds. */
function countingTimeline() {
  const built: number[] = [];
  const timeline = new Timeline((start, end) => {
    built.push(start);
    const pieces: Array<[number, number]> = [];
    for (let d = Math.ceil(start / DAY) * DAY; d < end; d += DAY) {
      pieces.push([d + 9 * HOUR, d + 10 * HOUR]);
    }
    return new IntervalTable(pieces, start, end - start);
  });
  return { timeline, built };
}

const warsaw: CalendarDefinition = {
  timezone: 'Europe/Warsaw',
  weekly: { mon: [['08:00', '17:00']], wed: [['22:00', '06:00']], fri: [['08:00', '12:00']] },
  holidays: { country: 'PL' },
};

describe('Timeline.coverStep / addStep', () => {
  it('builds at most `steps` chunks a call, outward from what is built, until covered', () => {
    const { timeline, built } = countingTimeline();
    const a = at('2000-01-01T00:00:00Z');
    const b = at('2010-01-01T00:00:00Z');
    timeline.elapsed(at('2005-06-01T00:00:00Z'), at('2005-06-02T00:00:00Z'));
    built.length = 0;
    let calls = 0;
    for (;;) {
      const before = built.length;
      const done = timeline.coverStep(a, b, 8);
      expect(built.length - before).toBeLessThanOrEqual(8);
      calls += 1;
      if (done) break;
    }
    const chunks = Math.floor(b / CHUNK_MS) - Math.floor(a / CHUNK_MS) + 1;
    expect(built.length).toBe(chunks - 1);
    expect(calls).toBeGreaterThan(chunks / 8 - 1);
    built.length = 0;
    expect(timeline.elapsed(a, b)).toBe(Math.round((b - a) / DAY) * HOUR);
    expect(built).toEqual([]);
  });

  it('prepares an addition up to the chunk where it ends, then answers without building', () => {
    const { timeline, built } = countingTimeline();
    const t = at('2020-01-01T00:00:00Z');
    const d = 1000 * HOUR; // 1,000 days of one open hour
    while (!timeline.addStep(t, d, Infinity, 4));
    built.length = 0;
    expect(timeline.add(t, d, Infinity)).toBe(t + 999 * DAY + 10 * HOUR);
    expect(built).toEqual([]);
  });

  it('stops at the horizon', () => {
    const { timeline } = countingTimeline();
    const t = at('2020-01-01T00:00:00Z');
    let calls = 0;
    while (!timeline.addStep(t, 1e15, t + 400 * DAY, 4)) calls += 1;
    expect(calls).toBeLessThan(10);
    expect(timeline.add(t, 1e15, t + 400 * DAY)).toBe(Infinity);
  });
});

describe('BusinessCalendar.prepare', () => {
  it('never changes a result, over the whole domain with holidays', () => {
    const prepared = compileCalendar([{ version: 1, effectiveFrom: 0, definition: warsaw }]);
    const cold = compileCalendar([{ version: 1, effectiveFrom: 0, definition: warsaw }]);
    const from = at('1970-01-01T00:00:00Z');
    const to = at('2199-12-31T23:59:59.999Z');
    const ten = 315_360_000_000;
    let steps = 0;
    while (!prepared.prepare(from, to, ten)) steps += 1;
    expect(steps).toBeGreaterThan(100);
    expect(prepared.elapsed(from, to)).toBe(cold.elapsed(from, to));
    expect(prepared.add(to, ten)).toBe(cold.add(to, ten));
    // Friday 09:00 plus 4 h: 3 h until Friday's 12:00 close, 1 h from Monday's 08:00 opening.
    expect(prepared.add(at('2026-11-20T09:00:00+01:00'), 4 * HOUR)).toBe(
      at('2026-11-23T09:00:00+01:00'),
    );
  });

  it('answers true at once for the built-in 24x7 and for what is built', () => {
    const calendar = compileCalendar([{ version: 1, effectiveFrom: 0, definition: warsaw }]);
    const a = at('2026-01-01T00:00:00Z');
    while (!calendar.prepare(a, a + DAY));
    expect(calendar.prepare(a, a + DAY)).toBe(true);
  });
});
