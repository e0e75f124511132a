/**
 * FCR `one_touch`, 7-day window (metrics.md "First-contact resolution"; edge case 23).
 * Each row: the events after `ticket.created` (Mon 2026-11-16 09:00, customer-created unless
 * said) and the expected `fcr`, touches and flags.
 */
import { describe, expect, it } from 'vitest';
import { ticket, type TicketStream } from '../../factories/ticket-stream.js';
import { at, DAY, HOUR } from '../../factories/time.js';
import { derive } from './support/derive.js';

const T0 = at('2026-11-16T09:00');
const SOLVE = T0 + 2 * HOUR;

type Case = {
  name: string;
  via?: 'customer' | 'agent';
  build: (s: TicketStream) => TicketStream;
  fcr: boolean | null;
  touches: number;
  reopened: boolean | null;
  escalated?: boolean;
};

const cases: Case[] = [
  // one reply then solved: FCR
  {
    name: 'one touch',
    build: (s) => s.agentReply(T0 + HOUR).status(SOLVE, 'solved'),
    fcr: true,
    touches: 1,
    reopened: false,
  },
  // a phone contact is a touch too
  {
    name: 'one contact',
    build: (s) => s.contact(T0 + HOUR).status(SOLVE, 'solved'),
    fcr: true,
    touches: 1,
    reopened: false,
  },
  // two touches: not FCR
  {
    name: 'two touches',
    build: (s) =>
      s
        .agentReply(T0 + HOUR)
        .contact(T0 + 90 * 60_000)
        .status(SOLVE, 'solved'),
    fcr: false,
    touches: 2,
    reopened: false,
  },
  // solved without touch: zero_touch, not FCR
  {
    name: 'zero touch',
    build: (s) => s.status(SOLVE, 'solved'),
    fcr: false,
    touches: 0,
    reopened: false,
  },
  // functional escalation (tier 1 → 2) before the first solve
  {
    name: 'escalated',
    build: (s) =>
      s
        .updated(T0 + 30 * 60_000, { tier: 2 })
        .agentReply(T0 + HOUR)
        .status(SOLVE, 'solved'),
    fcr: false,
    touches: 1,
    reopened: false,
    escalated: true,
  },
  // reopened 3 days after the first solve: inside the window
  {
    name: 'reopened inside the window',
    build: (s) =>
      s
        .agentReply(T0 + HOUR)
        .status(SOLVE, 'solved')
        .status(SOLVE + 3 * DAY, 'open'),
    fcr: false,
    touches: 1,
    reopened: true,
  },
  // reopened exactly 7 days after: the window is [solve, solve + 7 d), so outside
  {
    name: 'reopened at the window end',
    build: (s) =>
      s
        .agentReply(T0 + HOUR)
        .status(SOLVE, 'solved')
        .status(SOLVE + 7 * DAY, 'open'),
    fcr: true,
    touches: 1,
    reopened: false,
  },
  // touches after the first solve do not count
  {
    name: 'touches after the first solve',
    build: (s) =>
      s
        .agentReply(T0 + HOUR)
        .status(SOLVE, 'solved')
        .status(SOLVE + 8 * DAY, 'open')
        .agentReply(SOLVE + 8 * DAY + 1),
    fcr: true,
    touches: 1,
    reopened: false,
  },
  // not solved yet: null
  {
    name: 'not solved',
    build: (s) => s.agentReply(T0 + HOUR),
    fcr: null,
    touches: 1,
    reopened: null,
  },
  // agent-created tickets are outside the cohort
  {
    name: 'agent-created',
    via: 'agent',
    build: (s) => s.agentReply(T0 + HOUR).status(SOLVE, 'solved'),
    fcr: null,
    touches: 1,
    reopened: false,
  },
];

describe('FCR one_touch', () => {
  it.each(cases)('$name', ({ via, build, fcr, touches, reopened, escalated }) => {
    const d = derive(build(ticket().created(T0, { via: via ?? 'customer', tier: 1 })).events);
    expect(d.ticket).toMatchObject({
      fcr,
      touches,
      reopened_within_window: reopened,
      escalated_before_first_solve: escalated ?? false,
    });
  });

  it('window end and provisional FCR', () => {
    const d = derive(
      ticket()
        .created(T0)
        .agentReply(T0 + HOUR)
        .status(SOLVE, 'solved').events,
    );
    expect(d.ticket.fcr_window_ends_at).toBe(SOLVE + 7 * DAY);
    expect(d.ticket.first_solved_at).toBe(SOLVE);
  });
});
