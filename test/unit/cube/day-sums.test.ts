/**
 * The measure day level (day-sums.ts) against brute force: after adds in any order of days (so
 * the cumulated sums are re-laid both ways and grow past their end), row by row or deferred to a
 * flush, or built in bulk, every value's sums over any day range are those of the adds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DaySums } from '../../../src/reporting/kpis/cube/day-sums.js';

const add = fc.record({
  v: fc.integer({ min: 0, max: 5 }),
  day: fc.integer({ min: -400, max: 400 }),
  x: fc.tuple(fc.integer({ min: -5, max: 9 }), fc.integer({ min: -5, max: 9 })),
});

describe('DaySums', () => {
  it('sums every value over any day range as the adds do', () => {
    fc.assert(
      fc.property(
        fc.array(add, { maxLength: 20 }),
        fc.array(fc.record({ adds: fc.array(add, { maxLength: 20 }), deferred: fc.boolean() }), {
          maxLength: 5,
        }),
        fc.array(fc.record({ d0: fc.integer({ min: -600, max: 600 }), len: fc.nat(900) }), {
          minLength: 1,
          maxLength: 6,
        }),
        (bulk, batches, queries) => {
          const sums = new DaySums(2);
          if (bulk.length > 0) {
            const days = bulk.map((a) => a.day);
            sums.reserve(6, Math.min(...days), Math.max(...days));
            for (const a of bulk)
              sums.addDaily(a.v, a.day, [Float64Array.of(a.x[0]), Float64Array.of(a.x[1])], 0);
            sums.cumulate();
          }
          for (const { adds, deferred } of batches) {
            for (const a of adds) sums.add(a.v, a.day, a.x, deferred);
            if (deferred) sums.flush();
          }
          const all = [...bulk, ...batches.flatMap((b) => b.adds)];
          for (const { d0, len } of queries) {
            const out = new Float64Array(6 * 2);
            sums.sumRange(d0, d0 + len, 6, out);
            const want = new Float64Array(6 * 2);
            for (const a of all) {
              if (a.day < d0 || a.day >= d0 + len) continue;
              want[a.v * 2]! += a.x[0];
              want[a.v * 2 + 1]! += a.x[1];
            }
            expect([...out]).toEqual([...want]);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
