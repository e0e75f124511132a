/**
 * The per-ticket outputs persistence stores, derived from the fold state (plain data, snake_case,
 * instants as epoch ms, durations in seconds with millisecond precision). Figures of running
 * clocks are as of the last applied event (`as_of`).
 *
 * A deleted ticket (spec: edge case 22) keeps its attributes with `deleted: true` and yields no
 * clocks, contacts, backlog segments or facts except `deleted`: it leaves every metric for all
 * of history, and only the `deleted` volume count sees it, at the deletion instant.
 */
import type { Instant, TicketStatus } from '../events.js';
import { clockRows, type ClockRow } from '../sla/derive.js';
import { handleSeconds } from './contacts.js';
import type { FoldContext } from './context.js';
import { fcrOutcome, type FcrOutcome } from './fcr.js';
import type {
  BacklogSegmentState,
  ContactRecord,
  DatedFact,
  DeletionFact,
  EscalationFact,
  ReassignmentFact,
  StatusFact,
  TicketAttributes,
  TicketState,
} from './state.js';

export interface TicketRow extends TicketAttributes, FcrOutcome {
  /** False while only events sorted before `ticket.created` are known. */
  exists: boolean;
  created_at: Instant | null;
  status: TicketStatus;
  via: 'customer' | 'agent';
  deleted: boolean;
  deleted_at: Instant | null;
  deleted_reason: DeletionFact['reason'] | null;
  merged_into: string | null;
  first_solved_at: Instant | null;
  last_solved_at: Instant | null;
  /** When the ticket entered `closed`; null while it is not closed. */
  closed_at: Instant | null;
  policy_id: string | null;
  policy_version: number | null;
  /** The calendar business age is measured on: the policy's, else the tenant default. */
  calendar_id: string;
  reopens: number;
  reassignments: number;
  escalations: number;
  contacts: number;
  handle_seconds: number;
  orphan_events: number;
  /** The instant of the last applied event: running figures are as of it. */
  as_of: Instant | null;
}

export interface ContactRow extends ContactRecord {
  handle_seconds: number;
}

export type BacklogSegmentRow = BacklogSegmentState;

export interface TicketFacts {
  /** Creation, with the status created in (`entered` when a backlog status). */
  created: StatusFact | null;
  first_solve: DatedFact | null;
  /** solved/closed → backlog status, with the status reopened to. */
  reopens: StatusFact[];
  /** Every backlog status → solved/closed transition (re-solves included). */
  solves: StatusFact[];
  escalations: EscalationFact[];
  reassignments: ReassignmentFact[];
  deleted: DeletionFact | null;
}

export interface DerivedTicket {
  ticket: TicketRow;
  clocks: ClockRow[];
  contacts: ContactRow[];
  backlog_segments: BacklogSegmentRow[];
  facts: TicketFacts;
}

function ticketRow(state: TicketState, ctx: FoldContext): TicketRow {
  const handleMs = state.contacts.reduce((sum, c) => sum + Math.round(handleSeconds(c) * 1000), 0);
  const deleted = state.deleted;
  return {
    exists: state.exists,
    created_at: state.createdAt,
    ...state.attrs,
    tags: [...state.attrs.tags],
    status: state.status,
    via: state.via,
    deleted: deleted !== null,
    deleted_at: deleted?.at ?? null,
    deleted_reason: deleted?.reason ?? null,
    merged_into: deleted?.merged_into ?? null,
    first_solved_at: state.firstSolve?.at ?? null,
    last_solved_at: state.lastSolvedAt,
    closed_at: state.closedAt,
    policy_id: state.policy.policyId,
    policy_version: state.policy.listVersion,
    calendar_id: state.policy.calendarId ?? ctx.defaultCalendarId,
    ...fcrOutcome(state, ctx),
    reopens: state.reopens.length,
    reassignments: state.reassignments.length,
    escalations: state.escalations.length,
    contacts: state.contacts.length,
    handle_seconds: handleMs / 1000,
    orphan_events: state.orphanEvents,
    as_of: state.last?.occurredAt ?? null,
  };
}

function noFacts(deleted: DeletionFact | null): TicketFacts {
  return {
    created: null,
    first_solve: null,
    reopens: [],
    solves: [],
    escalations: [],
    reassignments: [],
    deleted,
  };
}

function facts(state: TicketState): TicketFacts {
  return {
    created: state.created === null ? null : { ...state.created },
    first_solve: state.firstSolve === null ? null : { ...state.firstSolve },
    reopens: state.reopens.map((f) => ({ ...f })),
    solves: state.solves.map((f) => ({ ...f })),
    escalations: state.escalations.map((f) => ({ ...f })),
    reassignments: state.reassignments.map((f) => ({ ...f })),
    deleted: null,
  };
}

/** The per-ticket outputs (see the module doc). Pure: equal states give equal outputs. */
export interface DeriveOptions {
  /**
   * Explain each clock by its segments (default true). Only the timeline reads them; ingest,
   * rebuild and verify leave them out (each clock's `segments` is then empty): building them was
   * a tenth of ingest's own CPU per event.
   */
  segments?: boolean;
}

export function deriveTicket(
  state: TicketState,
  ctx: FoldContext,
  options: DeriveOptions = {},
): DerivedTicket {
  const ticket = ticketRow(state, ctx);
  if (!state.exists) {
    return { ticket, clocks: [], contacts: [], backlog_segments: [], facts: noFacts(null) };
  }
  if (state.deleted !== null) {
    return {
      ticket,
      clocks: [],
      contacts: [],
      backlog_segments: [],
      facts: noFacts({ ...state.deleted }),
    };
  }
  const asOf = state.last?.occurredAt ?? state.createdAt ?? 0;
  return {
    ticket,
    clocks: clockRows(state, asOf, ctx, options.segments ?? true),
    contacts: state.contacts.map((c) => ({
      ...c,
      handle_seconds: Math.round(handleSeconds(c) * 1000) / 1000,
    })),
    backlog_segments: state.backlog.map((s) => ({ ...s })),
    facts: facts(state),
  };
}
