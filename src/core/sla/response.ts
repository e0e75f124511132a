/**
 * First and next response time (spec: metrics.md, "SLA clocks"; events.md, "Derived meanings";
 * edge cases 15, 16, 17).
 *
 * - Qualifying agent response: `ticket.message` outbound + public by an `agent` actor. Internal
 *   notes and bot/system messages never count. Customer message: inbound + public.
 * - first_response (cycle 1): starts at `ticket.created`, or for an agent-created ticket at
 *   the first customer message (none → no clock). Stops at the first qualifying response, or
 *   when the ticket is solved/closed.
 * - next_response (cycles 1, 2, …): once first_response has ended, a customer message starts a
 *   cycle when none is open; later messages do not move its start (the earliest unanswered
 *   message starts it). Stops at the next qualifying response or at solve/close.
 * - Solve/close without a response ends the cycle as the reply would (stop reason `solved`):
 *   achieved if the deadline had not passed, breached at it otherwise — the reading of
 *   Zendesk's reply-time metrics (a solve fulfils them) and of Fivetran's SLA models. Reports
 *   can tell these apart by `stop_reason`.
 * - A customer message on a solved/closed ticket starts nothing (no clock runs while solved);
 *   if the ticket is then reopened before an agent responds, a cycle starts at the reopen.
 * - Pause sets default to none; a policy may give them one.
 */
import type { Instant } from '../events.js';
import type { FoldContext } from '../ticket/context.js';
import { currentAttribution, type TicketState } from '../ticket/state.js';
import { moveClock } from './clock.js';
import { attributionLookup } from './sync.js';
import type { StopReason } from './types.js';

function openCycle(state: TicketState, t: Instant): void {
  const replies = state.replies;
  replies.open = replies.firstDone
    ? { metric: 'next_response', cycle: ++replies.nextCycles, startedAt: t }
    : { metric: 'first_response', cycle: 1, startedAt: t };
}

function closeCycle(state: TicketState, t: Instant, reason: StopReason, ctx: FoldContext): void {
  const open = state.replies.open;
  if (open === null) return;
  const clock = state.clocks.find((c) => c.metric === open.metric && c.cycle === open.cycle);
  if (clock !== undefined && clock.phase !== 'stopped') {
    const attribution = currentAttribution(state);
    moveClock(clock, t, 'stopped', state.status, ctx, attributionLookup(state, t), {
      reason,
      attribution,
    });
  }
  if (open.metric === 'first_response') state.replies.firstDone = true;
  state.replies.open = null;
}

/** A customer-created ticket awaits its first response from creation. */
export function repliesOnCreated(state: TicketState, t: Instant): void {
  if (state.via === 'customer') openCycle(state, t);
}

export function repliesOnCustomerMessage(state: TicketState, t: Instant, solved: boolean): void {
  if (solved) state.replies.waitingWhileSolved = true;
  else if (state.replies.open === null) openCycle(state, t);
}

export function repliesOnAgentResponse(state: TicketState, t: Instant, ctx: FoldContext): void {
  state.replies.waitingWhileSolved = false;
  closeCycle(state, t, 'response', ctx);
}

export function repliesOnSolve(state: TicketState, t: Instant, ctx: FoldContext): void {
  closeCycle(state, t, 'solved', ctx);
}

export function repliesOnReopen(state: TicketState, t: Instant): void {
  if (!state.replies.waitingWhileSolved) return;
  state.replies.waitingWhileSolved = false;
  openCycle(state, t);
}
