/** policyVersionAt agrees with a linear scan (1000 runs). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policyVersionAt } from '../../../src/core/policy/match.js';
import { policyList } from '../../factories/policies.js';

describe('policyVersionAt', () => {
  it('= the last version with effectiveFrom <= t, else the first', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { maxLength: 8 }),
        fc.integer({ min: -10, max: 1010 }),
        (starts, t) => {
          const versions = [...starts]
            .sort((a, b) => a - b)
            .map((from, i) => policyList([], from, i + 1));
          const linear = versions.filter((v) => v.effectiveFrom <= t).at(-1) ?? versions[0] ?? null;
          expect(policyVersionAt(versions, t)).toBe(linear);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
