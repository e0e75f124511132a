/**
 * Policy selection (spec: metrics.md, "SLA policies"): the version in force at an instant, the
 * first matching policy of a list, and a policy's effective per-metric settings with defaults.
 */
import type { Instant, TicketStatus } from '../events.js';
import {
  DEFAULT_AT_RISK,
  DEFAULT_PAUSE,
  MATCH_KEY_KINDS,
  MATCH_KEYS,
  type MatchKey,
  type MatchKind,
  type PolicyAttributes,
  type PolicyListVersion,
  type PolicyMatch,
  type SlaMetric,
  type SlaPolicy,
} from './types.js';

/**
 * The latest version with `effectiveFrom <= at`; before the first version, the first one.
 * `versions` must be sorted by `effectiveFrom` (binary search: this runs once per ticket).
 */
export function policyVersionAt(
  versions: readonly PolicyListVersion[],
  at: Instant,
): PolicyListVersion | null {
  let lo = 0;
  let hi = versions.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (versions[mid]!.effectiveFrom <= at) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return versions[found === -1 ? 0 : found] ?? null;
}

/** Whether the listed values accept the ticket's: it is listed (`tags`: any of them is). */
function accepts(
  kind: MatchKind,
  allowed: ReadonlyArray<string | number>,
  value: PolicyAttributes[MatchKey],
): boolean {
  if (kind === 'tags') {
    const tags = value as readonly string[];
    return allowed.some((tag) => tags.includes(tag as string));
  }
  return value !== null && allowed.includes(value as string | number);
}

/** Whether every key listed in `match` accepts the attributes (`tags`: any of). */
export function policyMatches(match: PolicyMatch, attrs: PolicyAttributes): boolean {
  for (const key of MATCH_KEYS) {
    const allowed = match[key];
    if (allowed !== undefined && !accepts(MATCH_KEY_KINDS[key], allowed, attrs[key])) return false;
  }
  return true;
}

/** The first policy whose match accepts the attributes, or null. */
export function matchPolicy(
  policies: readonly SlaPolicy[],
  attrs: PolicyAttributes,
): SlaPolicy | null {
  for (const policy of policies) {
    if (policyMatches(policy.match, attrs)) return policy;
  }
  return null;
}

/** The target of a metric in milliseconds, or null when the policy sets none. */
export function targetMs(policy: SlaPolicy, metric: SlaMetric): number | null {
  const seconds = policy.targets[metric];
  return seconds === undefined ? null : Math.round(seconds * 1000);
}

/** The statuses in which the metric's clock pauses under this policy. */
export function pauseStatuses(policy: SlaPolicy, metric: SlaMetric): readonly TicketStatus[] {
  return policy.pause?.[metric] ?? DEFAULT_PAUSE[metric];
}

export function atRiskFraction(policy: SlaPolicy): number {
  return policy.at_risk ?? DEFAULT_AT_RISK;
}
