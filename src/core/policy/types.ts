/**
 * SLA policy lists (spec: shared/spec/metrics.md, "SLA policies").
 *
 * A tenant stores versions of an ordered policy list; each version is in force from its
 * `effectiveFrom`. A ticket uses the version in force at its `ticket.created` for its whole life,
 * and within it the first policy whose `match` accepts the ticket's current attributes.
 * Targets are seconds of business time on the policy's calendar; a missing target means no clock.
 */
import type { Instant, TicketStatus } from '../events.js';

export const SLA_METRICS = ['first_response', 'next_response', 'resolution'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

/** The ticket attributes a policy may test. `tags` matches when the ticket has any listed tag. */
export const MATCH_KEYS = [
  'priority',
  'channel',
  'group',
  'category',
  'organization_id',
  'tier',
  'tags',
] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];

export interface PolicyMatch {
  priority?: string[];
  channel?: string[];
  group?: string[];
  category?: string[];
  organization_id?: string[];
  tier?: number[];
  tags?: string[];
}

export interface SlaPolicy {
  id: string;
  name?: string;
  /** Every listed key must match; an empty object matches every ticket. */
  match: PolicyMatch;
  calendar_id: string;
  /** Business seconds per metric. */
  targets: Partial<Record<SlaMetric, number>>;
  /** Statuses in which a clock does not run; defaults in {@link DEFAULT_PAUSE}. */
  pause?: Partial<Record<SlaMetric, TicketStatus[]>>;
  /** Fraction of the target after which an active clock is reported `at_risk`; default 0.8. */
  at_risk?: number;
}

export interface PolicyListVersion {
  version: number;
  effectiveFrom: Instant;
  policies: SlaPolicy[];
}

/** The ticket attributes policies are matched against. */
export interface PolicyAttributes {
  priority: string | null;
  channel: string | null;
  group: string | null;
  category: string | null;
  organization_id: string | null;
  tier: number | null;
  tags: readonly string[];
}

/** metrics.md: response clocks never pause; resolution pauses while waiting on someone else. */
export const DEFAULT_PAUSE: Readonly<Record<SlaMetric, readonly TicketStatus[]>> = {
  first_response: [],
  next_response: [],
  resolution: ['pending', 'on_hold'],
};

export const DEFAULT_AT_RISK = 0.8;

/** The statuses a pause set may list: a solved or closed ticket stops every clock anyway. */
export const PAUSABLE_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold'];
