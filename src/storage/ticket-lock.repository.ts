/**
 * The ticket rows a batch folds: locked for the transaction, in ticket_id order, so concurrent
 * batches touching overlapping tickets queue instead of deadlocking; and the contributions last
 * written of each to the rollups.
 *
 * Lookups by a list of ticket ids go through `unnest(ids) cross join lateral (… where ticket_id =
 * x.id for update | offset 0)`: one index probe per id whatever the statistics say (`for update`
 * or `offset 0` keeps the planner from flattening the subquery back into a join). With
 * `ticket_id = any(ids)` or a join, a growing tenant whose statistics lag behind got a scan of
 * every ticket (or event) it has.
 */
import { sql, type Kysely } from 'kysely';
import type { Contribution } from '../core/aggregate/index.js';
import type { TicketRowState } from '../core/aggregate/fold-batch.js';
import { decodeContributions } from './derived-rows.js';
import type { DB } from './schema.js';

export interface LockedTicket extends TicketRowState {
  ticketId: string;
  /** xid8 of the transaction that last wrote the derived rows (null: never written). */
  rev: string | null;
  configRevision: number | null;
  /**
   * No row exists: the ticket is new (its row is inserted with its first derived data, see
   * insertTickets in ticket-write.repository.ts), it has no derived rows or contributions yet.
   */
  created: boolean;
  /** A fold of the ticket failed and none has succeeded since (ticket_fold_failure). */
  foldFailed: boolean;
}

export interface LockedTickets {
  tickets: Map<string, LockedTicket>;
  /** This transaction's xid8: the rev the rows written now will carry. */
  xid: string;
}

/**
 * Locks the existing rows of `ticketIds` for the transaction, in ticket_id order; the others are
 * new tickets, whose rows insertTickets (ticket-write.repository.ts) creates once they are
 * folded.
 */
export async function lockTickets(
  db: Kysely<DB>,
  tenantId: string,
  ticketIds: readonly string[],
): Promise<LockedTickets> {
  const sorted = [...new Set(ticketIds)].sort();
  const { rows } = await sql<{
    ticket_id: string;
    exists: boolean;
    rev: string | null;
    config_revision: string | number | null;
    fold_failed: boolean;
  }>`
    select x.id as ticket_id, t.ticket_id is not null as exists, t.rev::text as rev,
      t.config_revision, f.ticket_id is not null as fold_failed
    from unnest(${sorted}::text[]) with ordinality as x(id, ord)
    left join lateral (
      select ticket_id, rev, config_revision from ticket
      where tenant_id = ${tenantId}::uuid and ticket_id = x.id
      for update
    ) t on true
    left join ticket_fold_failure f on f.tenant_id = ${tenantId}::uuid and f.ticket_id = x.id
    where t.ticket_id is not null or f.ticket_id is not null
    order by x.ord`.execute(db);
  // A statement of its own, reading no table: on Citus it runs on the coordinator, whose
  // transaction ids every rev is (a query of tenant tables runs on a worker, with the worker's).
  const xid = (await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(db))
    .rows[0]!.xid;
  const tickets = new Map<string, LockedTicket>(
    sorted.map((id) => [
      id,
      { ticketId: id, rev: null, configRevision: null, created: true, foldFailed: false },
    ]),
  );
  for (const r of rows) {
    tickets.set(r.ticket_id, {
      ticketId: r.ticket_id,
      rev: r.rev,
      configRevision: r.config_revision === null ? null : Number(r.config_revision),
      created: !r.exists,
      foldFailed: r.fold_failed,
    });
  }
  return { xid, tickets };
}

/** The contributions stored for each of the tickets (absent: none written). */
export async function loadContributions(
  db: Kysely<DB>,
  tenantId: string,
  ticketIds: readonly string[],
): Promise<Map<string, Contribution[]>> {
  if (ticketIds.length === 0) return new Map();
  const { rows } = await sql<{ ticket_id: string; contributions: Contribution[] }>`
    select t.ticket_id, t.contributions
    from unnest(${[...ticketIds]}::text[]) as x(id)
    cross join lateral (
      select ticket_id, contributions from ticket
      where tenant_id = ${tenantId}::uuid and ticket_id = x.id
      offset 0
    ) t
    where t.contributions is not null`.execute(db);
  return new Map(
    rows.map((r) => [r.ticket_id, decodeContributions(r.contributions as unknown as unknown[][])]),
  );
}
