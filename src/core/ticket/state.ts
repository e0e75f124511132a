/**
 * The resumable state of the ticket fold. It is plain JSON (stored as jsonb and resumed from
 * when the next event sorts after `last`): no Map, Set, class, `undefined` or `Infinity`;
 * `null` means "none". `JSON.parse(JSON.stringify(state))` continues exactly like `state`.
 *
 * Field names that mirror the wire (ticket attributes, facts) are snake_case; the fold's own
 * bookkeeping is camelCase.
 */
import type { Instant, TicketEvent, TicketStatus } from '../events.js';
import type { ClockState } from '../sla/types.js';
import type { Attribution } from './attribution.js';

export const STATE_SCHEMA = 1;

export const BACKLOG_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold'];
export const ACTIONABLE_STATUSES: readonly TicketStatus[] = ['new', 'open'];

export function isBacklogStatus(status: TicketStatus): boolean {
  return status !== 'solved' && status !== 'closed';
}

export function isSolvedStatus(status: TicketStatus): boolean {
  return status === 'solved' || status === 'closed';
}

export interface TicketAttributes {
  priority: string | null;
  channel: string | null;
  group: string | null;
  assignee_id: string | null;
  requester_id: string | null;
  organization_id: string | null;
  category: string | null;
  tier: number | null;
  tags: string[];
}

/** A dated fact with the attribution at that instant. */
export interface DatedFact extends Attribution {
  at: Instant;
}

/** A status transition: a reopen (to a backlog status) or a solve (to solved/closed). */
export interface StatusFact extends DatedFact {
  status: TicketStatus;
}

export interface EscalationFact extends DatedFact {
  from_tier: number | null;
  to_tier: number;
}

export interface ReassignmentFact extends DatedFact {
  from_agent: string;
  to_agent: string;
}

export interface DeletionFact extends DatedFact {
  reason: 'spam' | 'merged' | 'deleted';
  merged_into: string | null;
}

export interface ContactRecord {
  ended_at: Instant;
  started_at: Instant | null;
  agent_id: string;
  channel: string | null;
  group: string | null;
  priority: string | null;
  category: string | null;
  policy_id: string | null;
  talk_seconds: number;
  hold_seconds: number;
  wrap_seconds: number;
}

/** A maximal span `[from, to)` in one backlog status with unchanged attribution. */
export interface BacklogSegmentState extends Attribution {
  from: Instant;
  to: Instant | null;
  status: TicketStatus;
  /** The calendar business age is measured on: the policy's, else the tenant default. */
  calendar_id: string;
}

export interface ReplyCycle {
  metric: 'first_response' | 'next_response';
  cycle: number;
  startedAt: Instant;
}

/** The response metrics, independent of policies (clocks exist only where a target does). */
export interface ReplyState {
  /** A first_response cycle has ended (by a response or a solve). */
  firstDone: boolean;
  /** The cycle awaiting an agent response; its start is the earliest unanswered message. */
  open: ReplyCycle | null;
  nextCycles: number;
  /** A customer message arrived while solved/closed and is still unanswered. */
  waitingWhileSolved: boolean;
}

export interface PolicyBinding {
  /** The policy list version in force at `ticket.created`; null when there is none. */
  listVersion: number | null;
  policyId: string | null;
  calendarId: string | null;
}

export interface TicketState {
  schema: typeof STATE_SCHEMA;
  last: { occurredAt: Instant; seq: number } | null;
  exists: boolean;
  /** Events sorted before `ticket.created`: they have no effect. */
  orphanEvents: number;
  /** Orphans at the latest orphan instant: they take effect if created arrives at that instant. */
  pendingOrphans: TicketEvent[];
  createdAt: Instant | null;
  created: StatusFact | null;
  via: 'customer' | 'agent';
  attrs: TicketAttributes;
  status: TicketStatus;
  policy: PolicyBinding;
  maxTier: number | null;
  firstSolve: DatedFact | null;
  lastSolvedAt: Instant | null;
  /** When the ticket entered `closed`, while it is closed. */
  closedAt: Instant | null;
  touchesBeforeFirstSolve: number;
  escalatedBeforeFirstSolve: boolean;
  deleted: DeletionFact | null;
  reopens: StatusFact[];
  solves: StatusFact[];
  escalations: EscalationFact[];
  reassignments: ReassignmentFact[];
  contacts: ContactRecord[];
  backlog: BacklogSegmentState[];
  /** Attribution changes, for figures decided at past instants (ticket/history.ts). */
  attributions: DatedFact[];
  replies: ReplyState;
  clocks: ClockState[];
}

export function initialState(): TicketState {
  return {
    schema: STATE_SCHEMA,
    last: null,
    exists: false,
    orphanEvents: 0,
    pendingOrphans: [],
    createdAt: null,
    created: null,
    via: 'customer',
    attrs: {
      priority: null,
      channel: null,
      group: null,
      assignee_id: null,
      requester_id: null,
      organization_id: null,
      category: null,
      tier: null,
      tags: [],
    },
    status: 'new',
    policy: { listVersion: null, policyId: null, calendarId: null },
    maxTier: null,
    firstSolve: null,
    lastSolvedAt: null,
    closedAt: null,
    touchesBeforeFirstSolve: 0,
    escalatedBeforeFirstSolve: false,
    deleted: null,
    reopens: [],
    solves: [],
    escalations: [],
    reassignments: [],
    contacts: [],
    backlog: [],
    attributions: [],
    replies: { firstDone: false, open: null, nextCycles: 0, waitingWhileSolved: false },
    clocks: [],
  };
}

/** The attribution snapshot of the ticket now. */
export function currentAttribution(state: TicketState): Attribution {
  const a = state.attrs;
  return {
    group: a.group,
    assignee_id: a.assignee_id,
    priority: a.priority,
    channel: a.channel,
    category: a.category,
    policy_id: state.policy.policyId,
  };
}
