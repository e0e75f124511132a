/**
 * The resumable reducer's contract (events.md "Ordering, lateness, duplicates"): pure,
 * JSON state, resumable after the last applied event, refuses events sorting before it,
 * ties on occurred_at broken by arrival, duplicate deliveries dropped by id.
 */
import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  applyEvents,
  canApplyAfter,
  dedupeEvents,
  foldTicket,
  OutOfOrderEventError,
} from '../../../src/core/ticket/fold.js';
import { deriveTicket } from '../../../src/core/ticket/derive.js';
import { initialState } from '../../../src/core/ticket/state.js';
import { foldContext } from '../../factories/context.js';
import { ticket } from '../../factories/ticket-stream.js';
import { at } from '../../factories/time.js';

const ctx = foldContext();
const T0 = at('2026-11-16T09:00');
const M = 60_000;
const events = ticket()
  .created(T0, { priority: 'urgent' })
  .customerMessage(T0 + M)
  .agentReply(T0 + 2 * M)
  .status(T0 + 3 * M, 'pending').events;

describe('fold API', () => {
  it('applyEvent does not modify its input state', () => {
    const state = foldTicket(events.slice(0, 2), ctx);
    const before = JSON.stringify(state);
    const next = applyEvent(state, events[2]!, ctx);
    expect(JSON.stringify(state)).toBe(before);
    expect(next).not.toBe(state);
  });

  it('the state is plain JSON and resumes identically after a round trip', () => {
    const state = foldTicket(events.slice(0, 2), ctx);
    const stored = JSON.parse(JSON.stringify(state)) as typeof state;
    expect(stored).toEqual(state);
    expect(applyEvents(stored, events.slice(2), ctx)).toEqual(foldTicket(events, ctx));
  });

  it('refuses an event that sorts at or before the last applied one', () => {
    const state = foldTicket(events, ctx);
    expect(canApplyAfter(state, events[1]!)).toBe(false);
    expect(canApplyAfter(initialState(), events[1]!)).toBe(true);
    expect(() => applyEvent(state, events[1]!, ctx)).toThrow(OutOfOrderEventError);
  });

  it('orders equal occurred_at by arrival (seq), whatever the array order', () => {
    // at one instant: pending (seq 1) then open (seq 2) → open; reversed seq → pending
    const s = ticket()
      .created(T0)
      .status(T0 + M, 'pending')
      .status(T0 + M, 'open').events;
    expect(deriveTicket(foldTicket([...s].reverse(), ctx), ctx).ticket.status).toBe('open');
    const swapped = [s[0]!, { ...s[1]!, seq: s[2]!.seq }, { ...s[2]!, seq: s[1]!.seq }];
    expect(deriveTicket(foldTicket(swapped, ctx), ctx).ticket.status).toBe('pending');
  });

  it('dedupeEvents keeps the first arrival of each id', () => {
    const dup = { ...events[1]!, seq: 999 };
    const deduped = dedupeEvents([dup, ...events]);
    expect(deduped).toEqual(events);
    expect(foldTicket(deduped, ctx)).toEqual(foldTicket(events, ctx));
  });
});
