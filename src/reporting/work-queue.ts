/**
 * The SLA work queue (GET /v1/tickets): open clocks of live tickets by SLA state as of now,
 * soonest due first, a keyset page at a time — or, with a `decided` range, the clocks SLA
 * compliance counts in that range (the dashboard's drill-down from a week), in decision order.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../storage/schema.js';
import {
  listQueueClocks,
  type QueueAttributeFilters,
  type QueueKey,
  type QueueRow,
} from '../storage/work-queue.repository.js';
import type { CalendarRegistry, LoadedCalendar } from '../tenant-config/calendar-registry.js';
import { clockView } from './clock-view.js';

export type { QueueKey };

export interface QueueQuery {
  /** `active` includes at_risk clocks; `achieved` only with `decided`. */
  slaStatus?: string;
  metric?: string;
  /** The ticket's current attributes; with `decided`, those the decision was attributed to. */
  filters?: QueueAttributeFilters;
  /** List the clocks decided in `[from, to)` (epoch ms) instead of the open queue. */
  decided?: { from: number; to: number };
  /** The page starts after this position (the previous page's `next`). */
  after?: QueueKey;
  limit: number;
}

export interface QueuePage {
  items: ReturnType<typeof queueItem>[];
  /** Where the next page starts; null on the last page. */
  next: QueueKey | null;
}

type Elapsed = (calendarId: string, from: number, to: number) => number | undefined;

/**
 * Business seconds from now to the deadline on the clock's calendar (negative once past it);
 * a paused clock's stored remainder (its elapsed time does not grow while paused).
 */
function businessSecondsLeft(r: QueueRow, now: number, elapsed: Elapsed): number | null {
  if (r.stopped_at !== null) return null;
  if (r.running_since === null) return r.target_seconds - r.elapsed_business_seconds;
  if (r.due_at === null) return null;
  const ms = elapsed(r.calendar_id, now, r.due_at.getTime());
  return ms === undefined ? null : Math.round(ms) / 1000;
}

function queueItem(r: QueueRow, now: number, elapsed: Elapsed) {
  // The queue's stored figures are not extended to now: only the status and instants are listed.
  const view = clockView(r, null, now, undefined);
  return {
    ticket_id: r.ticket_id,
    metric: r.metric,
    cycle: r.cycle,
    sla_status: view.status,
    due_at: view.due_at,
    breached_at: view.breached_at,
    decided_at: r.stopped_at !== null || view.status === 'breached' ? decisionOf(r, view) : null,
    business_seconds_left: businessSecondsLeft(r, now, elapsed),
    policy_id: r.policy_id,
    calendar_id: r.calendar_id,
    target_seconds: r.target_seconds,
    ticket_status: r.ticket_status,
    priority: r.t_priority,
    group: r.t_team,
    assignee_id: r.t_assignee,
  };
}

function decisionOf(r: QueueRow, view: ReturnType<typeof clockView>): string | null {
  return r.decided_at?.toISOString() ?? view.breached_at;
}

export async function workQueue(
  deps: { db: Kysely<DB>; calendars: CalendarRegistry },
  tenantId: string,
  query: QueueQuery,
  now: number,
): Promise<QueuePage> {
  const { decided, ...rest } = query;
  // One row past the page tells whether there is a next one.
  const rows = await listQueueClocks(
    deps.db,
    tenantId,
    {
      ...rest,
      decided: decided && { from: new Date(decided.from), to: new Date(decided.to) },
      limit: query.limit + 1,
    },
    new Date(now),
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const calendars = page.some((r) => r.stopped_at === null && r.running_since !== null)
    ? await deps.calendars.loadAll(deps.db, tenantId)
    : new Map<string, LoadedCalendar>();
  const elapsed: Elapsed = (id, from, to) => calendars.get(id)?.calendar.elapsed(from, to);
  return {
    items: page.map((r) => queueItem(r, now, elapsed)),
    next: rows.length > query.limit && last ? last.key : null,
  };
}
