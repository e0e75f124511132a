/**
 * Hot ticket fold states, kept in process memory between ingest batches so a batch continues
 * each ticket's fold without reading or writing its state, and rewrites only the derived rows
 * that changed. The database stays the only source of truth: an entry is used only when its
 * `rev` equals the ticket row's `rev` (the xid of the transaction that last wrote it), so an
 * entry from a transaction that rolled back, or a ticket written since by another process, a
 * rebuild or a recomputation job, is never used; the ticket is then refolded from its events.
 *
 * Entries are taken out while a transaction works on them (the fold mutates the state in place)
 * and put back with the new rev once its rows are written. Least recently written entries are
 * evicted past `maxEntries`.
 *
 * A closed or deleted ticket's entry keeps no fold state: such tickets seldom get another event,
 * and the state is most of an entry's memory, held in the old generation for nothing. If an event
 * does come, the ticket is refolded from its events; its stored rows and contributions, still
 * cached, spare reading them back and rewriting its unchanged rows.
 *
 * An entry's contributions are held as the JSON text of their stored encoding (a flat string),
 * not as objects. They were the largest part of a full cache (25,000 tickets: some 87 MB of small
 * objects, 3 to 4 KB a ticket, against 37 MB of fold states), renewed at every put: promoted to
 * the old generation and marked by every major GC, whose share of the main thread on a busy node
 * fell from 224 to 148 ms once they were packed (bench/soak/README.md). The fold state stays an
 * object: the fold mutates it in place, so it is not allocated anew at each batch.
 *
 * The default size is 5,000 tickets (DESKMETRICS_TICKET_CACHE). With 25,000, the fold states were
 * still half of the heap left live after a major GC (165 MB against 90), and every major GC marks
 * them: the soak's slowest ingest requests were those one overlapped. At 5,000 the soak's p99s
 * fell by a third and its RSS by 330 MB, with the same lock and fold times (its tickets get their
 * events within minutes; a desk whose tickets wait longer between events refolds more of them
 * from their log, a few events each).
 */
import type { Contribution } from '../core/aggregate/index.js';
import type { TicketState } from '../core/ticket/index.js';
import {
  decodeContributions,
  encodeContributions,
  type StoredRowTexts,
} from '../storage/derived-rows.js';

export interface CachedTicket {
  /** xid8 (as text) of the transaction that wrote the rows below. */
  rev: string;
  /**
   * The fold state after the events applied so far (the fold goes on mutating it); absent for a
   * closed or deleted ticket (see {@link keepsState}).
   */
  state?: TicketState | undefined;
  /** The contributions added to the rollups, as written (sorted by key). */
  contributions: Contribution[];
  /** The derived rows as stored: flat strings, cheap for the garbage collector. */
  rows: StoredRowTexts;
}

/** Whether a ticket's fold state is worth keeping: it is neither closed nor deleted. */
export function keepsState(state: TicketState): boolean {
  return state.status !== 'closed' && state.deleted === null;
}

/** An entry as held: the contributions packed. */
interface HeldTicket extends Omit<CachedTicket, 'contributions'> {
  /** `JSON.stringify(encodeContributions(contributions))`. */
  contributions: string;
}

export class TicketCache {
  private readonly entries = new Map<string, HeldTicket>();

  constructor(readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Removes and returns the entry if it was written at `rev` (its contributions decoded afresh);
   * a stale entry is dropped.
   */
  take(tenantId: string, ticketId: string, rev: string | null): CachedTicket | undefined {
    const key = cacheKey(tenantId, ticketId);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (rev === null || entry.rev !== rev) return undefined;
    const encoded = JSON.parse(entry.contributions) as unknown[][];
    return { ...entry, contributions: decodeContributions(encoded) };
  }

  /**
   * Keeps the entry: its state as it is (the cache owns it from here), its contributions as they
   * are now.
   */
  put(tenantId: string, ticketId: string, entry: CachedTicket): void {
    if (this.maxEntries <= 0) return;
    const key = cacheKey(tenantId, ticketId);
    const contributions = JSON.stringify(encodeContributions(entry.contributions));
    this.entries.delete(key);
    this.entries.set(key, { ...entry, contributions });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

const cacheKey = (tenantId: string, ticketId: string) => `${tenantId}\u0000${ticketId}`;
