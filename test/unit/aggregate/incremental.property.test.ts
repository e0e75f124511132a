/**
 * Aggregates over generated multi-ticket streams:
 * (3) simulating ingest — events arrive in any order; each is applied to the stored state
 *     when it sorts after the last applied event, otherwise the ticket is refolded — the sum of
 *     every `diffContributions(old, new)` equals the contributions of the final full folds, and
 *     every incremental state equals the rebuilt one;
 * (5) the backlog identity `backlog(T2) − backlog(T1) = entered − left` over `(T1, T2]`, and
 *     "in the backlog at T" (segments) and the attribution at T (history) equal folding only
 *     the events up to T.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ticketContributions } from '../../../src/core/aggregate/contributions.js';
import { diffContributions, mergeContributions } from '../../../src/core/aggregate/merge.js';
import { BUCKET_MS, type Contribution } from '../../../src/core/aggregate/types.js';
import type { TicketEvent } from '../../../src/core/events.js';
import { pickAttribution } from '../../../src/core/ticket/attribution.js';
import { backlogSegmentAt } from '../../../src/core/ticket/backlog.js';
import { attributionAt } from '../../../src/core/ticket/history.js';
import { deriveTicket, type DerivedTicket } from '../../../src/core/ticket/derive.js';
import { applyEvent, canApplyAfter, foldTicket } from '../../../src/core/ticket/fold.js';
import {
  currentAttribution,
  initialState,
  isBacklogStatus,
  type TicketState,
} from '../../../src/core/ticket/state.js';
import {
  arrive,
  GEN_BASE,
  GEN_POLICIES,
  permutationOf,
  ticketStreams,
} from '../../factories/arbitraries.js';
import { foldContext } from '../../factories/context.js';
import { DAY } from '../../factories/time.js';

const ctx = foldContext(GEN_POLICIES);

function derived(events: readonly TicketEvent[]): DerivedTicket {
  return deriveTicket(foldTicket(events, ctx), ctx);
}

describe('incremental aggregates', () => {
  it('(3) Σ diffs over incremental ingest = contributions of the final folds; incremental state = rebuild', () => {
    fc.assert(
      fc.property(
        ticketStreams(3, 14).chain((streams) => permutationOf(streams.flat())),
        (order) => {
          const stored = new Map<string, TicketEvent[]>();
          const states = new Map<string, TicketState>();
          const contributed = new Map<string, Contribution[]>();
          let deltas: Contribution[] = [];
          for (const event of arrive(order)) {
            const id = event.ticketId;
            const events = [...(stored.get(id) ?? []), event];
            stored.set(id, events);
            const state = states.get(id) ?? initialState();
            const next = canApplyAfter(state, event)
              ? applyEvent(state, event, ctx)
              : foldTicket(events, ctx);
            states.set(id, next);
            const rows = ticketContributions(deriveTicket(next, ctx));
            deltas = mergeContributions([
              ...deltas,
              ...diffContributions(contributed.get(id) ?? [], rows),
            ]);
            contributed.set(id, rows);
          }
          const expected = [...stored.values()].flatMap((events) =>
            ticketContributions(derived(events)),
          );
          expect(diffContributions([], deltas)).toEqual(diffContributions([], expected));
          for (const [id, state] of states) expect(state).toEqual(foldTicket(stored.get(id)!, ctx));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('backlog', () => {
  const instant = fc.integer({ min: GEN_BASE - DAY, max: GEN_BASE + 15 * DAY });

  it('(5) backlog(T2) − backlog(T1) = entered − left over (T1, T2], per ticket and via 15-minute flow rows', () => {
    fc.assert(
      fc.property(ticketStreams(4, 16), instant, instant, (streams, a, b) => {
        const [t1, t2] = a <= b ? [a, b] : [b, a];
        const b1 = Math.floor(t1 / BUCKET_MS) * BUCKET_MS;
        const b2 = Math.floor(t2 / BUCKET_MS) * BUCKET_MS;
        const within = (x: number) => x > t1 && x <= t2;
        let flowRows: Contribution[] = [];
        let stockChange = 0;
        for (const events of streams) {
          const d = derived(events);
          const inBacklog = (t: number) =>
            backlogSegmentAt(d.backlog_segments, t) === null ? 0 : 1;
          const f = d.facts;
          const entered =
            (f.created !== null && isBacklogStatus(f.created.status) && within(f.created.at)
              ? 1
              : 0) + f.reopens.filter((r) => within(r.at)).length;
          const left = f.solves.filter((s) => within(s.at)).length;
          expect(inBacklog(t2) - inBacklog(t1)).toBe(entered - left);
          flowRows = [
            ...flowRows,
            ...ticketContributions(d).filter((r) => r.kind === 'backlog_flow'),
          ];
          // bucket-aligned: flows bucketed in [B1, B2) = backlog just before B2 − just before B1
          stockChange += inBacklog(b2 - 1) - inBacklog(b1 - 1);
        }
        const net = flowRows
          .filter((r) => r.bucket >= b1 && r.bucket < b2)
          .reduce(
            (sum, r) =>
              sum + (r.kind === 'backlog_flow' ? r.measures.entered - r.measures.left : 0),
            0,
          );
        expect(net).toBe(stockChange);
      }),
      { numRuns: 300 },
    );
  });

  it('backlog segment and attribution at T = folding only the events up to T', () => {
    fc.assert(
      fc.property(ticketStreams(1, 20), instant, ([events], t) => {
        const state = foldTicket(events!, ctx);
        const d = deriveTicket(state, ctx);
        const upToT = foldTicket(
          events!.filter((e) => e.occurredAt <= t),
          ctx,
        );
        if (upToT.exists) expect(attributionAt(state, t)).toEqual(currentAttribution(upToT));
        const seg = backlogSegmentAt(d.backlog_segments, t);
        if (d.ticket.deleted) {
          expect(seg).toBeNull();
          return;
        }
        const expected = upToT.exists && isBacklogStatus(upToT.status);
        expect(seg !== null).toBe(expected);
        if (seg !== null) {
          expect(seg.status).toBe(upToT.status);
          expect(pickAttribution(seg)).toEqual(currentAttribution(upToT));
        }
      }),
      { numRuns: 300 },
    );
  });
});
