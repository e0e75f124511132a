/**
 * validate → normalise → dedupe → store → (hooks: fold, aggregates), one transaction a batch.
 *
 * A batch's events are committed before its outcome is counted, so when the HTTP response says
 * "accepted" the events are durable. `atomic` runs every batch in one transaction and rolls all of
 * it back on the first rejected event (validation error or conflict), reporting every error.
 */
import {
  allocateSeqs,
  copyEvents,
  findContentHashes,
  insertEvents,
} from '../storage/ticket-event.repository.js';
import type { Transaction } from '../storage/database.js';
import {
  errorAt,
  prepareBatch,
  rejectedCount,
  type IngestError,
  type ItemFormat,
  type PreparedEvent,
  type ReceivedItem,
} from './prepare.js';
import type { PhaseTimings } from './phase-timings.js';
import type { ValidEvent } from './validate-event.js';

/** The response never lists more errors than this; `rejected` still counts them all. */
export const MAX_REPORTED_ERRORS = 1000;

export interface StoredEvent {
  event: ValidEvent;
  seq: number;
}

export interface AfterStore {
  /** Tickets whose metrics could not be computed: their events are stored all the same. */
  refoldPending: readonly string[];
  /** Called once the batch's transaction has committed (never if it rolled back). */
  committed?: (() => void) | undefined;
}

export interface IngestHooks {
  /** Runs inside the batch's transaction with the events it newly stored. */
  afterStore(
    tx: Transaction,
    tenantId: string,
    stored: readonly StoredEvent[],
    timings?: PhaseTimings,
  ): Promise<AfterStore>;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: IngestError[];
  errors_truncated?: boolean;
  /**
   * Tickets whose fold failed (at most MAX_REPORTED_ERRORS listed): their events were accepted
   * and stored; their metrics are computed again by their next event, a recomputation or rebuild.
   */
  refold_pending?: string[];
}

export class AtomicBatchRejected extends Error {
  constructor(readonly result: IngestResult) {
    super('the batch was rejected as a whole');
  }
}

class Tally {
  readonly result: IngestResult = { accepted: 0, duplicates: 0, rejected: 0, errors: [] };

  addRefoldPending(ticketIds: readonly string[]): void {
    if (ticketIds.length === 0) return;
    const list = (this.result.refold_pending ??= []);
    for (const id of ticketIds) {
      if (list.length < MAX_REPORTED_ERRORS && !list.includes(id)) list.push(id);
    }
  }

  addErrors(errors: readonly IngestError[]): void {
    this.result.rejected += rejectedCount(errors);
    for (const error of errors) {
      if (this.result.errors.length < MAX_REPORTED_ERRORS) this.result.errors.push(error);
      else this.result.errors_truncated = true;
    }
  }
}

/** Attempts of a batch's transaction when PostgreSQL breaks a deadlock by aborting it. */
const DEADLOCK_ATTEMPTS = 3;

/**
 * Runs `work` (a whole transaction) again when PostgreSQL aborted it to break a deadlock
 * (40P01). Batches lock existing tickets in ticket_id order and insert new ones in that order,
 * so a deadlock needs three batches racing to create the same tickets; the batch is then simply
 * committed again. An atomic request is one transaction over a stream read once: not retried.
 */
export async function retryDeadlocks<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= DEADLOCK_ATTEMPTS)
        throw error;
    }
  }
}

function asyncIterator<T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const sync = source[Symbol.iterator]();
  return { next: () => Promise.resolve(sync.next()) };
}

export class EventIngestor {
  constructor(
    private readonly transaction: <T>(work: (tx: Transaction) => Promise<T>) => Promise<T>,
    private readonly hooks: IngestHooks | undefined = undefined,
  ) {}

  async ingest(
    tenantId: string,
    batches: AsyncIterable<ReceivedItem[]> | Iterable<ReceivedItem[]>,
    options: { format: ItemFormat; atomic: boolean; timings?: PhaseTimings },
  ): Promise<IngestResult> {
    return options.atomic
      ? this.ingestAtomic(tenantId, batches, options.format)
      : this.ingestEach(tenantId, batches, options.format, options.timings);
  }

