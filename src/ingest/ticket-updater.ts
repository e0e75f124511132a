/**
 * Keeps every derived number current inside the ingest transaction (spec principle 3): for the
 * tickets a batch touched, continue each stored fold state with the new events — or refold from
 * the stored log when an event arrived late, or the configuration changed since the state was
 * folded — then replace the ticket's derived rows and add `new − old` contributions to the
 * rollups. Rebuilds and recomputation jobs run the same function with `refold: true`.
 */
import type { Kysely } from 'kysely';
import { keyedTicketContributions, RollupDeltas } from '../core/aggregate/index.js';
import type { TicketEvent } from '../core/events.js';
import {
  canApplyAfter,
  deriveTicket,
  foldTicket,
  type FoldContext,
  type TicketState,
} from '../core/ticket/index.js';
import { applyInPlace } from '../core/ticket/apply.js';
import { compareEvents } from '../core/events.js';
import { applyRollupDeltas } from '../storage/rollup.repository.js';
import type { CopyIn, Transaction } from '../storage/database.js';
import type { DB } from '../storage/schema.js';
import {
  insertTickets,
  loadTicketEvents,
  loadContributions,
  lockTickets,
  writeTickets,
  type TicketWrite,
} from '../storage/ticket-state.repository.js';
import type { FoldContextProvider } from '../settings/fold-context.js';
import type { RollupCompactor } from './rollup-compactor.js';
import { keepsState, TicketCache, type CachedTicket } from './ticket-cache.js';
import type { IngestHooks, StoredEvent } from './event-ingestor.js';
import { storedToCoreEvent, toCoreEvent } from './to-core-event.js';

export interface UpdateStats {
  tickets: number;
  continued: number;
  refolded: number;
  /** Rows appended to the rollup ledgers. */
  rollupRows: number;
}

/**
 * Folds the tickets and writes their derived rows and rollup deltas. `newEvents` holds the
 * events just stored per ticket; with `refold`, every ticket is refolded from its stored log.
 * With a `cache`, a ticket whose cached state is current continues from it (when every new
 * event sorts after the ones it has applied) and only its changed rows are written; the others
 * are refolded from the log.
 */
