/**
 * First-contact resolution, definition `one_touch` (spec: metrics.md, "First-contact
 * resolution" and "Reopens and escalations"; edge case 23).
 *
 * - Cohort: tickets first solved in the period, not deleted, not agent-created (`via: agent`
 *   tickets get `fcr = null`).
 * - Touches before the first solve = qualifying agent responses + `contact.completed` events
 *   applied before the first solve.
 * - FCR when touches = 1, not functionally escalated before the first solve, and not reopened
 *   within the window: `[first_solved_at, first_solved_at + window_days × 24 h)` (a reopen at
 *   exactly the window end is outside it). Until the window has passed an FCR `true` is
 *   provisional: readers count it in `pending_confirmation` while now < `fcr_window_ends_at`.
 * - `fcr_rate = fcr / (cohort with touches ≥ 1)`; zero-touch tickets are reported apart.
 */
import type { Instant } from '../events.js';
import type { FoldContext } from './context.js';
import type { TicketState } from './state.js';

const DAY_MS = 86_400_000;

export interface FcrOutcome {
  /** Null until first solved, and for tickets outside the cohort (agent-created). */
  fcr: boolean | null;
  fcr_window_ends_at: Instant | null;
  /** Reopened within the window after the first solve; null until first solved. */
  reopened_within_window: boolean | null;
  escalated_before_first_solve: boolean;
  touches: number;
  zero_touch: boolean | null;
}

export function fcrOutcome(state: TicketState, ctx: FoldContext): FcrOutcome {
  const first = state.firstSolve;
  const touches = state.touchesBeforeFirstSolve;
  const escalated = state.escalatedBeforeFirstSolve;
  if (first === null) {
    return {
      fcr: null,
      fcr_window_ends_at: null,
      reopened_within_window: null,
      escalated_before_first_solve: escalated,
      touches,
      zero_touch: null,
    };
  }
  const windowEnd = first.at + ctx.fcrWindowDays * DAY_MS;
  const reopened = state.reopens.some((r) => r.at < windowEnd);
  const inCohort = state.via !== 'agent';
  return {
    fcr: inCohort ? touches === 1 && !escalated && !reopened : null,
    fcr_window_ends_at: windowEnd,
    reopened_within_window: reopened,
    escalated_before_first_solve: escalated,
    touches,
    zero_touch: touches === 0,
  };
}
