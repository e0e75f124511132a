/**
 * The effect of one event on the fold state (spec: events.md, "Types" and "Ordering").
 *
 * A ticket exists from its `ticket.created`. Events sorted before it are orphans: they have no
 * effect and are counted in `orphanEvents` (they are kept by the caller, and a late created
 * event sorting before them makes them count through a refold). Orphans at the very instant of
 * the created event (sorted before it only by arrival) do take effect, right after it: at one
 * instant, creation comes first.
 */
import type { Instant, TicketEvent } from '../events.js';
import { fixPolicyVersion, rematchPolicy } from '../sla/binding.js';
import {
  repliesOnAgentResponse,
  repliesOnCreated,
  repliesOnCustomerMessage,
  repliesOnReopen,
  repliesOnSolve,
} from '../sla/response.js';
import { syncClocks } from '../sla/sync.js';
import { applyAttributeUpdate, attributesFromCreated, createdAsUpdate } from './attributes.js';
import { updateBacklog } from './backlog.js';
import { contactRecord } from './contacts.js';
import { recordAttribution } from './history.js';
import type { FoldContext } from './context.js';
import { currentAttribution, isBacklogStatus, isSolvedStatus, type TicketState } from './state.js';

type EventOf<K extends TicketEvent['type']> = Extract<TicketEvent, { type: K }>;

/** Records a solve: every transition into solved/closed from the backlog (or at creation). */
function solve(state: TicketState, t: Instant, ctx: FoldContext): void {
  state.lastSolvedAt = t;
  if (state.firstSolve === null) state.firstSolve = { at: t, ...currentAttribution(state) };
  repliesOnSolve(state, t, ctx);
}

function applyCreated(state: TicketState, e: EventOf<'ticket.created'>, ctx: FoldContext): void {
  if (state.exists) {
    if (applyAttributeUpdate(state, e.occurredAt, createdAsUpdate(e.data)))
      rematchPolicy(state, ctx);
    return;
  }
  const t = e.occurredAt;
  state.exists = true;
  state.createdAt = t;
  state.via = e.data.via;
  state.attrs = attributesFromCreated(e.data);
  state.status = e.data.status;
  state.maxTier = state.attrs.tier;
  fixPolicyVersion(state, t, ctx);
  rematchPolicy(state, ctx);
  state.created = { at: t, status: state.status, ...currentAttribution(state) };
  state.closedAt = state.status === 'closed' ? t : null;
  repliesOnCreated(state, t);
  if (isSolvedStatus(state.status)) solve(state, t, ctx);
}

function applyStatus(
  state: TicketState,
  e: EventOf<'ticket.status_changed'>,
  ctx: FoldContext,
): void {
  const t = e.occurredAt;
  const previous = state.status;
  const next = e.data.status;
  if (previous === next) return;
  state.status = next;
  state.closedAt = next === 'closed' ? t : null;
  if (isBacklogStatus(previous) && isSolvedStatus(next)) {
    state.solves.push({ at: t, status: next, ...currentAttribution(state) });
    solve(state, t, ctx);
  } else if (isSolvedStatus(previous) && isBacklogStatus(next)) {
    state.reopens.push({ at: t, status: next, ...currentAttribution(state) });
    repliesOnReopen(state, t);
  }
}

function applyMessage(state: TicketState, e: EventOf<'ticket.message'>, ctx: FoldContext): void {
  if (!e.data.public) return;
  const t = e.occurredAt;
  if (e.data.direction === 'inbound') {
    repliesOnCustomerMessage(state, t, isSolvedStatus(state.status));
  } else if (e.actor.type === 'agent') {
    if (state.firstSolve === null) state.touchesBeforeFirstSolve++;
    repliesOnAgentResponse(state, t, ctx);
  }
}

function applyDeleted(state: TicketState, e: EventOf<'ticket.deleted'>): void {
  if (state.deleted !== null) return;
  state.deleted = {
    at: e.occurredAt,
    ...currentAttribution(state),
    reason: e.data.reason,
    merged_into: e.data.merged_into ?? null,
  };
}

function applyToTicket(state: TicketState, e: TicketEvent, ctx: FoldContext): void {
  switch (e.type) {
    case 'ticket.created':
      applyCreated(state, e, ctx);
      break;
    case 'ticket.updated':
      if (applyAttributeUpdate(state, e.occurredAt, e.data)) rematchPolicy(state, ctx);
      break;
    case 'ticket.status_changed':
      applyStatus(state, e, ctx);
      break;
    case 'ticket.message':
      applyMessage(state, e, ctx);
      break;
    case 'contact.completed':
      state.contacts.push(contactRecord(state, e.occurredAt, e.data));
      if (state.firstSolve === null) state.touchesBeforeFirstSolve++;
      break;
    case 'ticket.deleted':
      applyDeleted(state, e);
      break;
  }
  recordAttribution(state, e.occurredAt);
  updateBacklog(state, e.occurredAt, ctx);
  syncClocks(state, e.occurredAt, ctx);
}

/** An event sorted before creation: kept aside in case creation comes at the same instant. */
function holdOrphan(state: TicketState, e: TicketEvent): void {
  state.orphanEvents++;
  const held = state.pendingOrphans;
  if (held.length > 0 && held[0]!.occurredAt !== e.occurredAt) held.length = 0;
  held.push(JSON.parse(JSON.stringify(e)) as TicketEvent);
}

/** Applies one event that sorts after `state.last`, mutating `state`. */
export function applyInPlace(state: TicketState, e: TicketEvent, ctx: FoldContext): void {
  state.last = { occurredAt: e.occurredAt, seq: e.seq };
  if (!state.exists && e.type !== 'ticket.created') {
    holdOrphan(state, e);
    return;
  }
  const replay = state.exists
    ? []
    : state.pendingOrphans.filter((o) => o.occurredAt === e.occurredAt);
  state.pendingOrphans = [];
  applyToTicket(state, e, ctx);
  state.orphanEvents -= replay.length;
  for (const orphan of replay) applyToTicket(state, orphan, ctx);
}