  private async ingestEach(
    tenantId: string,
    batches: AsyncIterable<ReceivedItem[]> | Iterable<ReceivedItem[]>,
    format: ItemFormat,
    timings?: PhaseTimings,
  ): Promise<IngestResult> {
    const tally = new Tally();
    // One batch ahead: while a batch's transaction is in the database, the next one is read,
    // parsed and prepared, so this request's CPU work overlaps the database's. It is prepared as
    // soon as it arrives: its parsed items are then garbage at once, rather than held while the
    // batch before commits. Batches still commit in order.
    const iterator = asyncIterator(batches);
    const ahead = () => {
      const next = iterator
        .next()
        .then((r) => (r.done === true ? undefined : prepareBatch(r.value, format)));
      next.catch(() => undefined); // awaited below; no unhandled rejection while a batch commits
      return next;
    };
    let pending = ahead();
    try {
      for (;;) {
        const prepared = await pending;
        timings?.lap('read');
        if (prepared === undefined) break;
        pending = ahead();
        tally.result.duplicates += prepared.duplicates;
        tally.addErrors(prepared.errors);
        if (prepared.events.length === 0) continue;
        const stored = await retryDeadlocks(() =>
          this.transaction((tx) => {
            timings?.lap('begin');
            return this.store(tx, tenantId, prepared.events, timings);
          }),
        );
        timings?.lap('commit');
        tally.result.accepted += stored.accepted;
        tally.result.duplicates += stored.duplicates;
        tally.addErrors(stored.conflicts);
        tally.addRefoldPending(stored.refoldPending);
        stored.committed?.();
      }
    } catch (error) {
      // Stop reading once the batch currently being read has arrived.
      void pending.then(() => iterator.return?.()).catch(() => undefined);
      throw error;
    }
    return tally.result;
  }

  private async ingestAtomic(
    tenantId: string,
    batches: AsyncIterable<ReceivedItem[]> | Iterable<ReceivedItem[]>,
    format: ItemFormat,
  ): Promise<IngestResult> {
    const tally = new Tally();
    const committed: Array<() => void> = [];
    await this.transaction(async (tx) => {
      for await (const items of batches) {
        const prepared = prepareBatch(items, format);
        tally.result.duplicates += prepared.duplicates;
        tally.addErrors(prepared.errors);
        // Once anything is rejected nothing will be kept: only validate the rest, to report it.
        if (tally.result.rejected > 0 || prepared.events.length === 0) continue;
        const stored = await this.store(tx, tenantId, prepared.events);
        tally.result.accepted += stored.accepted;
        tally.result.duplicates += stored.duplicates;
        tally.addErrors(stored.conflicts);
        tally.addRefoldPending(stored.refoldPending);
        if (stored.committed) committed.push(stored.committed);
      }
      if (tally.result.rejected > 0) {
        tally.result.accepted = 0;
        throw new AtomicBatchRejected(tally.result);
      }
    });
    for (const report of committed) report();
    return tally.result;
  }

  /**
   * Writes the events new to the log and classifies the others. On a server the batch goes in
   * by COPY first (the bulk path: in a live stream almost every event is new); if any id is
   * already stored, the COPY fails as a whole, is rolled back to its savepoint, and the batch
   * takes the row-by-row path, which skips what exists and reports it.
   */
  private async writeEvents(tx: Transaction, tenantId: string, events: readonly PreparedEvent[]) {
    if (tx.copyIn) {
      const seqs = await allocateSeqs(tx.db, events.length);
      const rows = events.map((e) => e.row);
      if (await copyEvents(tx.db, tenantId, rows, seqs, tx.copyIn)) {
        return {
          seqById: new Map(events.map((e, i) => [e.row.eventId, seqs[i]!])),
          hashes: new Map<string, string>(),
        };
      }
    }
    const inserted = await insertEvents(
      tx.db,
      tenantId,
      events.map((e) => e.row),
    );
    const seqById = new Map(inserted.map((r) => [r.eventId, r.seq]));
    const rest = events.map((e) => e.row.eventId).filter((id) => !seqById.has(id));
    return { seqById, hashes: await findContentHashes(tx.db, tenantId, rest) };
  }

  private async store(
    tx: Transaction,
    tenantId: string,
    events: readonly PreparedEvent[],
    timings?: PhaseTimings,
  ) {
    const { seqById, hashes } = await this.writeEvents(tx, tenantId, events);
    timings?.lap('store');
    const conflicts: IngestError[] = [];
    let duplicates = 0;
    const stored: StoredEvent[] = [];
    for (const e of events) {
      const seq = seqById.get(e.row.eventId);
      if (seq !== undefined) stored.push({ event: e.event, seq });
      else if (hashes.get(e.row.eventId) === e.row.contentHash) duplicates += 1;
      else {
        conflicts.push(
          errorAt(
            e,
            '/id',
            'conflicts with a stored event with the same id and other content',
            e.row.eventId,
          ),
        );
      }
    }
    const after =
      this.hooks && stored.length > 0
        ? await this.hooks.afterStore(tx, tenantId, stored, timings)
        : { refoldPending: [] };
    return {
      accepted: stored.length,
      duplicates,
      conflicts,
      refoldPending: after.refoldPending,
      committed: 'committed' in after ? after.committed : undefined,
    };
  }
}
