/**
 * One ticket as of now (GET /v1/tickets/:ticket_id): its stored attributes and counters, and its
 * SLA clocks extended from the ticket's last event to `now` (clock-view.ts).
 */
import type { Kysely } from 'kysely';
import type { TicketRow } from '../core/ticket/index.js';
import type { DB } from '../storage/schema.js';
import { findDerivedTicket, listTicketClocks } from '../storage/ticket-read.repository.js';
import type { CalendarRegistry } from '../tenant-config/calendar-registry.js';
import { clockView, type ClockView } from './clock-view.js';

export interface TicketDetailDeps {
  db: Kysely<DB>;
  calendars: CalendarRegistry;
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

function attributes(t: TicketRow) {
  return {
    status: t.status,
    priority: t.priority,
    channel: t.channel,
    group: t.group,
    assignee_id: t.assignee_id,
    requester_id: t.requester_id,
    organization_id: t.organization_id,
    category: t.category,
    tier: t.tier,
    tags: t.tags,
    via: t.via,
    created_at: isoOrNull(t.created_at),
    deleted: t.deleted,
    deleted_reason: t.deleted_reason,
    merged_into: t.merged_into,
    first_solved_at: isoOrNull(t.first_solved_at),
    policy_id: t.policy_id,
  };
}

function outcomes(t: TicketRow, sla: ClockView[], now: number) {
  return {
    sla,
    fcr: t.fcr,
    // FCR is provisional until its window closes: a reopen within it would still undo it.
    fcr_pending_confirmation:
      t.fcr === true && t.fcr_window_ends_at !== null && t.fcr_window_ends_at > now,
    touches: t.touches,
    reopens: t.reopens,
    reassignments: t.reassignments,
    escalations: t.escalations,
    contacts: t.contacts,
    handle_seconds: t.handle_seconds,
    events_before_creation: t.orphan_events,
  };
}

export type TicketDetail = { ticket_id: string; as_of: string } & ReturnType<typeof attributes> &
  ReturnType<typeof outcomes>;

/** The ticket as of `now`, or null when there is no such ticket (no event of it created it). */
export async function ticketDetail(
  deps: TicketDetailDeps,
  tenantId: string,
  ticketId: string,
  now: number,
): Promise<TicketDetail | null> {
  const t = await findDerivedTicket(deps.db, tenantId, ticketId);
  if (!t?.exists) return null;
  const clocks = await listTicketClocks(deps.db, tenantId, ticketId);
  const calendars = await deps.calendars.loadAll(deps.db, tenantId);
  const sla = clocks.map((c) => clockView(c, t.as_of, now, calendars.get(c.calendar_id)?.calendar));
  return { ticket_id: ticketId, as_of: iso(now), ...attributes(t), ...outcomes(t, sla, now) };
}
