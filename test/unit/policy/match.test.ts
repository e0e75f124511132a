/** Policy selection (metrics.md "SLA policies"): first match, any-of tags, versions in force. */
import { describe, expect, it } from 'vitest';
import { matchPolicy, pauseStatuses, policyVersionAt } from '../../../src/core/policy/match.js';
import type { PolicyAttributes, SlaPolicy } from '../../../src/core/policy/types.js';
import { policyList } from '../../factories/policies.js';

const attrs = (over: Partial<PolicyAttributes> = {}): PolicyAttributes => ({
  priority: 'normal',
  channel: 'email',
  group: 'L1',
  category: null,
  organization_id: 'org-1',
  tier: 1,
  tags: ['vip', 'eu'],
  ...over,
});
const policy = (id: string, match: SlaPolicy['match']): SlaPolicy => ({
  id,
  match,
  calendar_id: '24x7',
  targets: {},
});

describe('matchPolicy', () => {
  const list = [
    policy('urgent-phone', { priority: ['urgent'], channel: ['phone', 'chat'] }),
    policy('vip', { tags: ['vip', 'gold'] }),
    policy('tier2', { tier: [2, 3] }),
    policy('catch-all', {}),
  ];
  it.each([
    { a: attrs({ priority: 'urgent', channel: 'chat' }), id: 'urgent-phone' },
    // every listed key must match
    { a: attrs({ priority: 'urgent', channel: 'email', tags: [] }), id: 'catch-all' },
    // tags: any of
    { a: attrs({ tags: ['gold'] }), id: 'vip' },
    { a: attrs({ tags: [], tier: 3 }), id: 'tier2' },
    // a null attribute never matches a listed key
    { a: attrs({ tags: [], tier: null }), id: 'catch-all' },
  ])('→ $id', ({ a, id }) => {
    expect(matchPolicy(list, a)?.id).toBe(id);
  });

  it('null when nothing matches', () => {
    expect(matchPolicy([policy('org', { organization_id: ['org-2'] })], attrs())).toBeNull();
  });

  it('pause defaults: response clocks never pause, resolution in pending and on_hold', () => {
    const p = policy('p', {});
    expect(pauseStatuses(p, 'first_response')).toEqual([]);
    expect(pauseStatuses(p, 'next_response')).toEqual([]);
    expect(pauseStatuses(p, 'resolution')).toEqual(['pending', 'on_hold']);
    expect(pauseStatuses({ ...p, pause: { resolution: ['on_hold'] } }, 'resolution')).toEqual([
      'on_hold',
    ]);
  });
});

describe('policyVersionAt', () => {
  const versions = [policyList([], 100, 1), policyList([], 200, 2), policyList([], 300, 3)];
  it.each([
    [50, 1],
    [100, 1],
    [199, 1],
    [200, 2],
    [299, 2],
    [300, 3],
    [10_000, 3],
  ])('at %d → v%d', (t, v) => {
    expect(policyVersionAt(versions, t)?.version).toBe(v);
  });
  it('no versions → null', () => {
    expect(policyVersionAt([], 5)).toBeNull();
  });
});
