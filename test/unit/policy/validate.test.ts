/**
 * Policy list validation (metrics.md "SLA policies"): each row is a bad input and the exact
 * JSON-pointer path and message fragment expected.
 */
import { describe, expect, it } from 'vitest';
import { parseRfc3339, validatePolicyList } from '../../../src/core/policy/validate.js';

const known = (id: string) => ['24x7', 'office'].includes(id);
const good = { id: 'p', match: {}, calendar_id: 'office', targets: { first_response: 60 } };

describe('validatePolicyList', () => {
  it('accepts the spec example and defaults an absent match to {}', () => {
    const result = validatePolicyList(
      {
        effective_from: '2026-01-01T00:00:00Z',
        policies: [
          {
            id: 'urgent',
            name: 'Urgent tickets',
            match: { priority: ['urgent'], channel: ['phone', 'chat'] },
            calendar_id: '24x7',
            targets: { first_response: 900, next_response: 1800, resolution: 14400 },
            pause: { resolution: ['pending', 'on_hold'] },
            at_risk: 0.8,
          },
          {
            id: 'standard',
            calendar_id: 'office',
            targets: { first_response: 14400, resolution: 86400 },
          },
        ],
      },
      known,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.effectiveFrom).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(result.value.policies[1]!.match).toEqual({});
  });

  it.each([
    {
      name: 'unknown calendar',
      policy: { calendar_id: 'mars' },
      path: '/policies/1/calendar_id',
      message: 'unknown calendar',
    },
    {
      name: 'negative target',
      policy: { targets: { resolution: -1 } },
      path: '/policies/1/targets/resolution',
      message: 'seconds 0-315360000',
    },
    // Issue 11: a target of 1e308 was accepted; then every new ticket's ingest answered 500.
    {
      name: 'target 1e308',
      policy: { targets: { resolution: 1e308 } },
      path: '/policies/1/targets/resolution',
      message: 'seconds 0-315360000',
    },
    {
      name: 'target just over ten years',
      policy: { targets: { first_response: 315_360_001 } },
      path: '/policies/1/targets/first_response',
      message: 'seconds 0-315360000',
    },
    {
      name: 'id of 257 characters',
      policy: { id: 'p'.repeat(257) },
      path: '/policies/1/id',
      message: '1-256 characters',
    },
    {
      name: 'id with NUL',
      policy: { id: 'a\u0000b' },
      path: '/policies/1/id',
      message: 'U+0000',
    },
    {
      name: 'name with an unpaired surrogate',
      policy: { name: 'x\ud800' },
      path: '/policies/1/name',
      message: 'surrogates',
    },
    {
      name: 'match value of 257 characters',
      policy: { match: { priority: ['p'.repeat(257)] } },
      path: '/policies/1/match/priority/0',
      message: '1-256 characters',
    },
    {
      name: 'match list of 1,001 values',
      policy: { match: { category: Array.from({ length: 1001 }, (_, i) => `c${i}`) } },
      path: '/policies/1/match/category',
      message: 'at most 1000',
    },
    {
      name: 'tier 101 in a match',
      policy: { match: { tier: [101] } },
      path: '/policies/1/match/tier/0',
      message: 'integer',
    },
    {
      name: 'non-number target',
      policy: { targets: { resolution: '1h' } },
      path: '/policies/1/targets/resolution',
      message: 'number',
    },
    {
      name: 'unknown metric',
      policy: { targets: { update: 5 } },
      path: '/policies/1/targets/update',
      message: 'unknown key',
    },
    { name: 'duplicate id', policy: { id: 'p' }, path: '/policies/1/id', message: 'duplicate' },
    {
      name: 'unknown match key',
      policy: { match: { brand: ['x'] } },
      path: '/policies/1/match/brand',
      message: 'unknown key',
    },
    {
      name: 'empty match list',
      policy: { match: { priority: [] } },
      path: '/policies/1/match/priority',
      message: 'non-empty',
    },
    {
      name: 'bad tier',
      policy: { match: { tier: [0] } },
      path: '/policies/1/match/tier/0',
      message: 'integer',
    },
    {
      name: 'bad status in pause',
      policy: { pause: { resolution: ['waiting'] } },
      path: '/policies/1/pause/resolution/0',
      message: 'unknown status',
    },
    {
      name: 'solved in pause',
      policy: { pause: { resolution: ['solved'] } },
      path: '/policies/1/pause/resolution/0',
      message: 'stops every clock',
    },
    { name: 'at_risk 0', policy: { at_risk: 0 }, path: '/policies/1/at_risk', message: '(0, 1]' },
    {
      name: 'at_risk > 1',
      policy: { at_risk: 1.5 },
      path: '/policies/1/at_risk',
      message: '(0, 1]',
    },
    {
      name: 'unknown policy key',
      policy: { priority: 'x' },
      path: '/policies/1/priority',
      message: 'unknown key',
    },
    {
      name: 'key with a slash',
      policy: { 'a/b': 1 },
      path: '/policies/1/a~1b',
      message: 'unknown key',
    },
  ])('$name → $path', ({ policy, path, message }) => {
    const result = validatePolicyList({ policies: [good, { ...good, id: 'q', ...policy }] }, known);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it('targets of ten years (315,360,000 s) are allowed', () => {
    const targets = { first_response: 315_360_000, resolution: 315_360_000 };
    expect(validatePolicyList({ policies: [{ ...good, targets }] }, known).ok).toBe(true);
  });

  it('at_risk 1 is allowed; targets of 0 are allowed', () => {
    expect(
      validatePolicyList({ policies: [{ ...good, at_risk: 1, targets: { resolution: 0 } }] }, known)
        .ok,
    ).toBe(true);
  });

  it.each([
    { input: null, path: '' },
    { input: { policies: {} }, path: '/policies' },
    { input: { policies: [], extra: 1 }, path: '/extra' },
    { input: { policies: [], effective_from: '2026-01-01T00:00:00' }, path: '/effective_from' },
    { input: { policies: [7] }, path: '/policies/0' },
    { input: { policies: [], effective_from: '9999-12-02T00:00:00Z' }, path: '/effective_from' },
    { input: { policies: [], effective_from: '1969-12-31T23:59:59Z' }, path: '/effective_from' },
    {
      input: { policies: Array.from({ length: 101 }, (_, i) => ({ id: `p${i}` })) },
      path: '/policies',
    },
  ])('rejects $input at "$path"', ({ input, path }) => {
    const result = validatePolicyList(input, known);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toContain(path);
  });

  it('reports every error at once', () => {
    const result = validatePolicyList(
      { policies: [{ id: '', calendar_id: 'x', targets: { resolution: -5 } }] },
      known,
    );
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual([
      '/policies/0/id',
      '/policies/0/calendar_id',
      '/policies/0/targets/resolution',
    ]);
  });
});

// Regression (issue 17, the contract fuzzer): a pause status of 10,000 nested arrays overflowed
// JSON.stringify's stack while the message was written, and PUT /v1/sla-policies answered 500.
describe('validatePolicyList on deeply nested input', () => {
  it('reports a pause status of 10,000 nested arrays at its path', () => {
    let deep: unknown = [];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const result = validatePolicyList(
      { policies: [{ ...good, pause: { resolution: [deep] } }] },
      known,
    );
    expect(result.ok ? [] : result.errors).toEqual([
      {
        path: '/policies/0/pause/resolution/0',
        message: 'unknown status (an array, not a string)',
      },
    ]);
  });
});

describe('parseRfc3339', () => {
  it.each([
    ['2026-11-20T09:15:00.250+01:00', Date.parse('2026-11-20T08:15:00.250Z')],
    ['2026-01-01T00:00:00+05:45', Date.parse('2025-12-31T18:15:00Z')],
    ['2026-02-30T00:00:00Z', null],
    ['2026-01-01T24:00:00Z', null],
    ['2026-01-01 00:00:00Z', Date.parse('2026-01-01T00:00:00Z')], // RFC 3339 allows a space (§5.6 note), as ingest does
    ['2026-01-01T00:00:00', null],
  ])('%s → %s', (text, expected) => {
    expect(parseRfc3339(text)).toBe(expected);
  });
});
