/**
 * The sketch day level (series.ts) against brute force: after adds in any order of days (so the
 * cumulated counts are re-laid both ways), row by row or deferred to a flush, every block's
 * count over any day range, and its entries, are those of the adds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK, BLOCK_SHIFT, DimSeries } from '../../../src/reporting/kpis/cube/series.js';

const add = fc.record({
  v: fc.integer({ min: 0, max: 3 }),
  day: fc.integer({ min: -300, max: 300 }),
  bin: fc.integer({ min: 0, max: 200 }),
  count: fc.integer({ min: -2, max: 5 }),
});

describe('DimSeries', () => {
  it('counts every block over any day range as the adds do', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ adds: fc.array(add, { maxLength: 30 }), deferred: fc.boolean() }), {
          maxLength: 6,
        }),
        fc.array(
          fc.record({
            v: fc.integer({ min: 0, max: 4 }),
            d0: fc.integer({ min: -500, max: 500 }),
            len: fc.integer({ min: 0, max: 700 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (batches, queries) => {
          const dim = new DimSeries();
          const all: Array<{ v: number; day: number; bin: number; count: number }> = [];
          for (const { adds, deferred } of batches) {
            for (const a of adds) dim.add(a.v, a.day, a.bin, a.count, deferred);
            if (deferred) dim.flush();
            all.push(...adds);
          }
          for (const { v, d0, len } of queries) {
            const d1 = d0 + len;
            const want = new Map<number, number>();
            for (const a of all) {
              if (a.v !== v || a.day < d0 || a.day >= d1) continue;
              want.set(a.bin >> BLOCK_SHIFT, (want.get(a.bin >> BLOCK_SHIFT) ?? 0) + a.count);
            }
            const value = dim.values[v];
            const got = new Map<number, number>();
            const fromEntries = new Map<number, number>();
            value?.blocks.forEach((s, b) => {
              const c =
                value.cum[dim.at(d1) * value.width + b]! - value.cum[dim.at(d0) * value.width + b]!;
              if (c !== 0) got.set(s.block, c);
              let sum = 0;
              for (let i = s.lowerBound(d0); i < s.lowerBound(d1); i++) {
                sum += s.count[i]!;
                expect(s.key[i]! & (BLOCK - 1)).toBeLessThan(BLOCK);
              }
              if (sum !== 0) fromEntries.set(s.block, sum);
            });
            for (const [b, c] of [...want]) if (c === 0) want.delete(b);
            expect(got).toEqual(want);
            expect(fromEntries).toEqual(want);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
