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
import type { DB } from '../storage/schema.js';
import {
  countTicketEvents,
  loadTicketEvents,
  lockTickets,
  writeTickets,
  type LockedTicket,
  type TicketWrite,
} from '../storage/ticket-state.repository.js';
import type { FoldContextProvider } from '../settings/fold-context.js';
import type { IngestHooks, StoredEvent } from './event-ingestor.js';
import { storedToCoreEvent, toCoreEvent } from './to-core-event.js';

export interface UpdateStats {
  tickets: number;
  continued: number;
  refolded: number;
}

function resumable(
  locked: LockedTicket | undefined,
  events: TicketEvent[],
  revision: number,
): TicketState | null {
  const state = locked?.state;
  if (!state || locked.configRevision !== revision) return null;
  return events.every((e) => canApplyAfter(state, e)) ? state : null;
}

/**
 * Folds the tickets and writes their derived rows and rollup deltas. `newEvents` holds the
 * events just stored per ticket; with `refold`, every ticket is refolded from its stored log.
 */
export async function updateTickets(
  db: Kysely<DB>,
  tenantId: string,
  newEvents: ReadonlyMap<string, TicketEvent[]>,
  context: { ctx: FoldContext; revision: number },
  options: { refold?: boolean } = {},
): Promise<UpdateStats> {
  const ids = [...newEvents.keys()];
  const locked = await lockTickets(db, tenantId, ids);
  const states = new Map<string, TicketState>();
  const sorted = new Map<string, TicketEvent[]>();
  const toRefold: string[] = [];
  /** Never folded: when the log holds only the new events, they are the whole fold. */
  const unfolded: string[] = [];
  for (const id of ids) {
    const events = [...(newEvents.get(id) ?? [])].sort(compareEvents);
    if (options.refold) {
      toRefold.push(id);
      continue;
    }
    const state = resumable(locked.get(id), events, context.revision);
    if (state === null) {
      if (!locked.get(id)?.state && events.length > 0) {
        sorted.set(id, events);
        unfolded.push(id);
      } else toRefold.push(id);
      continue;
    }
    for (const event of events) applyInPlace(state, event, context.ctx);
    states.set(id, state);
  }
  let foldedFromNew = 0;
  if (unfolded.length > 0) {
    // The new events are stored (this transaction): equal counts mean the same events, so
    // they need not be read back.
    const counts = await countTicketEvents(db, tenantId, unfolded);
    for (const id of unfolded) {
      const events = sorted.get(id)!;
      if (counts.get(id) === events.length) {
        states.set(id, foldTicket(events, context.ctx));
        foldedFromNew += 1;
      } else toRefold.push(id);
    }
  }
  const byTicket = new Map<string, TicketEvent[]>();
  for (const row of await loadTicketEvents(db, tenantId, toRefold)) {
    const list = byTicket.get(row.ticket_id) ?? [];
    list.push(storedToCoreEvent(row));
    byTicket.set(row.ticket_id, list);
  }
  for (const id of toRefold) states.set(id, foldTicket(byTicket.get(id) ?? [], context.ctx));

  const writes: TicketWrite[] = [];
  const deltas = new RollupDeltas();
  for (const id of ids) {
    const state = states.get(id)!;
    const derived = deriveTicket(state, context.ctx);
    const contributions = keyedTicketContributions(derived);
    const before = locked.get(id);
    const changed = deltas.addTicket(before?.contributions ?? [], contributions);
    writes.push({
      ticketId: id,
      state,
      derived,
      contributions: contributions.rows,
      configRevision: context.revision,
      contributionsStored: !changed && before?.hasContributions === true,
    });
  }
  await writeTickets(db, tenantId, writes);
  await applyRollupDeltas(db, tenantId, deltas.rows());
  return {
    tickets: ids.length,
    continued: ids.length - toRefold.length - foldedFromNew,
    refolded: toRefold.length + foldedFromNew,
  };
}

/** The ingest hook: runs in the batch's transaction with the events it newly stored. */
export class TicketUpdater implements IngestHooks {
  constructor(private readonly contexts: FoldContextProvider) {}

  async afterStore(
    trx: Kysely<DB>,
    tenantId: string,
    stored: readonly StoredEvent[],
  ): Promise<void> {
    const context = await this.contexts.forUpdate(trx, tenantId);
    const byTicket = new Map<string, TicketEvent[]>();
    for (const { event, seq } of stored) {
      const list = byTicket.get(event.ticketId) ?? [];
      list.push(toCoreEvent(event, seq));
      byTicket.set(event.ticketId, list);
    }
    await updateTickets(trx, tenantId, byTicket, context);
  }
}
