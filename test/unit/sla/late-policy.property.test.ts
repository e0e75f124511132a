/**
 * A policy that starts matching mid-ticket is applied with its targets measured from each
 * metric's start (metrics.md "SLA policies"; sla/sync.ts): the replayed clocks must equal the
 * clocks the same policy produces when it matches from creation. A: policy P matches only
 * `organization_id = org-sla`, set by an update inserted at a random point; B: P matches all.
 * Every clock of A equals B's clock of the same (metric, cycle), and B's resolution clock and
 * every B cycle still open at the switch exist in A.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../../src/core/events.js';
import type { SlaPolicy } from '../../../src/core/policy/types.js';
import { deriveTicket } from '../../../src/core/ticket/derive.js';
import { foldTicket } from '../../../src/core/ticket/fold.js';
import { ticketStream } from '../../factories/arbitraries.js';
import { foldContext } from '../../factories/context.js';
import { policyList } from '../../factories/policies.js';

const P: Omit<SlaPolicy, 'match'> = {
  id: 'P',
  calendar_id: 'office',
  targets: { first_response: 3600, next_response: 7200, resolution: 28800 },
  pause: { first_response: ['on_hold'], resolution: ['pending'] },
};
const late = foldContext([policyList([{ ...P, match: { organization_id: ['org-sla'] } }])]);
const always = foldContext([policyList([{ ...P, match: {} }])]);

function withSwitch(events: TicketEvent[], index: number): TicketEvent[] {
  const anchor = events[Math.min(index, events.length - 1)]!;
  const update = {
    type: 'ticket.updated',
    id: 'switch',
    ticketId: anchor.ticketId,
    occurredAt: anchor.occurredAt + 2,
    actor: { type: 'agent' },
    data: { organization_id: 'org-sla' },
    seq: 0,
  } satisfies TicketEvent;
  return [...events, update]
    .sort((a, b) => a.occurredAt - b.occurredAt)
    .map((e, i) => ({ ...e, seq: i + 1 }));
}

describe('late policy attachment', () => {
  it('replayed clocks equal the clocks of the policy applied from creation', () => {
    fc.assert(
      fc.property(
        ticketStream('T', 24).chain((events) =>
          fc.tuple(fc.constant(events), fc.nat({ max: events.length })),
        ),
        ([events, index]) => {
          const stream = withSwitch(events, index);
          const a = deriveTicket(foldTicket(stream, late), late);
          const b = deriveTicket(foldTicket(stream, always), always);
          const switchAt = stream.find((e) => e.id === 'switch')!.occurredAt;
          for (const clock of a.clocks) {
            const same = b.clocks.find((c) => c.metric === clock.metric && c.cycle === clock.cycle);
            expect(clock).toEqual(same);
          }
          for (const clock of b.clocks) {
            const openAtSwitch =
              clock.metric === 'resolution'
                ? b.ticket.created_at !== null && b.ticket.created_at <= switchAt
                : clock.started_at <= switchAt && (clock.stopped_at ?? Infinity) > switchAt;
            if (!openAtSwitch) continue;
            expect(a.clocks.some((c) => c.metric === clock.metric && c.cycle === clock.cycle)).toBe(
              true,
            );
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
