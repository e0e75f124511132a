/**
 * Which policy a ticket's clocks run under (spec: metrics.md, "SLA policies").
 *
 * The policy list version is the one in force at `ticket.created` (before the first version,
 * the first) and stays for the ticket's life. The first matching policy of that version is
 * re-evaluated whenever a matched attribute changes. A ticket matching no policy has no clocks.
 */
import type { Instant } from '../events.js';
import {
  atRiskFraction,
  matchPolicy,
  pauseStatuses,
  policyVersionAt,
  targetMs,
} from '../policy/match.js';
import type { PolicyListVersion, SlaMetric, SlaPolicy } from '../policy/types.js';
import type { FoldContext } from '../ticket/context.js';
import type { TicketState } from '../ticket/state.js';
import type { ClockBinding } from './types.js';

export interface BoundPolicy {
  version: PolicyListVersion;
  policy: SlaPolicy;
}

function listVersion(ctx: FoldContext, version: number | null): PolicyListVersion | null {
  if (version === null) return null;
  return ctx.policyVersions.find((v) => v.version === version) ?? null;
}

/** The policy the ticket is under now, or null. */
export function currentPolicy(state: TicketState, ctx: FoldContext): BoundPolicy | null {
  const version = listVersion(ctx, state.policy.listVersion);
  const id = state.policy.policyId;
  const policy = id === null ? undefined : version?.policies.find((p) => p.id === id);
  return version === null || policy === undefined ? null : { version, policy };
}

/** The clock settings for a metric under a policy; null when the policy sets no target. */
export function bindingFor(bound: BoundPolicy, metric: SlaMetric): ClockBinding | null {
  const target = targetMs(bound.policy, metric);
  if (target === null) return null;
  return {
    policyId: bound.policy.id,
    policyVersion: bound.version.version,
    calendarId: bound.policy.calendar_id,
    targetMs: target,
    atRisk: atRiskFraction(bound.policy),
    pause: [...pauseStatuses(bound.policy, metric)],
  };
}

/** Fixes the policy list version at creation. */
export function fixPolicyVersion(state: TicketState, createdAt: Instant, ctx: FoldContext): void {
  state.policy.listVersion = policyVersionAt(ctx.policyVersions, createdAt)?.version ?? null;
}

/** Re-evaluates the matching policy; returns whether it changed. */
export function rematchPolicy(state: TicketState, ctx: FoldContext): boolean {
  const version = listVersion(ctx, state.policy.listVersion);
  const policy = version === null ? null : matchPolicy(version.policies, state.attrs);
  const id = policy?.id ?? null;
  if (id === state.policy.policyId) return false;
  state.policy.policyId = id;
  state.policy.calendarId = policy?.calendar_id ?? null;
  return true;
}
