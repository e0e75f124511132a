/**
 * The SLA clock machine (spec: metrics.md, "SLA clocks"; edge cases 12, 13, 19).
 *
 * A clock is a sequence of segments, each `running` or `paused`, under one policy binding
 * (target, calendar, pause set). Elapsed business time is `calendar.elapsed` summed over the
 * running segments, each on the calendar it ran under, so a policy change never recounts the
 * past (edge case 12). While running, `dueAt = calendar.add(since, target − elapsed)`.
 *
 * Breach (sticky, never withdrawn except by a refold):
 * - a clock that is still running at an instant after its `dueAt` breaches at `dueAt`: a stop
 *   exactly at `dueAt` is achieved (elapsed = target is within target), one a millisecond later
 *   is breached. Because `add` returns a closing instant when the target runs out at a close,
 *   a clock still running after that close breaches at the close, even though no business time
 *   elapsed after it (metrics.md: "a target reached exactly at a closing time breaches at that
 *   closing time"); its elapsed then equals the target, the deadline is what it missed;
 * - when a new binding's target is already exceeded (`elapsed > target`), it breaches at the
 *   instant the new target takes effect ("new target from that moment on").
 * Breach is decided from `dueAt`, never by polling (edge case 13).
 */
import type { Instant, TicketStatus } from '../events.js';
import type { Attribution } from '../ticket/attribution.js';
import { calendarVersion, requireCalendar, type FoldContext } from '../ticket/context.js';
import type { ClockBinding, ClockPhase, ClockState, StopReason } from './types.js';

export type AttributionAt = (at: Instant) => Attribution;

/**
 * The attribution of a decision: the ticket's attributes at that instant, with the policy the
 * clock was measured against then (for a clock attached late, the ticket had none yet).
 */
export function decisionAttribution(clock: ClockState, a: Attribution): Attribution {
  return { ...a, policy_id: clock.policyId };
}

/** `calendar.add`, with "never" as null. */
function addOrNull(ctx: FoldContext, calendarId: string, t: Instant, ms: number): Instant | null {
  const u = requireCalendar(ctx, calendarId).add(t, Math.max(0, ms));
  return Number.isFinite(u) ? u : null;
}

/** Closes the open segment at `t` (no-op when stopped or empty) and moves `since` to `t`. */
export function closeSegment(
  clock: ClockState,
  t: Instant,
  ctx: FoldContext,
  attributionAt: AttributionAt,
): void {
  if (clock.phase === 'stopped' || t <= clock.since) return;
  const from = clock.since;
  let business = 0;
  if (clock.phase === 'running') {
    business = requireCalendar(ctx, clock.calendarId).elapsed(from, t);
    clock.businessMs += business;
    clock.calendarMs += t - from;
    if (clock.breachedAt === null && clock.dueAt !== null && t > clock.dueAt) {
      clock.breachedAt = clock.dueAt;
      clock.breachAttribution = decisionAttribution(clock, attributionAt(clock.dueAt));
    }
  } else {
    clock.pausedMs += t - from;
  }
  clock.segments.push({
    from,
    to: t,
    state: clock.phase,
    status: clock.sinceStatus,
    policy_id: clock.policyId,
    policy_version: clock.policyVersion,
    calendar_id: clock.calendarId,
    calendar_version: clock.sinceCalendarVersion,
    business_ms: business,
  });
  clock.since = t;
}

function openSegment(
  clock: ClockState,
  t: Instant,
  phase: ClockPhase,
  status: TicketStatus,
  ctx: FoldContext,
): void {
  clock.phase = phase;
  clock.since = t;
  clock.sinceStatus = status;
  clock.dueAt = null;
  clock.atRiskAt = null;
  if (phase === 'stopped') return;
  clock.sinceCalendarVersion = calendarVersion(ctx, clock.calendarId, t);
  if (phase !== 'running') return;
  clock.dueAt = addOrNull(ctx, clock.calendarId, t, clock.targetMs - clock.businessMs);
  if (clock.breachedAt === null) {
    const threshold = Math.ceil(clock.atRisk * clock.targetMs);
    clock.atRiskAt = addOrNull(ctx, clock.calendarId, t, threshold - clock.businessMs);
  }
}

export interface StopInfo {
  reason: StopReason;
  attribution: Attribution;
}

/**
 * Moves the clock to `phase` at `t`: closes the open segment and opens the next one. A stop
 * records its reason and the attribution at the stop; a resume (resolution after a reopen)
 * clears them, keeping the elapsed totals.
 */
export function moveClock(
  clock: ClockState,
  t: Instant,
  phase: ClockPhase,
  status: TicketStatus,
  ctx: FoldContext,
  attributionAt: AttributionAt,
  stop: StopInfo | null,
): void {
  closeSegment(clock, t, ctx, attributionAt);
  if (phase === 'stopped') {
    if (clock.phase !== 'stopped') {
      clock.stoppedAt = t;
      clock.stopReason = stop?.reason ?? 'solved';
      clock.stopAttribution = decisionAttribution(clock, stop?.attribution ?? attributionAt(t));
    }
  } else {
    clock.stoppedAt = null;
    clock.stopReason = null;
    clock.stopAttribution = null;
  }
  openSegment(clock, t, phase, status, ctx);
}

/**
 * Puts the clock under a new binding from `t` on: the open segment is closed on the old
 * calendar, elapsed time is kept, and a target already exceeded breaches at `t`.
 * The caller then calls {@link moveClock} to open the next segment under the new binding.
 */
export function rebindClock(
  clock: ClockState,
  t: Instant,
  binding: ClockBinding,
  ctx: FoldContext,
  attributionAt: AttributionAt,
  current: Attribution,
): void {
  closeSegment(clock, t, ctx, attributionAt);
  clock.policyId = binding.policyId;
  clock.policyVersion = binding.policyVersion;
  clock.calendarId = binding.calendarId;
  clock.targetMs = binding.targetMs;
  clock.atRisk = binding.atRisk;
  clock.pause = [...binding.pause];
  if (clock.breachedAt === null && clock.businessMs > clock.targetMs) {
    clock.breachedAt = t;
    clock.breachAttribution = decisionAttribution(clock, current);
  }
}

/** A new clock, opened at `startedAt` in `phase` (`stopped`: started and stopped at once). */
export function newClock(
  metric: ClockState['metric'],
  cycle: number,
  binding: ClockBinding,
  startedAt: Instant,
  phase: ClockPhase,
  status: TicketStatus,
  ctx: FoldContext,
  attributionAt: AttributionAt,
): ClockState {
  // Explicit fields, not `...binding`: spreading here was the fold's hottest path.
  const clock: ClockState = {
    policyId: binding.policyId,
    policyVersion: binding.policyVersion,
    calendarId: binding.calendarId,
    targetMs: binding.targetMs,
    atRisk: binding.atRisk,
    pause: [...binding.pause],
    metric,
    cycle,
    startedAt,
    stoppedAt: null,
    stopReason: null,
    phase: 'stopped',
    since: startedAt,
    sinceStatus: status,
    sinceCalendarVersion: 0,
    businessMs: 0,
    calendarMs: 0,
    pausedMs: 0,
    dueAt: null,
    atRiskAt: null,
    breachedAt: null,
    breachAttribution: null,
    stopAttribution: null,
    segments: [],
  };
  if (phase === 'stopped') {
    clock.stoppedAt = startedAt;
    clock.stopReason = 'solved';
    clock.stopAttribution = decisionAttribution(clock, attributionAt(startedAt));
  }
  openSegment(clock, startedAt, phase, status, ctx);
  return clock;
}
