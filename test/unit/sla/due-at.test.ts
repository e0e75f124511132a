/**
 * Exact due_at / at_risk_at / breached_at on a business calendar (metrics.md "SLA clocks";
 * edge case 13: breach from the calendar, never from a polling job). `standard` on office =
 * UTC Mon–Fri 09:00–17:00, first response 4 h, at_risk 0.8. Friday = 2026-11-20.
 */
import { describe, expect, it } from 'vitest';
import { ticket } from '../../factories/ticket-stream.js';
import { at } from '../../factories/time.js';
import { clockOf, derive } from '../ticket/support/derive.js';

describe('due_at over a weekend', () => {
  // created Fri 16:00: 1 h on Friday, 3 h on Monday → due Mon 12:00;
  // at risk at 0.8 × 4 h = 3 h 12 min → Mon 11:12
  const base = () => ticket().created(at('2026-11-20T16:00'));

  it('running clock: due_at, at_risk_at and running_since as of the last event', () => {
    const d = derive(base().internalNote(at('2026-11-23T10:00')).events);
    expect(clockOf(d, 'first_response')).toMatchObject({
      status: 'active',
      running_since: at('2026-11-20T16:00'),
      due_at: at('2026-11-23T12:00'),
      at_risk_at: at('2026-11-23T11:12'),
      elapsed_business_seconds: 2 * 3600,
      breached_at: null,
      decision: null,
    });
  });

  it('a reply exactly at due_at is achieved', () => {
    const d = derive(base().agentReply(at('2026-11-23T12:00')).events);
    expect(clockOf(d, 'first_response')).toMatchObject({
      status: 'achieved',
      elapsed_business_seconds: 4 * 3600,
    });
  });

  it('one millisecond later it is breached at due_at, decided then', () => {
    const d = derive(base().agentReply(at('2026-11-23T12:00') + 1).events);
    const first = clockOf(d, 'first_response');
    expect(first).toMatchObject({ status: 'breached', breached_at: at('2026-11-23T12:00') });
    expect(first.decision?.at).toBe(at('2026-11-23T12:00'));
  });

  it('a running clock past due_at at the last event is reported breached at due_at', () => {
    const d = derive(base().internalNote(at('2026-11-23T13:00')).events);
    expect(clockOf(d, 'first_response')).toMatchObject({
      status: 'breached',
      breached_at: at('2026-11-23T12:00'),
      due_at: at('2026-11-23T12:00'),
      stopped_at: null,
      at_risk_at: null,
    });
  });

  it('a paused clock has no due_at and keeps its elapsed', () => {
    const d = derive(
      base().status(at('2026-11-20T16:30'), 'pending').internalNote(at('2026-11-23T10:00')).events,
    );
    const res = clockOf(d, 'resolution');
    expect(res).toMatchObject({
      status: 'paused',
      due_at: null,
      running_since: null,
      elapsed_business_seconds: 1800,
    });
  });
});
