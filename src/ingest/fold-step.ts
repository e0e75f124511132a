/**
 * Ingest's fold step: keeps every derived number current inside the ingest transaction (spec
 * principle 3). For the tickets a batch touched it continues each stored fold state with the new
 * events — or refolds from the stored log when an event arrived late, or the configuration changed
 * since the state was folded — then replaces the ticket's derived rows and adds `new − old`
 * contributions to the rollups. Rebuilds and recomputation jobs run the same step with
 * `refold: true`.
 *
 * Three parts: load the fold's inputs (storage), fold the batch (core/aggregate/fold-batch.ts,
 * pure), persist what was folded (storage).
 */
import type { Kysely } from 'kysely';
import {
  mergeChanges,
  type Contribution,
  type DataChange,
  type DataChangeListener,
  type TicketSegments,
} from '../core/aggregate/index.js';
import {
  foldBatch,
  foldInstantRange,
  planFolds,
  recordsOf,
  type FoldBatchInput,
  type FoldedBatch,
} from '../core/aggregate/fold-batch.js';
import type { TicketEvent } from '../core/events.js';
import type { FoldContext } from '../core/ticket/index.js';
import type { CopyIn, Transaction } from '../storage/database.js';
import type { TicketWrite } from '../storage/derived-rows.js';
import { bumpDataVersion } from '../storage/data-version.repository.js';
import { applyRollupDeltas } from '../storage/rollup.repository.js';
import type { DB } from '../storage/schema.js';
import { loadTicketEvents, storedEventToCore } from '../storage/ticket-event.repository.js';
import {
  clearFoldFailures,
  recordFoldFailures,
} from '../storage/ticket-fold-failure.repository.js';
import {
  loadContributions,
  lockTickets,
  type LockedTicket,
} from '../storage/ticket-lock.repository.js';
import { recordRollupChanges } from '../storage/report-change.repository.js';
import { insertTickets, writeTickets } from '../storage/ticket-write.repository.js';
import { prepareFoldCalendars } from '../tenant-config/prepare-calendars.js';
import type { FoldContextProvider } from '../tenant-config/fold-context.js';
import type { AfterStore, IngestHooks, StoredEvent } from './event-ingestor.js';
import type { PhaseTimings } from './phase-timings.js';
import type { RollupCompactor } from './rollup-compactor.js';
import { keepsState, type CachedTicket, type TicketCache } from './ticket-cache.js';
import { toCoreEvent } from './to-core-event.js';

export interface UpdateStats {
  tickets: number;
  continued: number;
  refolded: number;
  /** Rows appended to the rollup ledgers. */
  rollupRows: number;
  /** Tickets whose fold failed, with the reason: their events are stored, their rows unchanged. */
  failed: Map<string, string>;
  /** What the step changed of what the KPIs read, to report once the transaction commits. */
  change: DataChange;
}

export interface UpdateOptions {
  /** Refold every ticket from its stored log. */
  refold?: boolean;
  cache?: TicketCache;
  copyIn?: CopyIn | undefined;
  /** Laps `lock` (inputs loaded), `fold`, `write` (rows and deltas) and `version`. */
  timings?: PhaseTimings | undefined;
}

/** A batch's fold inputs, as loaded in its transaction. */
interface FoldInputs extends FoldBatchInput {
  rows: ReadonlyMap<string, LockedTicket>;
  /** This transaction's xid8: the rev the rows written now carry. */
  xid: string;
  /** The ticket cache's current entries of the batch's tickets (taken out of the cache). */
  cached: ReadonlyMap<string, CachedTicket>;
}

/**
 * Locks the tickets and plans their folds; loads the logs of those to refold, the calendars the
 * folds compute with and the contributions stored for the tickets whose cache entry does not hold
 * them.
 */
async function loadFoldInputs(
  db: Kysely<DB>,
  tenantId: string,
  newEvents: ReadonlyMap<string, TicketEvent[]>,
  context: { ctx: FoldContext; revision: number },
  options: UpdateOptions,
): Promise<FoldInputs> {
  const ids = [...newEvents.keys()];
  const { tickets: locked, xid } = await lockTickets(db, tenantId, ids);
  const cached = new Map<string, CachedTicket>();
  for (const id of ids) {
    // The entry's rows and contributions are what is stored even when its state cannot go on.
    const entry = options.cache?.take(tenantId, id, locked.get(id)!.rev);
    if (entry !== undefined) cached.set(id, entry);
  }
  const { revision } = context;
  const plan = planFolds(ids, locked, newEvents, cached, { revision, refold: options.refold });
  const logs = new Map<string, TicketEvent[]>();
  for (const row of await loadTicketEvents(db, tenantId, [...plan.refold])) {
    const list = logs.get(row.ticket_id) ?? [];
    list.push(storedEventToCore(row));
    logs.set(row.ticket_id, list);
  }
  const [from, to] = foldInstantRange(plan, logs);
  await prepareFoldCalendars(context.ctx, from, to);
  const unknown = ids.filter((id) => !cached.has(id) && !locked.get(id)!.created);
  const previous = new Map<string, readonly Contribution[]>(
    await loadContributions(db, tenantId, unknown),
  );
  for (const [id, entry] of cached) previous.set(id, entry.contributions);
  return { ids, rows: locked, plan, logs, ctx: context.ctx, revision, previous, xid, cached };
}

