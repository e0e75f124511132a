import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binValue,
  SKETCH_RELATIVE_ACCURACY,
  sketchBin,
  sketchQuantile,
} from '../../../src/core/aggregate/sketch.js';

function sketchOf(values: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(sketchBin(v), (counts.get(sketchBin(v)) ?? 0) + 1);
  return counts;
}

/** The exact quantile by nearest rank (SQL's percentile_disc). */
function exact(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

describe('quantile sketch', () => {
  it('reads every value back within 1 %', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 315_360_000_000 }), (ms) => {
        const back = binValue(sketchBin(ms));
        expect(Math.abs(back - ms) / ms).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY + 1e-9);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps zero exact and puts larger values in higher bins', () => {
    expect(sketchBin(0)).toBe(0);
    expect(binValue(0)).toBe(0);
    expect(sketchBin(-5)).toBe(0);
    expect(sketchBin(1)).toBeGreaterThan(0);
    expect(sketchBin(1000)).toBeLessThan(sketchBin(1100));
  });

  it('gives p50 and p90 within 1 % of the exact ones, whatever the data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(0, 0.5, 0.9, 1),
        (values, q) => {
          const got = sketchQuantile(sketchOf(values), q)!;
          const want = exact(values, q);
          if (want === 0) expect(got).toBe(0);
          else expect(Math.abs(got - want) / want).toBeLessThanOrEqual(0.01 + 1e-9);
        },
      ),
    );
  });

  it('merges and withdraws by adding counts: a withdrawn value leaves no trace', () => {
    const a = sketchOf([100, 200, 300, 4000]);
    const withdrawn = sketchOf([4000]);
    const merged = new Map(a);
    for (const [bin, n] of withdrawn) merged.set(bin, (merged.get(bin) ?? 0) - n);
    expect(sketchQuantile(merged, 1)).toBeCloseTo(300, -1);
    expect(sketchQuantile(merged, 0.5)).toBeCloseTo(200, -1);
  });

  it('is null for an empty sketch', () => {
    expect(sketchQuantile(new Map(), 0.5)).toBeNull();
    expect(sketchQuantile(new Map([[5, 0]]), 0.5)).toBeNull();
  });
});
