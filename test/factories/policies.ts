/** Policy lists for tests. Seconds: 900 = 15 min, 14400 = 4 h, 28800 = 8 h. */
import type { PolicyListVersion, SlaPolicy } from '../../src/core/policy/types.js';

export const URGENT: SlaPolicy = {
  id: 'urgent',
  match: { priority: ['urgent'] },
  calendar_id: '24x7',
  targets: { first_response: 900, next_response: 1800, resolution: 14400 },
};

export const STANDARD: SlaPolicy = {
  id: 'standard',
  match: {},
  calendar_id: 'office',
  targets: { first_response: 14400, next_response: 28800, resolution: 86400 },
};

export function policyList(
  policies: SlaPolicy[],
  effectiveFrom = 0,
  version = 1,
): PolicyListVersion {
  return { version, effectiveFrom, policies };
}

export const DEFAULT_POLICIES: PolicyListVersion[] = [policyList([URGENT, STANDARD])];