export async function updateTickets(
  db: Kysely<DB>,
  tenantId: string,
  newEvents: ReadonlyMap<string, TicketEvent[]>,
  context: { ctx: FoldContext; revision: number },
  options: { refold?: boolean; cache?: TicketCache; copyIn?: CopyIn | undefined } = {},
): Promise<UpdateStats> {
  const ids = [...newEvents.keys()];
  const { tickets: locked, xid } = await lockTickets(db, tenantId, ids);
  const states = new Map<string, TicketState>();
  const cached = new Map<string, CachedTicket>();
  const toRefold: string[] = [];
  /** Created by this batch: the new events are the ticket's whole log. */
  const unfolded: string[] = [];
  const sorted = new Map<string, TicketEvent[]>();
  for (const id of ids) {
    const row = locked.get(id)!;
    const entry = options.cache?.take(tenantId, id, row.rev);
    // The entry's rows and contributions are what is stored even when its state cannot go on.
    if (entry !== undefined) cached.set(id, entry);
    if (options.refold) {
      toRefold.push(id);
      continue;
    }
    const events = [...(newEvents.get(id) ?? [])].sort(compareEvents);
    if (row.created) {
      sorted.set(id, events);
      unfolded.push(id);
      continue;
    }
    const state = entry?.state;
    if (
      state === undefined ||
      row.configRevision !== context.revision ||
      !events.every((e) => canApplyAfter(state, e))
    ) {
      toRefold.push(id);
      continue;
    }
    for (const event of events) applyInPlace(state, event, context.ctx);
    states.set(id, state);
  }
  // A ticket's row is created in the transaction that stores its first events (every ingest
  // path runs this hook), so for a ticket without one the log holds only the new events —
  // unless another transaction is storing its first events right now: insertTickets finds out.
  for (const id of unfolded) states.set(id, foldTicket(sorted.get(id)!, context.ctx));
  const foldedFromNew = unfolded.length;
  const byTicket = new Map<string, TicketEvent[]>();
  for (const row of await loadTicketEvents(db, tenantId, toRefold)) {
    const list = byTicket.get(row.ticket_id) ?? [];
    list.push(storedToCoreEvent(row));
    byTicket.set(row.ticket_id, list);
  }
  for (const id of toRefold) states.set(id, foldTicket(byTicket.get(id) ?? [], context.ctx));
  // Contributions to withdraw, for the tickets whose cache entry does not hold them.
  const storedContributions = await loadContributions(
    db,
    tenantId,
    ids.filter((id) => !cached.has(id) && !locked.get(id)!.created),
  );

  const folded = ids.map((id) => {
    const state = states.get(id)!;
    const derived = deriveTicket(state, context.ctx, { segments: false });
    return { id, state, derived, contributions: keyedTicketContributions(derived) };
  });
  // New tickets' rows first: one another transaction created meanwhile is folded again below,
  // from the log, as the existing ticket it now is; nothing of it is written in this pass.
  const created = folded.filter((f) => locked.get(f.id)!.created);
  const inserted = await insertTickets(
    db,
    tenantId,
    created.map((f) => ({
      ticketId: f.id,
      state: f.state,
      derived: f.derived,
      contributions: f.contributions.rows,
      configRevision: context.revision,
      created: true,
    })),
    xid,
    options.copyIn,
  );
  const raced = created.filter((f) => !inserted.has(f.id)).map((f) => f.id);

  const writes: TicketWrite[] = [];
  const deltas = new RollupDeltas();
  for (const { id, state, derived, contributions } of folded) {
    if (locked.get(id)!.created && !inserted.has(id)) continue;
    const entry = cached.get(id);
    const before = entry?.contributions ?? storedContributions.get(id);
    const changed = deltas.addTicket(before ?? [], contributions);
    writes.push({
      ticketId: id,
      state,
      derived,
      contributions: contributions.rows,
      configRevision: context.revision,
      contributionsStored: !changed && before !== undefined,
      previous: entry?.rows,
      created: locked.get(id)!.created,
    });
  }
  const written = await writeTickets(db, tenantId, writes, options.copyIn);
  const rollupRows = await applyRollupDeltas(db, tenantId, deltas.unsortedRows(), options.copyIn);
  if (options.cache) {
    for (const w of writes) {
      options.cache.put(tenantId, w.ticketId, {
        rev: xid,
        state: keepsState(w.state) ? w.state : undefined,
        contributions: w.contributions,
        rows: written.get(w.ticketId)!.rows,
      });
    }
  }
  const stats = {
    tickets: ids.length,
    continued: ids.length - toRefold.length - foldedFromNew,
    refolded: toRefold.length + foldedFromNew,
    rollupRows,
  };
  if (raced.length === 0) return stats;
  const again = await updateTickets(db, tenantId, new Map(raced.map((id) => [id, []])), context, {
    ...options,
    refold: true,
  });
  return {
    tickets: stats.tickets,
    continued: stats.continued,
    refolded: stats.refolded,
    rollupRows: stats.rollupRows + again.rollupRows,
  };
}

/** The ingest hook: runs in the batch's transaction with the events it newly stored. */
export class TicketUpdater implements IngestHooks {
  constructor(
    private readonly contexts: FoldContextProvider,
    readonly cache: TicketCache = new TicketCache(),
    private readonly compactor?: RollupCompactor,
  ) {}

  async afterStore(
    tx: Transaction,
    tenantId: string,
    stored: readonly StoredEvent[],
  ): Promise<void> {
    const context = await this.contexts.forUpdate(tx.db, tenantId);
    const byTicket = new Map<string, TicketEvent[]>();
    for (const { event, seq } of stored) {
      const list = byTicket.get(event.ticketId) ?? [];
      list.push(toCoreEvent(event, seq));
      byTicket.set(event.ticketId, list);
    }
    const stats = await updateTickets(tx.db, tenantId, byTicket, context, {
      cache: this.cache,
      copyIn: tx.copyIn,
    });
    this.compactor?.appended(tenantId, stats.rollupRows);
  }
}
