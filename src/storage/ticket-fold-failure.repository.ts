/**
 * Tickets whose fold failed (migration 0011): recorded in the batch that stored their events,
 * deleted by the first fold of the ticket that succeeds, listed by `verify`.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';
import { insertValues } from './values-rows.js';

/** Messages are the error's own text, cut short: they are for an operator, not a log dump. */
const MAX_ERROR_LENGTH = 1000;

export async function recordFoldFailures(
  db: Kysely<DB>,
  tenantId: string,
  failures: ReadonlyMap<string, string>,
): Promise<void> {
  if (failures.size === 0) return;
  const ids = [...failures.keys()].sort();
  await insertValues(
    db,
    ids,
    ['uuid', 'text', 'text'],
    (id) => [tenantId, id, failures.get(id)!.slice(0, MAX_ERROR_LENGTH)],
    (values) => sql`
      insert into ticket_fold_failure (tenant_id, ticket_id, error)
      values ${values}
      on conflict (tenant_id, ticket_id)
      do update set error = excluded.error, failed_at = excluded.failed_at`,
  );
}

export async function clearFoldFailures(
  db: Kysely<DB>,
  tenantId: string,
  ticketIds: readonly string[],
): Promise<void> {
  if (ticketIds.length === 0) return;
  await sql`
    delete from ticket_fold_failure
    where tenant_id = ${tenantId}::uuid and ticket_id = any(${[...ticketIds]}::text[])`.execute(db);
}

export interface FoldFailure {
  ticketId: string;
  error: string;
  failedAt: Date;
}

export async function listFoldFailures(db: Kysely<DB>, tenantId: string): Promise<FoldFailure[]> {
  const rows = await db
    .selectFrom('ticket_fold_failure')
    .select(['ticket_id', 'error', 'failed_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('ticket_id')
    .execute();
  return rows.map((r) => ({ ticketId: r.ticket_id, error: r.error, failedAt: r.failed_at }));
}
