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

/**
 * The ticket attributes a policy may test, each with the kind of its values, declared once: the
 * match ({@link PolicyMatch}), the attributes matched ({@link PolicyAttributes}) and the keys
 * validated ({@link MATCH_KEYS}) derive from it. A `text` or `tier` key matches when the
 * ticket's value is listed; `tags` when the ticket has any listed tag.
 */
export const MATCH_KEY_KINDS = {
  priority: 'text',
  channel: 'text',
  group: 'text',
  category: 'text',
  organization_id: 'text',
  tier: 'tier',
  tags: 'tags',
} as const;
export type MatchKey = keyof typeof MATCH_KEY_KINDS;
export type MatchKind = (typeof MATCH_KEY_KINDS)[MatchKey];
export const MATCH_KEYS = Object.keys(MATCH_KEY_KINDS) as readonly MatchKey[];

/** The type of one listed value of a kind. */
interface MatchValue {
  text: string;
  tier: number;
  tags: string;
}
type ValueOf<K extends MatchKey> = MatchValue[(typeof MATCH_KEY_KINDS)[K]];

/** Every listed key must match; an empty object matches every ticket. */
export type PolicyMatch = { [K in MatchKey]?: Array<ValueOf<K>> };

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

/** The ticket attributes policies are matched against: the ticket's tags, else one value or null. */
export type PolicyAttributes = {
  [K in MatchKey]: (typeof MATCH_KEY_KINDS)[K] extends 'tags'
    ? readonly string[]
    : ValueOf<K> | null;
};

/** metrics.md: response clocks never pause; resolution pauses while waiting on someone else. */
export const DEFAULT_PAUSE: Readonly<Record<SlaMetric, readonly TicketStatus[]>> = {
  first_response: [],
  next_response: [],
  resolution: ['pending', 'on_hold'],
};

export const DEFAULT_AT_RISK = 0.8;

/** The statuses a pause set may list: a solved or closed ticket stops every clock anyway. */
export const PAUSABLE_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold'];
