/**
 * The fold's invariants over generated event streams (ARCHITECTURE.md: "any arrival order =
 * in-order", "incremental = rebuild"; events.md "Ordering, lateness, duplicates"):
 * (1) any arrival order folds to the same derived output (distinct occurred_at);
 * (1b) equal occurred_at are ordered by seq, whatever the array order;
 * (2) resuming from a JSON round-tripped state at any split point equals one fold;
 * (4) duplicate deliveries removed by dedupeEvents change nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareEvents } from '../../../src/core/events.js';
import { deriveTicket } from '../../../src/core/ticket/derive.js';
import { applyEvents, dedupeEvents, foldTicket } from '../../../src/core/ticket/fold.js';
import type { TicketState } from '../../../src/core/ticket/state.js';
import { arrive, GEN_POLICIES, permutationOf, ticketStream } from '../../factories/arbitraries.js';
import { foldContext } from '../../factories/context.js';

const ctx = foldContext(GEN_POLICIES);

/** Fails on anything JSON would not keep as is: undefined, NaN, ±Infinity, -0, non-plain objects. */
function expectPlainJson(value: unknown, path = ''): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    expect(Number.isFinite(value) && !Object.is(value, -0), `number at ${path}`).toBe(true);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => expectPlainJson(v, `${path}/${i}`));
    return;
  }
  expect(
    typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype,
    `object at ${path}`,
  ).toBe(true);
  for (const [key, v] of Object.entries(value as object)) expectPlainJson(v, `${path}/${key}`);
}
const runs = { numRuns: 400 };

describe('fold properties', () => {
  it('deriving without segments changes nothing but the (emptied) segments', () => {
    let segments = 0;
    fc.assert(
      fc.property(ticketStream('T'), (events) => {
        const state = foldTicket(events, ctx);
        const full = deriveTicket(state, ctx);
        const lean = deriveTicket(state, ctx, { segments: false });
        segments += full.clocks.reduce((n, c) => n + c.segments.length, 0);
        expect(lean).toEqual({ ...full, clocks: full.clocks.map((c) => ({ ...c, segments: [] })) });
      }),
      runs,
    );
    expect(segments).toBeGreaterThan(100);
  });

  it('(1) any arrival order gives the in-order result', () => {
    fc.assert(
      fc.property(
        ticketStream('T').chain((events) => fc.tuple(fc.constant(events), permutationOf(events))),
        ([inOrder, shuffled]) => {
          const expected = deriveTicket(foldTicket(inOrder, ctx), ctx);
          expect(deriveTicket(foldTicket(arrive(shuffled), ctx), ctx)).toEqual(expected);
        },
      ),
      runs,
    );
  });

  it('(1b) ties on occurred_at are broken by seq, not by array position', () => {
    fc.assert(
      fc.property(
        ticketStream('T', 12).chain((events) =>
          fc.tuple(
            fc.constant(events),
            fc.array(fc.integer({ min: 0, max: 3 }), {
              minLength: events.length,
              maxLength: events.length,
            }),
          ),
        ),
        ([events, groups]) => {
          // collapse instants onto a few values so ties are frequent; seq keeps arrival order
          const tied = events.map((e, i) => ({
            ...e,
            occurredAt: events[0]!.occurredAt + groups[i]! * 60_000,
          }));
          const sorted = [...tied].sort(compareEvents);
          const reference = foldTicket(sorted, ctx);
          expect(foldTicket([...tied].reverse(), ctx)).toEqual(reference);
        },
      ),
      runs,
    );
  });

  it('(2) resuming from a JSON round-tripped state at any split equals one fold', () => {
    fc.assert(
      fc.property(
        ticketStream('T').chain((events) =>
          fc.tuple(fc.constant(events), fc.integer({ min: 0, max: events.length })),
        ),
        ([events, split]) => {
          const whole = foldTicket(events, ctx);
          expectPlainJson(whole);
          expectPlainJson(deriveTicket(whole, ctx));
          const head = foldTicket(events.slice(0, split), ctx);
          const stored = JSON.parse(JSON.stringify(head)) as TicketState;
          expect(stored).toEqual(head);
          const resumed = applyEvents(stored, events.slice(split), ctx);
          expect(resumed).toEqual(whole);
          expect(JSON.parse(JSON.stringify(whole))).toEqual(whole);
        },
      ),
      runs,
    );
  });

  it('(4) duplicate deliveries dropped by dedupeEvents leave the result unchanged', () => {
    fc.assert(
      fc.property(
        ticketStream('T').chain((events) =>
          fc.tuple(fc.constant(events), fc.subarray(events), fc.integer({ min: 1, max: 1000 })),
        ),
        ([events, repeated, offset]) => {
          const redelivered = repeated.map((e) => ({ ...e, seq: e.seq + events.length + offset }));
          const deduped = dedupeEvents([...redelivered, ...events]);
          expect(deduped).toEqual(events);
          expect(foldTicket(deduped, ctx)).toEqual(foldTicket(events, ctx));
        },
      ),
      runs,
    );
  });
});
