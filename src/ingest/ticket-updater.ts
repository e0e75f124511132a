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
  type LockedTicket,
  type TicketWrite,
} from '../storage/ticket-state.repository.js';
import {
  clearFoldFailures,
  recordFoldFailures,
} from '../storage/ticket-fold-failure.repository.js';
import { prepareFoldCalendars } from '../tenant-config/prepare-calendars.js';
import type { FoldContextProvider } from '../tenant-config/fold-context.js';
import type { RollupCompactor } from './rollup-compactor.js';
import type { TicketCache } from './ticket-cache.js';
import { keepsState, type CachedTicket } from './ticket-cache.js';
import type { AfterStore, IngestHooks, StoredEvent } from './event-ingestor.js';
import { storedEventToCore } from '../storage/ticket-event.repository.js';
import { toCoreEvent } from './to-core-event.js';

export interface UpdateStats {
  tickets: number;
  continued: number;
  refolded: number;
  /** Rows appended to the rollup ledgers. */
  rollupRows: number;
  /** Tickets whose fold failed, with the reason: their events are stored, their rows unchanged. */
  failed: Map<string, string>;
}

interface Folded {
  id: string;
  state: TicketState;
  derived: ReturnType<typeof deriveTicket>;
  contributions: ReturnType<typeof keyedTicketContributions>;
}

/** How each ticket of a batch is brought up to date. */
interface FoldPlan {
  /** Cached states that the new events continue (every new event sorts after them). */
  continued: Map<string, { state: TicketState; events: TicketEvent[] }>;
  /** Tickets created by this batch: the new events are their whole log. */
  fromNew: Map<string, TicketEvent[]>;
  /** Tickets folded again from their stored log. */
  refold: Set<string>;
  cached: Map<string, CachedTicket>;
}

function planFolds(
  ids: readonly string[],
  locked: ReadonlyMap<string, LockedTicket>,
  newEvents: ReadonlyMap<string, TicketEvent[]>,
  tenantId: string,
  revision: number,
  options: { refold?: boolean; cache?: TicketCache },
): FoldPlan {
  const plan: FoldPlan = {
    continued: new Map(),
    fromNew: new Map(),
    refold: new Set(),
    cached: new Map(),
  };
  for (const id of ids) {
    const row = locked.get(id)!;
    const entry = options.cache?.take(tenantId, id, row.rev);
    // The entry's rows and contributions are what is stored even when its state cannot go on.
    if (entry !== undefined) plan.cached.set(id, entry);
    if (options.refold || row.foldFailed) {
      plan.refold.add(id);
      continue;
    }
    const events = [...(newEvents.get(id) ?? [])].sort(compareEvents);
    // A ticket's row is created in the transaction that stores its first events (every ingest
    // path runs this hook), so for a ticket without one the log holds only the new events —
    // unless another transaction is storing its first events right now: insertTickets finds out.
    if (row.created) {
      plan.fromNew.set(id, events);
      continue;
    }
    const state = entry?.state;
    if (
      state === undefined ||
      row.configRevision !== revision ||
      !events.every((e) => canApplyAfter(state, e))
    ) {
      plan.refold.add(id);
      continue;
    }
    plan.continued.set(id, { state, events });
  }
  return plan;
}

/** The earliest and latest instant a fold of the plan can compute with. */
function instantRange(plan: FoldPlan, logs: ReadonlyMap<string, TicketEvent[]>): [number, number] {
  let from = Infinity;
  let to = -Infinity;
  const see = (t: number | null | undefined) => {
    if (typeof t !== 'number') return;
    if (t < from) from = t;
    if (t > to) to = t;
  };
  const seeAll = (events: readonly TicketEvent[]) => {
    for (const e of events) see(e.occurredAt);
  };
  for (const { state, events } of plan.continued.values()) {
    see(state.createdAt);
    see(state.last?.occurredAt);
    seeAll(events);
  }
  for (const events of plan.fromNew.values()) seeAll(events);
  for (const events of logs.values()) seeAll(events);
  return [from, to];
}

/** Why a fold failed, for the operator: the error's own message, never a stack. */
function reason(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Folds every ticket of the plan. A ticket whose fold throws, for whatever reason, is reported
 * in `failed` and left out: one bad ticket must never fail the batch it travels in.
 */
function foldAll(
  ids: readonly string[],
  plan: FoldPlan,
  logs: ReadonlyMap<string, TicketEvent[]>,
  ctx: FoldContext,
  failed: Map<string, string>,
): Folded[] {
  const folded: Folded[] = [];
  for (const id of ids) {
    try {
      const continued = plan.continued.get(id);
      let state: TicketState;
      if (continued) {
        state = continued.state;
        for (const event of continued.events) applyInPlace(state, event, ctx);
      } else {
        state = foldTicket(plan.fromNew.get(id) ?? logs.get(id) ?? [], ctx);
      }
      const derived = deriveTicket(state, ctx, { segments: false });
      folded.push({ id, state, derived, contributions: keyedTicketContributions(derived) });
    } catch (error) {
      failed.set(id, reason(error));
    }
  }
  return folded;
}

/**
 * Folds the tickets and writes their derived rows and rollup deltas. `newEvents` holds the
 * events just stored per ticket; with `refold`, every ticket is refolded from its stored log.
 * With a `cache`, a ticket whose cached state is current continues from it (when every new
 * event sorts after the ones it has applied) and only its changed rows are written; the others
 * are refolded from the log. A ticket whose fold fails keeps its rows and is recorded in
 * ticket_fold_failure (and refolded from its log next time); the others are written as usual.
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
  const plan = planFolds(ids, locked, newEvents, tenantId, context.revision, options);
  const logs = new Map<string, TicketEvent[]>();
  for (const row of await loadTicketEvents(db, tenantId, [...plan.refold])) {
    const list = logs.get(row.ticket_id) ?? [];
    list.push(storedEventToCore(row));
    logs.set(row.ticket_id, list);
  }
  const [from, to] = instantRange(plan, logs);
  await prepareFoldCalendars(context.ctx, from, to);
  const failed = new Map<string, string>();
  const folded = foldAll(ids, plan, logs, context.ctx, failed);
  const { cached } = plan;
  // Contributions to withdraw, for the tickets whose cache entry does not hold them.
  const storedContributions = await loadContributions(
    db,
    tenantId,
    folded.map((f) => f.id).filter((id) => !cached.has(id) && !locked.get(id)!.created),
  );

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
  await recordFoldFailures(db, tenantId, failed);
  await clearFoldFailures(
    db,
    tenantId,
    writes.filter((w) => locked.get(w.ticketId)!.foldFailed).map((w) => w.ticketId),
  );
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
    continued: plan.continued.size,
    refolded: ids.length - plan.continued.size,
    rollupRows,
    failed,
  };
  if (raced.length === 0) return stats;
  const again = await updateTickets(db, tenantId, new Map(raced.map((id) => [id, []])), context, {
    ...options,
    refold: true,
  });
  for (const [id, why] of again.failed) failed.set(id, why);
  return { ...stats, rollupRows: stats.rollupRows + again.rollupRows };
}

/** The ingest hook: runs in the batch's transaction with the events it newly stored. */
export class TicketUpdater implements IngestHooks {
  constructor(
    private readonly contexts: FoldContextProvider,
    readonly cache: TicketCache,
    private readonly compactor?: RollupCompactor,
  ) {}

  async afterStore(
    tx: Transaction,
    tenantId: string,
    stored: readonly StoredEvent[],
  ): Promise<AfterStore> {
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
    return { refoldPending: [...stats.failed.keys()] };
  }
}
