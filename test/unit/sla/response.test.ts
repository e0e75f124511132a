/**
 * First and next response scenarios (metrics.md "SLA clocks"; events.md "Derived meanings";
 * edge cases 15, 16, 17). `urgent` on 24x7: first response 15 min, next response 30 min.
 * Monday = 2026-11-16.
 */
import { describe, expect, it } from 'vitest';
import { ticket } from '../../factories/ticket-stream.js';
import { at } from '../../factories/time.js';
import { clockOf, derive, hasClock } from '../ticket/support/derive.js';

const urgent = { priority: 'urgent' };

describe('what counts as a response (edge case 16)', () => {
  it('internal notes, bot and system messages never stop a response clock nor count as touches', () => {
    // created 09:00; note 09:01, bot 09:02, system 09:03, inbound 09:04; agent reply 09:10
    const base = ticket()
      .created(at('2026-11-16T09:00'), urgent)
      .internalNote(at('2026-11-16T09:01'))
      .botReply(at('2026-11-16T09:02'))
      .systemReply(at('2026-11-16T09:03'))
      .customerMessage(at('2026-11-16T09:04'));
    const before = derive(base.events);
    expect(clockOf(before, 'first_response').status).toBe('active');
    expect(before.ticket.touches).toBe(0);
    const d = derive(base.agentReply(at('2026-11-16T09:10')).events);
    expect(clockOf(d, 'first_response')).toMatchObject({
      status: 'achieved',
      stop_reason: 'response',
      elapsed_business_seconds: 600,
    });
    expect(d.ticket.touches).toBe(1);
    expect(hasClock(d, 'next_response')).toBe(false);
  });

  it('an inbound message of an agent actor is a customer message, an outbound private one nothing', () => {
    const d = derive(
      ticket()
        .created(at('2026-11-16T09:00'), urgent)
        .agentReply(at('2026-11-16T09:05'))
        .message(at('2026-11-16T09:10'), 'inbound', false, { type: 'customer' })
        .message(at('2026-11-16T09:20'), 'inbound', true, { type: 'agent', id: 'a-2' }).events,
    );
    expect(clockOf(d, 'next_response').started_at).toBe(at('2026-11-16T09:20'));
  });
});

describe('agent-created tickets (edge case 15)', () => {
  it('first response starts at the first customer message', () => {
    // agent creates 09:00 and writes 09:01; customer answers 10:00; agent replies 10:10
    const d = derive(
      ticket()
        .created(at('2026-11-16T09:00'), { ...urgent, via: 'agent' })
        .agentReply(at('2026-11-16T09:01'))
        .customerMessage(at('2026-11-16T10:00'))
        .agentReply(at('2026-11-16T10:10')).events,
    );
    expect(clockOf(d, 'first_response')).toMatchObject({
      started_at: at('2026-11-16T10:00'),
      stopped_at: at('2026-11-16T10:10'),
      elapsed_business_seconds: 600,
      status: 'achieved',
    });
    expect(hasClock(d, 'next_response')).toBe(false);
  });

  it('no customer message → no first response clock (resolution still runs)', () => {
    const d = derive(
      ticket()
        .created(at('2026-11-16T09:00'), { ...urgent, via: 'agent' })
        .agentReply(at('2026-11-16T09:01'))
        .status(at('2026-11-16T12:00'), 'solved').events,
    );
    expect(hasClock(d, 'first_response')).toBe(false);
    expect(clockOf(d, 'resolution')).toMatchObject({
      status: 'achieved',
      elapsed_business_seconds: 3 * 3600,
    });
  });
});

describe('next response cycles (edge case 17)', () => {
  // created 09:00, reply 09:05 (first response achieved)
  // cycle 1: customer 10:00 and 10:10, reply 10:40 → started 10:00, 40 min > 30 → breached 10:30
  // cycle 2: customer 11:00, reply 11:10 → 10 min, achieved
  // cycle 3: customer 12:00, solved 12:05 without reply → stopped by the solve, achieved
  const events = ticket()
    .created(at('2026-11-16T09:00'), urgent)
    .agentReply(at('2026-11-16T09:05'))
    .customerMessage(at('2026-11-16T10:00'))
    .customerMessage(at('2026-11-16T10:10'))
    .agentReply(at('2026-11-16T10:40'))
    .customerMessage(at('2026-11-16T11:00'))
    .agentReply(at('2026-11-16T11:10'))
    .customerMessage(at('2026-11-16T12:00'))
    .status(at('2026-11-16T12:05'), 'solved').events;
  const d = derive(events);

  it.each([
    {
      cycle: 1,
      started: '10:00',
      stopped: '10:40',
      status: 'breached',
      elapsed: 2400,
      reason: 'response',
    },
    {
      cycle: 2,
      started: '11:00',
      stopped: '11:10',
      status: 'achieved',
      elapsed: 600,
      reason: 'response',
    },
    {
      cycle: 3,
      started: '12:00',
      stopped: '12:05',
      status: 'achieved',
      elapsed: 300,
      reason: 'solved',
    },
  ])(
    'cycle $cycle: $started–$stopped $status',
    ({ cycle, started, stopped, status, elapsed, reason }) => {
      expect(clockOf(d, 'next_response', cycle)).toMatchObject({
        started_at: at(`2026-11-16T${started}`),
        stopped_at: at(`2026-11-16T${stopped}`),
        status,
        elapsed_business_seconds: elapsed,
        stop_reason: reason,
      });
    },
  );

  it('the breach of cycle 1 is at its deadline, 30 minutes after the earliest unanswered message', () => {
    expect(clockOf(d, 'next_response', 1).breached_at).toBe(at('2026-11-16T10:30'));
    expect(d.clocks.filter((c) => c.metric === 'next_response')).toHaveLength(3);
  });
});

describe('solve stops the response clocks', () => {
  it.each([
    // solved within the 15-minute target without any reply: achieved, stop reason solved
    { solved: '09:10', status: 'achieved', breachedAt: null },
    // solved after the deadline without reply: breached at the deadline
    { solved: '09:30', status: 'breached', breachedAt: '09:15' },
  ])('first response, solved at $solved → $status', ({ solved, status, breachedAt }) => {
    const d = derive(
      ticket()
        .created(at('2026-11-16T09:00'), urgent)
        .status(at(`2026-11-16T${solved}`), 'solved').events,
    );
    expect(clockOf(d, 'first_response')).toMatchObject({
      status,
      stop_reason: 'solved',
      breached_at: breachedAt === null ? null : at(`2026-11-16T${breachedAt}`),
    });
  });

  it('a customer message on a solved ticket starts a cycle only when the ticket is reopened', () => {
    // reply 09:05, solved 09:30; customer writes 10:00 (solved); reopened 11:00; reply 11:20
    const base = ticket()
      .created(at('2026-11-16T09:00'), urgent)
      .agentReply(at('2026-11-16T09:05'))
      .status(at('2026-11-16T09:30'), 'solved')
      .customerMessage(at('2026-11-16T10:00'));
    expect(hasClock(derive(base.events), 'next_response')).toBe(false);
    const d = derive(
      base.status(at('2026-11-16T11:00'), 'open').agentReply(at('2026-11-16T11:20')).events,
    );
    expect(clockOf(d, 'next_response')).toMatchObject({
      started_at: at('2026-11-16T11:00'),
      elapsed_business_seconds: 1200,
      status: 'achieved',
    });
  });
});
