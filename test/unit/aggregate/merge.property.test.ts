/**
 * Algebra of contribution rows (cheap, 1000 runs each): applying `diff(old, new)` to `old`
 * gives `new`; diffs compose; merge is order-independent; buckets are 15-minute aligned.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffContributions, mergeContributions } from '../../../src/core/aggregate/merge.js';
import { BUCKET_MS, bucketOf, type Contribution } from '../../../src/core/aggregate/types.js';

const row: fc.Arbitrary<Contribution> = fc.record({
  kind: fc.constant('volume' as const),
  bucket: fc.integer({ min: 0, max: 3 }).map((k) => k * BUCKET_MS),
  dims: fc.record({
    team: fc.constantFrom('L1', 'L2', null),
    agent: fc.constantFrom('a-1', null),
    priority: fc.constant('normal'),
    channel: fc.constant(null),
    category: fc.constant(null),
    policy: fc.constantFrom('p', null),
  }),
  measures: fc.record({
    created: fc.integer({ min: 0, max: 3 }),
    solved: fc.integer({ min: 0, max: 3 }),
    reopens: fc.integer({ min: 0, max: 3 }),
    deleted: fc.constant(0),
  }),
});
const rows = fc.array(row, { maxLength: 12 });
const nonZero = (r: readonly Contribution[]) => diffContributions([], r);
const runs = { numRuns: 1000 };

describe('contribution algebra', () => {
  it('old + diff(old, new) = new', () => {
    fc.assert(
      fc.property(rows, rows, (a, b) => {
        expect(nonZero([...a, ...diffContributions(a, b)])).toEqual(nonZero(b));
      }),
      runs,
    );
  });

  it('diff(a, b) + diff(b, c) = diff(a, c)', () => {
    fc.assert(
      fc.property(rows, rows, rows, (a, b, c) => {
        expect(nonZero([...diffContributions(a, b), ...diffContributions(b, c)])).toEqual(
          diffContributions(a, c),
        );
      }),
      runs,
    );
  });

  it('merge is independent of row order', () => {
    fc.assert(
      fc.property(
        rows.chain((r) =>
          fc.tuple(fc.constant(r), fc.shuffledSubarray(r, { minLength: r.length })),
        ),
        ([a, b]) => {
          expect(mergeContributions(b)).toEqual(mergeContributions(a));
        },
      ),
      runs,
    );
  });

  it('bucketOf is the 15-minute floor', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (t) => {
        const b = bucketOf(t);
        expect(b % BUCKET_MS === 0).toBe(true);
        expect(b <= t && t < b + BUCKET_MS).toBe(true);
      }),
      runs,
    );
  });
});
