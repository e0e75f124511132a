/**
 * What `rebuild` and `verify` (ingest/rebuild.ts) read besides the event log: every ticket of a
 * tenant, and the derived rows verify compares with what the events give.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';

/** The tables of a ticket's derived rows, which verify compares. */
export type VerifiedTable = 'ticket' | 'sla_clock' | 'contact' | 'backlog_segment';

/** Every ticket of the tenant, in order: those with stored events and those with a row. */
export async function listAllTicketIds(db: Kysely<DB>, tenantId: string): Promise<string[]> {
  const { rows } = await sql<{ ticket_id: string }>`
    select ticket_id from ticket_event where tenant_id = ${tenantId}::uuid
    union select ticket_id from ticket where tenant_id = ${tenantId}::uuid
    order by ticket_id`.execute(db);
  return rows.map((r) => r.ticket_id);
}

/**
 * Every stored row of `table` of the tickets, all columns. One index probe per ticket id, as in
 * loadTicketEvents (ticket-event.repository.ts).
 */
export async function loadStoredRows(
  db: Kysely<DB>,
  tenantId: string,
  table: VerifiedTable,
  ticketIds: readonly string[],
): Promise<Array<Record<string, unknown>>> {
  const { rows } = await sql<Record<string, unknown>>`
    select d.* from unnest(${[...ticketIds]}::text[]) as x(id)
    cross join lateral (
      select * from ${sql.table(table)}
      where tenant_id = ${tenantId}::uuid and ticket_id = x.id
      offset 0
    ) d`.execute(db);
  return rows;
}
