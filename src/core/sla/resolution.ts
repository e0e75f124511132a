/**
 * Resolution time (spec: metrics.md, "SLA clocks"; edge cases 9, 10, 11).
 *
 * - Formula: business time on the policy's calendar while the clock runs, from `ticket.created`
 *   to the solve; one instance (cycle 1) per ticket.
 * - Runs while the status is not in the pause set (default `pending`, `on_hold`) and not
 *   `solved`/`closed`. A solve stops it (decided: achieved, or breached at `breached_at`); a
 *   reopen resumes it with its elapsed time kept, so time spent solved never counts and the
 *   earlier decision is withdrawn until the next solve.
 * - A ticket created already solved gets a clock started and stopped at creation (0 elapsed).
 */
import type { TicketStatus } from '../events.js';
import { isSolvedStatus } from '../ticket/state.js';
import type { ClockPhase } from './types.js';

/** The phase a clock runs in, given the ticket status and the clock's pause set. */
export function phaseFor(status: TicketStatus, pause: readonly TicketStatus[]): ClockPhase {
  return pause.includes(status) ? 'paused' : 'running';
}

export function resolutionPhase(status: TicketStatus, pause: readonly TicketStatus[]): ClockPhase {
  return isSolvedStatus(status) ? 'stopped' : phaseFor(status, pause);
}
