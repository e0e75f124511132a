/**
 * Keeps a ticket's clock instances in line with its status, reply cycles and policy after
 * every event (spec: metrics.md, "SLA policies" and "SLA clocks").
 *
 * - A clock exists for `(metric, cycle)` only while the ticket's policy has a target for the
 *   metric. When the policy changes, a running or paused clock keeps its start and elapsed
 *   time and takes the new target, calendar and pause set from that instant on.
 * - When the policy loses the target (or no policy matches any more), an undecided clock is
 *   dropped: the ticket is out of SLA for that metric. A decided (stopped) clock stays.
 * - When a policy with a target applies to a metric already under way without a clock (no
 *   policy matched at its start), the clock is attached with its targets measured from the
 *   metric's start, as Zendesk does: it is replayed over the ticket's status history on the
 *   new policy's calendar, so it may be breached at once.
 */
import type { Instant } from '../events.js';
import type { SlaMetric } from '../policy/types.js';
import type { Attribution } from '../ticket/attribution.js';
import { statusAt, statusChanges } from '../ticket/backlog.js';
import { attributionAt } from '../ticket/history.js';
import type { FoldContext } from '../ticket/context.js';
import { currentAttribution, type TicketState } from '../ticket/state.js';
import { bindingFor, currentPolicy, type BoundPolicy } from './binding.js';
import { moveClock, newClock, rebindClock, type AttributionAt } from './clock.js';
import { phaseFor, resolutionPhase } from './resolution.js';
import type { ClockBinding, ClockPhase, ClockState } from './types.js';

/** Attribution at an instant, `t` being the instant of the event being applied. */
export function attributionLookup(state: TicketState, t: Instant): AttributionAt {
  const current = currentAttribution(state);
  return (at) => (at >= t ? current : attributionAt(state, at));
}

function cycleOpen(state: TicketState, clock: ClockState): boolean {
  const open = state.replies.open;
  return open !== null && open.metric === clock.metric && open.cycle === clock.cycle;
}

function wantedPhase(state: TicketState, clock: ClockState): ClockPhase {
  if (clock.metric === 'resolution') return resolutionPhase(state.status, clock.pause);
  return cycleOpen(state, clock) ? phaseFor(state.status, clock.pause) : 'stopped';
}

/** Returns false when the clock must be dropped. */
function syncClock(
  state: TicketState,
  clock: ClockState,
  t: Instant,
  bound: BoundPolicy | null,
  ctx: FoldContext,
  attrAt: AttributionAt,
  current: Attribution,
): boolean {
  if (clock.phase === 'stopped' && wantedPhase(state, clock) === 'stopped') return true;
  const binding = bound === null ? null : bindingFor(bound, clock.metric);
  if (binding === null) return false;
  const rebind =
    clock.policyId !== binding.policyId || clock.policyVersion !== binding.policyVersion;
  if (rebind) rebindClock(clock, t, binding, ctx, attrAt, current);
  const phase = wantedPhase(state, clock);
  const statusChanged = phase !== 'stopped' && clock.sinceStatus !== state.status;
  if (rebind || phase !== clock.phase || statusChanged) {
    moveClock(clock, t, phase, state.status, ctx, attrAt, {
      reason: 'solved',
      attribution: current,
    });
  }
  return true;
}

/** Builds a clock from `startedAt` by replaying the status history up to `t`. */
function replayClock(
  state: TicketState,
  metric: SlaMetric,
  cycle: number,
  startedAt: Instant,
  binding: ClockBinding,
  t: Instant,
  ctx: FoldContext,
  attrAt: AttributionAt,
): ClockState {
  const phaseAt =
    metric === 'resolution'
      ? (s: ClockState['sinceStatus']) => resolutionPhase(s, binding.pause)
      : (s: ClockState['sinceStatus']) => phaseFor(s, binding.pause);
  const startStatus = startedAt < t ? statusAt(state, startedAt) : state.status;
  const clock = newClock(
    metric,
    cycle,
    binding,
    startedAt,
    phaseAt(startStatus),
    startStatus,
    ctx,
    attrAt,
  );
  if (startedAt >= t) return clock;
  for (const [at, status] of statusChanges(state, startedAt, t)) {
    moveClock(clock, at, phaseAt(status), status, ctx, attrAt, null);
  }
  const phase = phaseAt(state.status);
  if (phase !== clock.phase || (phase !== 'stopped' && clock.sinceStatus !== state.status)) {
    moveClock(clock, t, phase, state.status, ctx, attrAt, null);
  }
  return clock;
}

function hasClock(state: TicketState, metric: SlaMetric, cycle: number): boolean {
  return state.clocks.some((c) => c.metric === metric && c.cycle === cycle);
}

function ensureClocks(
  state: TicketState,
  t: Instant,
  bound: BoundPolicy,
  ctx: FoldContext,
  attrAt: AttributionAt,
): void {
  const resolution = bindingFor(bound, 'resolution');
  if (resolution !== null && state.createdAt !== null && !hasClock(state, 'resolution', 1)) {
    state.clocks.push(
      replayClock(state, 'resolution', 1, state.createdAt, resolution, t, ctx, attrAt),
    );
  }
  const open = state.replies.open;
  if (open === null) return;
  const binding = bindingFor(bound, open.metric);
  if (binding !== null && !hasClock(state, open.metric, open.cycle)) {
    state.clocks.push(
      replayClock(state, open.metric, open.cycle, open.startedAt, binding, t, ctx, attrAt),
    );
  }
}

/** Reconciles every clock with the ticket at `t` (after the event at `t` was applied). */
export function syncClocks(state: TicketState, t: Instant, ctx: FoldContext): void {
  if (!state.exists) return;
  const bound = currentPolicy(state, ctx);
  const current = currentAttribution(state);
  const attrAt = attributionLookup(state, t);
  let kept = 0;
  for (const clock of state.clocks) {
    if (syncClock(state, clock, t, bound, ctx, attrAt, current)) state.clocks[kept++] = clock;
  }
  state.clocks.length = kept;
  if (bound !== null) ensureClocks(state, t, bound, ctx, attrAt);
}
