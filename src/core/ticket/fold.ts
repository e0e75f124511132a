/**
 * The ticket fold: the single definition used by live ingest, late events, rebuilds and tests
 * (spec: events.md, "Ordering, lateness, duplicates"; ARCHITECTURE.md).
 *
 * `foldTicket(events)` sorts by `compareEvents` (occurred_at, then arrival) and reduces. Ingest
 * resumes from a stored state with `applyEvents` when every new event sorts after `state.last`
 * (`canApplyAfter`); otherwise it refolds from all the ticket's stored events. Either way the
 * resulting state is identical.
 */
import { compareEvents, type TicketEvent } from '../events.js';
import { applyInPlace } from './apply.js';
import type { FoldContext } from './context.js';
import { initialState, type TicketState } from './state.js';

export class OutOfOrderEventError extends Error {
  constructor(readonly eventId: string) {
    super(`event "${eventId}" does not sort after the last applied event: refold the ticket`);
    this.name = 'OutOfOrderEventError';
  }
}

/** Whether `event` sorts strictly after the last event applied to `state`. */
export function canApplyAfter(state: TicketState, event: TicketEvent): boolean {
  const last = state.last;
  if (last === null) return true;
  return (
    event.occurredAt > last.occurredAt ||
    (event.occurredAt === last.occurredAt && event.seq > last.seq)
  );
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function cloneJson(value: Json): Json {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const copy: { [key: string]: Json } = {};
  for (const key in value) copy[key] = cloneJson(value[key]!);
  return copy;
}

/** A deep copy of a state (it is plain JSON; a walk is several times faster than a round trip). */
export function cloneState(state: TicketState): TicketState {
  return cloneJson(state as unknown as Json) as unknown as TicketState;
}

/**
 * Applies events (sorted here) to `state` itself, for a caller that owns it (say, just parsed
 * from storage): no copy. Throws {@link OutOfOrderEventError} like {@link applyEvents}.
 */
export function applyEventsInPlace(
  state: TicketState,
  events: readonly TicketEvent[],
  ctx: FoldContext,
): void {
  for (const event of [...events].sort(compareEvents)) {
    if (!canApplyAfter(state, event)) throw new OutOfOrderEventError(event.id);
    applyInPlace(state, event, ctx);
  }
}

/**
 * Applies events (sorted here) to a copy of `state`; `state` is not modified.
 * Throws {@link OutOfOrderEventError} when one sorts at or before `state.last`.
 */
export function applyEvents(
  state: TicketState,
  events: readonly TicketEvent[],
  ctx: FoldContext,
): TicketState {
  const next = cloneState(state);
  applyEventsInPlace(next, events, ctx);
  return next;
}

/** Applies one event to a copy of `state` (see {@link applyEvents}). */
export function applyEvent(state: TicketState, event: TicketEvent, ctx: FoldContext): TicketState {
  return applyEvents(state, [event], ctx);
}

/** Folds all of a ticket's events, in any arrival order, from the initial state. */
export function foldTicket(events: readonly TicketEvent[], ctx: FoldContext): TicketState {
  const state = initialState();
  for (const event of [...events].sort(compareEvents)) applyInPlace(state, event, ctx);
  return state;
}

/**
 * Drops repeated deliveries of the same event id, keeping the first arrival (lowest `seq`).
 * Ingest dedupes by id before storing; this is for callers holding raw deliveries.
 */
export function dedupeEvents(events: readonly TicketEvent[]): TicketEvent[] {
  const first = new Map<string, TicketEvent>();
  for (const event of events) {
    const seen = first.get(event.id);
    if (seen === undefined || event.seq < seen.seq) first.set(event.id, event);
  }
  return [...first.values()].sort(compareEvents);
}
