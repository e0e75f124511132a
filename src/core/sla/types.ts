/**
 * The stored (JSON) state of one SLA clock instance `(metric, cycle)` of a ticket
 * (spec: metrics.md, "SLA clocks"). Durations are integer milliseconds; `null` stands for
 * "none" or "never" (the state is stored as jsonb: no `undefined`, no `Infinity`).
 */
import type { Instant, TicketStatus } from '../events.js';
import type { SlaMetric } from '../policy/types.js';
import type { Attribution } from '../ticket/attribution.js';

export type ClockPhase = 'running' | 'paused' | 'stopped';
export type StopReason = 'response' | 'solved';

/** One closed span during which the clock ran or was paused, for the timeline. */
export interface ClockSegmentState {
  from: Instant;
  to: Instant;
  state: 'running' | 'paused';
  /** The ticket status throughout the span. */
  status: TicketStatus;
  policy_id: string;
  policy_version: number;
  calendar_id: string;
  /** The calendar version in force at `from`. */
  calendar_version: number;
  /** Business milliseconds inside the span (0 for a paused span). */
  business_ms: number;
}

/** The policy settings a clock runs under; they change when the ticket's policy changes. */
export interface ClockBinding {
  policyId: string;
  policyVersion: number;
  calendarId: string;
  targetMs: number;
  atRisk: number;
  pause: TicketStatus[];
}

export interface ClockState extends ClockBinding {
  metric: SlaMetric;
  cycle: number;
  startedAt: Instant;
  stoppedAt: Instant | null;
  stopReason: StopReason | null;
  phase: ClockPhase;
  /** Start of the open segment (running or paused); when stopped, the stop instant. */
  since: Instant;
  sinceStatus: TicketStatus;
  sinceCalendarVersion: number;
  /** Totals over the closed segments (the open one is added when read). */
  businessMs: number;
  calendarMs: number;
  pausedMs: number;
  /** While running: the instant elapsed business time reaches the target. */
  dueAt: Instant | null;
  /** While running and not breached: the instant elapsed reaches `atRisk` × target. */
  atRiskAt: Instant | null;
  /** Sticky: the deadline the clock missed. */
  breachedAt: Instant | null;
  breachAttribution: Attribution | null;
  stopAttribution: Attribution | null;
  segments: ClockSegmentState[];
}
