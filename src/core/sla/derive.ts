/**
 * Clock instances as read from the fold state, "as of" the last applied event: a running
 * clock's figures include its open segment up to that instant, and a running clock already
 * past its `due_at` at that instant is reported breached at `due_at` (the reader applies the
 * same rule to later query times). Seconds carry millisecond precision.
 */
import type { Instant, TicketStatus } from '../events.js';
import type { SlaMetric } from '../policy/types.js';
import type { Attribution } from '../ticket/attribution.js';
import { attributionAt } from '../ticket/history.js';
import { requireCalendar, type FoldContext } from '../ticket/context.js';
import type { TicketState } from '../ticket/state.js';
import { decisionAttribution } from './clock.js';
import type { ClockState, StopReason } from './types.js';

export type ClockStatus = 'active' | 'paused' | 'achieved' | 'breached';

export interface ClockSegmentRow {
  from: Instant;
  /** Null for the open segment. */
  to: Instant | null;
  state: 'running' | 'paused';
  status: TicketStatus;
  policy_id: string;
  policy_version: number;
  calendar_id: string;
  calendar_version: number;
  business_seconds: number;
}

/** The attribution of a decided clock, at its decision instant. */
export interface ClockDecision {
  at: Instant;
  team: string | null;
  agent: string | null;
  priority: string | null;
  channel: string | null;
  category: string | null;
  policy_id: string | null;
}

export interface ClockRow {
  metric: SlaMetric;
  cycle: number;
  policy_id: string;
  policy_version: number;
  calendar_id: string;
  status: ClockStatus;
  stop_reason: StopReason | null;
  started_at: Instant;
  stopped_at: Instant | null;
  target_seconds: number;
  elapsed_business_seconds: number;
  elapsed_calendar_seconds: number;
  paused_calendar_seconds: number;
  /**
   * Start of the running segment; null unless running. Elapsed at a later `now` =
   * `elapsed_business_seconds` + business time in `[ticket.as_of, now)`.
   */
  running_since: Instant | null;
  /** While running: when elapsed business time reaches the target (breached ones: `breached_at`). */
  due_at: Instant | null;
  /** While running within target: when elapsed reaches `at_risk` × target (`running_since` if already past it). */
  at_risk_at: Instant | null;
  /** The deadline missed: the `due_at` the clock ran past, or the instant a new, already exceeded target took effect. */
  breached_at: Instant | null;
  /** Achieved: at `stopped_at`; breached: at `breached_at`; null while undecided. */
  decision: ClockDecision | null;
  /** The clock's explanation; empty when derived without segments (ingest, rebuild, verify). */
  segments: ClockSegmentRow[];
}

const METRIC_ORDER: Record<SlaMetric, number> = {
  first_response: 0,
  next_response: 1,
  resolution: 2,
};

function decision(at: Instant, a: Attribution): ClockDecision {
  return {
    at,
    team: a.group,
    agent: a.assignee_id,
    priority: a.priority,
    channel: a.channel,
    category: a.category,
    policy_id: a.policy_id,
  };
}

function segmentRows(clock: ClockState, asOf: Instant, openBusinessMs: number): ClockSegmentRow[] {
  const rows: ClockSegmentRow[] = clock.segments.map((s) => ({
    from: s.from,
    to: s.to,
    state: s.state,
    status: s.status,
    policy_id: s.policy_id,
    policy_version: s.policy_version,
    calendar_id: s.calendar_id,
    calendar_version: s.calendar_version,
    business_seconds: s.business_ms / 1000,
  }));
  if (clock.phase !== 'stopped' && asOf >= clock.since) {
    rows.push({
      from: clock.since,
      to: null,
      state: clock.phase,
      status: clock.sinceStatus,
      policy_id: clock.policyId,
      policy_version: clock.policyVersion,
      calendar_id: clock.calendarId,
      calendar_version: clock.sinceCalendarVersion,
      business_seconds: openBusinessMs / 1000,
    });
  }
  return rows;
}

/** The decision as of `asOf`: breached (possibly only now found past due), achieved, or none. */
function decide(
  state: TicketState,
  clock: ClockState,
  asOf: Instant,
): { breachedAt: Instant | null; decided: ClockDecision | null } {
  const at = (t: Instant) => decisionAttribution(clock, attributionAt(state, t));
  if (clock.breachedAt !== null) {
    const breachedAt = clock.breachedAt;
    return { breachedAt, decided: decision(breachedAt, clock.breachAttribution ?? at(breachedAt)) };
  }
  if (clock.phase === 'running' && clock.dueAt !== null && asOf > clock.dueAt) {
    return { breachedAt: clock.dueAt, decided: decision(clock.dueAt, at(clock.dueAt)) };
  }
  if (clock.phase === 'stopped' && clock.stoppedAt !== null) {
    const stop = clock.stopAttribution ?? at(clock.stoppedAt);
    return { breachedAt: null, decided: decision(clock.stoppedAt, stop) };
  }
  return { breachedAt: null, decided: null };
}

export function clockRow(
  state: TicketState,
  clock: ClockState,
  asOf: Instant,
  ctx: FoldContext,
  segments = true,
): ClockRow {
  const open = clock.phase === 'stopped' ? 0 : Math.max(0, asOf - clock.since);
  const running = clock.phase === 'running';
  const openBusiness =
    running && open > 0 ? requireCalendar(ctx, clock.calendarId).elapsed(clock.since, asOf) : 0;
  const { breachedAt, decided } = decide(state, clock, asOf);
  const status: ClockStatus =
    breachedAt !== null
      ? 'breached'
      : clock.phase === 'stopped'
        ? 'achieved'
        : running
          ? 'active'
          : 'paused';
  return {
    metric: clock.metric,
    cycle: clock.cycle,
    policy_id: clock.policyId,
    policy_version: clock.policyVersion,
    calendar_id: clock.calendarId,
    status,
    stop_reason: clock.stopReason,
    started_at: clock.startedAt,
    stopped_at: clock.stoppedAt,
    target_seconds: clock.targetMs / 1000,
    elapsed_business_seconds: (clock.businessMs + openBusiness) / 1000,
    elapsed_calendar_seconds: (clock.calendarMs + (running ? open : 0)) / 1000,
    paused_calendar_seconds: (clock.pausedMs + (clock.phase === 'paused' ? open : 0)) / 1000,
    running_since: running ? clock.since : null,
    due_at: running ? (breachedAt ?? clock.dueAt) : null,
    at_risk_at: running && breachedAt === null ? clock.atRiskAt : null,
    breached_at: breachedAt,
    decision: decided,
    segments: segments ? segmentRows(clock, asOf, openBusiness) : [],
  };
}

/** Every clock instance of the ticket, ordered by metric then cycle; `segments`: with them. */
export function clockRows(
  state: TicketState,
  asOf: Instant,
  ctx: FoldContext,
  segments = true,
): ClockRow[] {
  return state.clocks
    .map((clock) => clockRow(state, clock, asOf, ctx, segments))
    .sort((a, b) => METRIC_ORDER[a.metric] - METRIC_ORDER[b.metric] || a.cycle - b.cycle);
}
