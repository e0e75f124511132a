/**
 * Clock invariants over generated streams (metrics.md "SLA clocks"): totals equal the sum of
 * the segments; business ≤ wall-clock running time; status, breached_at and the decision
 * agree; an active clock's due_at leaves exactly the remaining target; achieved never
 * exceeds the target.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClockRow } from '../../../src/core/sla/derive.js';
import { deriveTicket } from '../../../src/core/ticket/derive.js';
import { foldTicket } from '../../../src/core/ticket/fold.js';
import { GEN_POLICIES, ticketStream } from '../../factories/arbitraries.js';
import { foldContext } from '../../factories/context.js';

const ctx = foldContext(GEN_POLICIES);
const ms = (s: number) => Math.round(s * 1000);

function checkClock(clock: ClockRow, asOf: number): void {
  const running = clock.segments.filter((s) => s.state === 'running');
  const span = (s: ClockRow['segments'][number]) => (s.to ?? asOf) - s.from;
  expect(ms(clock.elapsed_business_seconds)).toBe(
    running.reduce((sum, s) => sum + ms(s.business_seconds), 0),
  );
  expect(ms(clock.elapsed_calendar_seconds)).toBe(running.reduce((sum, s) => sum + span(s), 0));
  expect(ms(clock.paused_calendar_seconds)).toBe(
    clock.segments.filter((s) => s.state === 'paused').reduce((sum, s) => sum + span(s), 0),
  );
  expect(clock.elapsed_business_seconds).toBeLessThanOrEqual(clock.elapsed_calendar_seconds);
  expect(clock.status === 'breached').toBe(clock.breached_at !== null);
  if (clock.status === 'achieved') {
    expect(clock.stopped_at).not.toBeNull();
    expect(ms(clock.elapsed_business_seconds)).toBeLessThanOrEqual(ms(clock.target_seconds));
    expect(clock.decision?.at).toBe(clock.stopped_at);
  }
  if (ms(clock.elapsed_business_seconds) > ms(clock.target_seconds))
    expect(clock.status).toBe('breached');
  if (clock.breached_at !== null) {
    expect(clock.breached_at).toBeGreaterThanOrEqual(clock.started_at);
    expect(clock.decision?.at).toBe(clock.breached_at);
  }
  if (clock.status === 'active' || clock.status === 'paused') expect(clock.decision).toBeNull();
  if (clock.status === 'active' && clock.due_at !== null) {
    const open = clock.segments.at(-1)!;
    expect(open.to).toBeNull();
    const before = ms(clock.elapsed_business_seconds) - ms(open.business_seconds);
    const calendar = ctx.calendar(clock.calendar_id)!;
    expect(calendar.elapsed(clock.running_since!, clock.due_at)).toBe(
      ms(clock.target_seconds) - before,
    );
  }
  const ordered = clock.segments.every((s, i) => i === 0 || clock.segments[i - 1]!.to! <= s.from);
  expect(ordered).toBe(true);
}

describe('clock invariants', () => {
  it('hold for every clock of every generated ticket', () => {
    fc.assert(
      fc.property(ticketStream('T', 30), (events) => {
        const state = foldTicket(events, ctx);
        const d = deriveTicket(state, ctx);
        for (const clock of d.clocks) checkClock(clock, d.ticket.as_of!);
        const keys = d.clocks.map((c) => `${c.metric}/${c.cycle}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 500 },
    );
  });
});
