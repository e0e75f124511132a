/**
 * The policy match keys are declared once (core/policy/types.ts: MATCH_KEY_KINDS). The HTTP
 * schema of a policy is a TypeBox value that cannot be built from it without giving up its static
 * type, so this holds the two together: the same keys, with integer values for `tier` only.
 */
import { describe, expect, it } from 'vitest';
import { MATCH_KEY_KINDS, MATCH_KEYS } from '../../../src/core/policy/types.js';
import { SlaPolicy } from '../../../src/http/schemas/config.js';

describe('policy match keys', () => {
  it('are the keys the HTTP schema of a policy lists, with the same kinds of values', () => {
    const match = SlaPolicy.properties.match.properties;
    expect(Object.keys(match)).toEqual(MATCH_KEYS);
    for (const key of MATCH_KEYS) {
      const items = (match[key] as { items: { type: string } }).items;
      expect([key, items.type]).toEqual([
        key,
        MATCH_KEY_KINDS[key] === 'tier' ? 'integer' : 'string',
      ]);
    }
  });
});