/**
 * Writes what was folded: the new tickets' rows first, then every ticket's row and changed
 * derived rows, the rollup deltas, the fold failures, and the cache entries. Returns the rollup
 * rows appended and the new tickets another transaction created meanwhile: those are written
 * here no further (not even their deltas), they must be folded again as the existing tickets
 * they now are.
 */
async function persistFolds(
  db: Kysely<DB>,
  tenantId: string,
  inputs: FoldInputs,
  batch: FoldedBatch,
  options: UpdateOptions,
): Promise<{ rollupRows: number; raced: string[]; change: DataChange }> {
  const { rows: locked, xid, cached } = inputs;
  const created = batch.records.filter((r) => r.created === true);
  const inserted = await insertTickets(db, tenantId, created, xid, options.copyIn);
  const raced = created.filter((r) => !inserted.has(r.ticketId)).map((r) => r.ticketId);
  let { records, deltas } = batch;
  if (raced.length > 0) {
    const kept = batch.folded.filter((f) => !locked.get(f.id)!.created || inserted.has(f.id));
    ({ records, deltas } = recordsOf(kept, inputs));
  }
  const writes: TicketWrite[] = records.map((r) => ({
    ...r,
    previous: cached.get(r.ticketId)?.rows,
  }));
  const written = await writeTickets(db, tenantId, writes, options.copyIn);
  const deltaRows = deltas.unsortedRows();
  const rollupRows = await applyRollupDeltas(db, tenantId, deltaRows, options.copyIn);
  await recordRollupChanges(db, tenantId, deltaRows);
  await recordFoldFailures(db, tenantId, batch.failed);
  await clearFoldFailures(
    db,
    tenantId,
    writes.filter((w) => locked.get(w.ticketId)!.foldFailed).map((w) => w.ticketId),
  );
  const tickets = new Map<string, TicketSegments>();
  for (const w of writes) {
    const { ticket, clocks, backlog_segments: segments } = w.derived;
    const openClocks = clocks
      .filter((c) => c.status === 'active' && c.stopped_at === null && c.due_at !== null)
      .map((c) => ({
        due: c.due_at!,
        metric: c.metric,
        policy: c.policy_id,
        team: ticket.group,
        agent: ticket.assignee_id,
        priority: ticket.priority,
        channel: ticket.channel,
        category: ticket.category,
      }));
    tickets.set(w.ticketId, { createdAt: ticket.created_at ?? 0, segments, openClocks });
  }
  // Put before the commit (and before the version row below): an entry carries this
  // transaction's xid, so it is used only once the ticket row holds that xid, i.e. if it commits.
  const { cache } = options;
  if (cache) {
    for (const w of writes) {
      cache.put(tenantId, w.ticketId, {
        rev: xid,
        state: keepsState(w.state) ? w.state : undefined,
        contributions: w.contributions,
        rows: written.get(w.ticketId)!.rows,
      });
    }
  }
  options.timings?.lap('write');
  // Last write of the step: the version row's lock, which concurrent batches of the tenant also
  // take, is held only from here to the commit, with no more work of this process's in between
  // than it must (the cache's puts above encode every ticket's contributions).
  const version = await bumpDataVersion(db, tenantId);
  options.timings?.lap('version');
  const change: DataChange = { first: version, last: version, rows: deltaRows, tickets };
  return { rollupRows, raced, change };
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
  options: UpdateOptions = {},
): Promise<UpdateStats> {
  const inputs = await loadFoldInputs(db, tenantId, newEvents, context, options);
  options.timings?.lap('lock');
  const batch = foldBatch(inputs);
  options.timings?.lap('fold');
  const { rollupRows, raced, change } = await persistFolds(db, tenantId, inputs, batch, options);
  const { failed } = batch;
  const tickets = inputs.ids.length;
  const continued = inputs.plan.continued.size;
  const stats = { tickets, continued, refolded: tickets - continued, rollupRows, failed, change };
  if (raced.length === 0) return stats;
  const again = await updateTickets(db, tenantId, new Map(raced.map((id) => [id, []])), context, {
    ...options,
    refold: true,
  });
  for (const [id, why] of again.failed) failed.set(id, why);
  return {
    ...stats,
    rollupRows: stats.rollupRows + again.rollupRows,
    change: mergeChanges(change, again.change),
  };
}

/** The ingest hook: runs in the batch's transaction with the events it newly stored. */
export class TicketUpdater implements IngestHooks {
  constructor(
    private readonly contexts: FoldContextProvider,
    readonly cache: TicketCache,
    private readonly compactor?: RollupCompactor,
    private readonly listener?: DataChangeListener,
  ) {}

  async afterStore(
    tx: Transaction,
    tenantId: string,
    stored: readonly StoredEvent[],
    timings?: PhaseTimings,
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
      timings,
    });
    let earliest = Infinity;
    for (const row of stats.change.rows) if (row.bucket < earliest) earliest = row.bucket;
    this.compactor?.appended(tenantId, stats.rollupRows, earliest);
    const { listener } = this;
    return {
      refoldPending: [...stats.failed.keys()],
      committed: listener && (() => listener.changed(tenantId, stats.change)),
    };
  }
}
