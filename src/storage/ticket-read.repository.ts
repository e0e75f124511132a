/**
 * One ticket as stored, for the reads (GET /v1/tickets/:ticket_id): the derived ticket row and its
 * SLA clocks, with the figures as of the ticket's last event.
 */
import type { Kysely, Selectable } from 'kysely';
import type { TicketRow } from '../core/ticket/index.js';
import type { DB, SlaClockTable } from './schema.js';

/**
 * A stored `sla_clock` row as the readers use it (reporting/clock-view.ts): the table's shape,
 * without the tenant, why the clock stopped and its decision (when, and who and what it is
 * attributed to), which no reader of a clock uses.
 */
export type StoredClock = Omit<
  Selectable<SlaClockTable>,
  | 'tenant_id'
  | 'stop_reason'
  | 'decided_at'
  | 'team'
  | 'agent'
  | 'priority'
  | 'channel'
  | 'category'
>;

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
