/**
 * A ticket's timeline (GET /v1/tickets/:ticket_id/timeline): every clock segment (running, outside
 * business hours, paused) with the policy and calendar versions it was measured with.
 *
 * The segments are not stored (migration 0010), so the ticket's events are folded again, with the
 * configuration as of now — the fold that ingest and `verify` run, so the figures are those of the
 * stored clocks (or, while a recomputation is still to reach this ticket, those it will store).
 */
import type { Kysely } from 'kysely';
import type { BusinessCalendar } from '../core/calendar/index.js';
import type { ClockRow, ClockSegmentRow } from '../core/sla/derive.js';
import { deriveTicket, foldTicket } from '../core/ticket/index.js';
import type { DB } from '../storage/schema.js';
import { loadTicketEvents, storedEventToCore } from '../storage/ticket-event.repository.js';
import type { StoredClock } from '../storage/ticket-read.repository.js';
import type { FoldContextProvider } from '../tenant-config/fold-context.js';
import { prepareFoldCalendars } from '../tenant-config/prepare-calendars.js';
import { clockView } from './clock-view.js';
import { splitRunning, type TimelineSegment } from './timeline-segments.js';

/**
 * At most this many segments are listed per clock. A clock running for decades on a calendar of
 * short intervals has millions of them; past the budget, the rest of a running span is one
 * `summarised` segment carrying its business time.
 */
export const MAX_TIMELINE_SEGMENTS = 1000;

export interface TicketTimelineDeps {
  db: Kysely<DB>;
  contexts: FoldContextProvider;
}

const iso = (ms: number) => new Date(ms).toISOString();
const dateOf = (ms: number | null) => (ms === null ? null : new Date(ms));

/** A derived clock in the shape of a stored one, for {@link clockView}. */
function asStored(ticketId: string, c: ClockRow): StoredClock {
  return {
    ticket_id: ticketId,
    metric: c.metric,
    cycle: c.cycle,
    policy_id: c.policy_id,
    policy_version: c.policy_version,
    calendar_id: c.calendar_id,
    status: c.status,
    started_at: new Date(c.started_at),
    stopped_at: dateOf(c.stopped_at),
    target_seconds: c.target_seconds,
    elapsed_business_seconds: c.elapsed_business_seconds,
    elapsed_calendar_seconds: c.elapsed_calendar_seconds,
    paused_calendar_seconds: c.paused_calendar_seconds,
    running_since: dateOf(c.running_since),
    due_at: dateOf(c.due_at),
    at_risk_at: dateOf(c.at_risk_at),
    breached_at: dateOf(c.breached_at),
  };
}

function segmentsOf(
  c: ClockRow,
  now: number,
  calendar: (id: string) => BusinessCalendar | undefined,
): TimelineSegment[] {
  const budget = { left: MAX_TIMELINE_SEGMENTS };
  return c.segments.flatMap((seg: ClockSegmentRow) => {
    const to = seg.to ?? Math.max(now, seg.from);
    if (seg.state === 'running') return splitRunning(seg, to, calendar(seg.calendar_id), budget);
    budget.left -= 1;
    const { state: _state, to: _to, ...rest } = seg;
    return [{ ...rest, from: iso(seg.from), to: iso(to), kind: 'paused', business_seconds: 0 }];
  });
}

const byStartMetricCycle = (a: ClockRow, b: ClockRow) =>
  a.started_at - b.started_at ||
  (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0) ||
  a.cycle - b.cycle;

/** The ticket's clocks and their segments as of `now`, or null when there is no such ticket. */
export async function ticketTimeline(
  deps: TicketTimelineDeps,
  tenantId: string,
  ticketId: string,
  now: number,
) {
  const events = (await loadTicketEvents(deps.db, tenantId, [ticketId])).map(storedEventToCore);
  const { ctx } = await deps.contexts.forRead(deps.db, tenantId);
  if (events.length > 0) {
    const last = events[events.length - 1]!.occurredAt;
    await prepareFoldCalendars(ctx, events[0]!.occurredAt, Math.max(last, now));
  }
  const derived = deriveTicket(foldTicket(events, ctx), ctx);
  if (!derived.ticket.exists) return null;
  const asOf = derived.ticket.as_of;
  const calendar = (id: string) => ctx.calendar(id);
  return {
    ticket_id: ticketId,
    as_of: iso(now),
    clocks: [...derived.clocks].sort(byStartMetricCycle).map((c) => {
      const view = clockView(asStored(ticketId, c), asOf, now, calendar(c.calendar_id));
      return {
        metric: c.metric,
        cycle: c.cycle,
        status: view.status,
        elapsed_business_seconds: view.elapsed_business_seconds,
        segments: segmentsOf(c, now, calendar),
      };
    }),
  };
}
