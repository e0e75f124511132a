/**
 * One ticket as stored, for the reads (GET /v1/tickets/:ticket_id): the derived ticket row and its
 * SLA clocks, with the figures as of the ticket's last event.
 */
import type { Kysely } from 'kysely';
import type { TicketRow } from '../core/ticket/index.js';
import type { DB } from './schema.js';

/** A stored `sla_clock` row as the readers use it (reporting/clock-view.ts). */
export interface StoredClock {
  ticket_id: string;
  metric: string;
  cycle: number;
  policy_id: string;
  policy_version: number;
  calendar_id: string;
  status: string;
  started_at: Date;
  stopped_at: Date | null;
  target_seconds: number;
  elapsed_business_seconds: number;
  elapsed_calendar_seconds: number;
  paused_calendar_seconds: number;
  running_since: Date | null;
  due_at: Date | null;
  at_risk_at: Date | null;
  breached_at: Date | null;
}

/** The ticket's derived row, or undefined when no event of it was stored. */
export async function findDerivedTicket(
  db: Kysely<DB>,
  tenantId: string,
  ticketId: string,
): Promise<TicketRow | undefined> {
  const row = await db
    .selectFrom('ticket')
    .select('derived')
    .where('tenant_id', '=', tenantId)
    .where('ticket_id', '=', ticketId)
    .executeTakeFirst();
  return (row?.derived as TicketRow | null | undefined) ?? undefined;
}

/** The ticket's clocks in the order the API lists them: by start, then metric and cycle. */
export async function listTicketClocks(
  db: Kysely<DB>,
  tenantId: string,
  ticketId: string,
): Promise<StoredClock[]> {
  return db
    .selectFrom('sla_clock')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('ticket_id', '=', ticketId)
    .orderBy('started_at')
    .orderBy('metric')
    .orderBy('cycle')
    .execute();
}
