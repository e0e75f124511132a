/**
 * Event counts by date (spec: metrics.md, "Reopens and escalations"): functional escalations
 * by the tier escalated from, and reassignments, each at its instant and attributed to the
 * ticket as it was just before the update (the team that escalated, the agent it was taken
 * from). Reopens by date are the `reopens` volume measure.
 */
import type { DerivedTicket } from '../ticket/derive.js';
import { dimsOf } from './dims.js';
import { bucketOf, type Contribution } from './types.js';

export function escalationContributions(d: DerivedTicket): Contribution[] {
  return d.facts.escalations.map((e) => ({
    kind: 'escalation',
    bucket: bucketOf(e.at),
    dims: { ...dimsOf(e), from_tier: e.from_tier ?? null },
    measures: { escalations: 1 },
  }));
}

export function reassignmentContributions(d: DerivedTicket): Contribution[] {
  return d.facts.reassignments.map((r) => ({
    kind: 'reassignment',
    bucket: bucketOf(r.at),
    dims: dimsOf(r),
    measures: { reassignments: 1 },
  }));
}
