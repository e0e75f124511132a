/**
 * The backlog index: a tenant's backlog segments in memory, answering "which tickets are in the
 * backlog at instant T" — exactly what `backlogAt` (storage/kpi.repository.ts) reads from
 * PostgreSQL, and the calendar-age groups `backlogGroups` (../backlog.ts) builds from it — in
 * microseconds instead of a range join.
 *
 * A segment holds T iff `from <= T && (to === null || T < to)` (`tstzrange(from, to) @> T`).
 * Segments are columns of typed arrays with dictionary-encoded values (backlog-index-store.ts);
 * a query reads only the lists of T's time spans, one per level, and the lists of open-ended
 * segments started by T's day (backlog-index-placement.ts), then counts what it found per group
 * in typed arrays (backlog-index-query.ts). `replace` swaps a ticket's segments in place: the old
 * ones leave their lists at once and their slots are reused, so the index does not grow with
 * updates. `load` ends by renumbering the slots so that each list's segments are adjacent in
 * memory (under a second at 2.7M segments, blocking).
 *
 * Synchronous per call: a query sees every `replace` made before it. A `replace` made while an
 * asynchronous `load` waits for its next batch mixes with the loaded segments of that ticket:
 * hold replaces back until `load` resolves. Business-time ages are not computed here: take
 * `tickets()` and age them with the calendars as `backlogGroups` does.
 */
import type { BacklogTicket, ColumnFilter } from '../../../storage/kpi.repository.js';
import { emptyBuckets, type BacklogGroup } from '../backlog.js';
import { Hits, Placement } from './backlog-index-placement.js';
import {
  actionableMask,
  columnIndex,
  compileFilters,
  countGroups,
  GroupTable,
  groupsOf,
  pushTickets,
} from './backlog-index-query.js';
import { SegmentStore, type IndexedSegment } from './backlog-index-store.js';
import { changedFrom, InstantResults } from './backlog-results.js';

export { DIM_COLUMNS, type IndexedSegment } from './backlog-index-store.js';

export interface BacklogGroupsOptions {
  groupBy: readonly string[];
  filters: readonly ColumnFilter[];
  /** Bucket boundaries in seconds, as `backlogGroups` takes them. */
  bounds: readonly number[];
}

export class BacklogIndex {
  private readonly store = new SegmentStore();
  private readonly placement = new Placement(this.store);
  private readonly hits = new Hits();
  private readonly table = new GroupTable();
  private readonly drop = (slot: number) => this.placement.remove(slot);
  /** `groups` answers kept per instant, dropped from the instant a `replace` changed on. */
  private readonly results = new InstantResults();
  /**
   * Segments that end at or before it hold no instant asked of the index (`trimBefore`): they
   * are dropped, and so are the tickets left without a segment.
   */
  private horizon = -Infinity;
  /**
   * The latest `from` or end of a segment ever added. An instant after it — "now" on a desk
   * whose data ends earlier — is asked with a new instant each time and dropped by any change
   * before it: its answers are not kept.
   */
  private latest = -Infinity;

  /**
   * Bulk build from batches (a ticket's segments may be spread over batches). Segments are
   * added to those already held: load an empty index, or tickets it does not hold yet.
   */
  async load(
    batches: AsyncIterable<readonly IndexedSegment[]> | Iterable<readonly IndexedSegment[]>,
  ): Promise<void> {
    this.results.clear();
    let lastId: string | undefined;
    let t = -1;
    for await (const batch of batches) {
      for (const segment of batch) {
        if (!this.holds(segment)) continue;
        // A ticket's segments usually come together: look its number up once.
        if (segment.ticketId !== lastId) {
          lastId = segment.ticketId;
          t = this.store.ticketOf(lastId);
        }
        this.add(t, segment);
      }
    }
    this.placement.relayout();
    this.results.clear();
  }

  /**
   * Replaces every segment of the ticket by `segments` (their `ticketId` is not read); `[]`
   * removes the ticket, as a deleted ticket has no segments.
   */
  replace(ticketId: string, segments: readonly IndexedSegment[]): void {
    const kept = segments.filter((segment) => this.holds(segment));
    const t = kept.length === 0 ? this.store.findTicket(ticketId) : this.store.ticketOf(ticketId);
    if (t === undefined) return;
    if (!this.results.empty) {
      const after = kept.map((segment) => ({
        from: segment.from,
        to: segment.to ?? Infinity,
        face: this.store.faceOf(segment),
      }));
      this.results.changedFrom(changedFrom(this.store.facesOf(t), after));
    }
    this.store.clear(t, this.drop);
    for (const segment of kept) this.add(t, segment);
    if (kept.length === 0) this.store.release(t);
  }

  /** Whether a segment may hold an instant at or after the horizon. */
  private holds(segment: IndexedSegment): boolean {
    return segment.to === null || segment.to > this.horizon;
  }

  /**
   * Forgets the segments that ended at or before `horizon` (epoch ms), and from now on drops
   * such segments when they come: the index then answers only instants from `horizon` on, and
   * answers them as before. Returns the segments dropped.
   */
  trimBefore(horizon: number): number {
    if (horizon <= this.horizon) return 0;
    this.horizon = horizon;
    this.results.forgetBefore(horizon);
    return this.store.prune(horizon, this.drop);
  }

  private add(t: number, segment: IndexedSegment): void {
    const end = segment.to ?? segment.from;
    if (end > this.latest) this.latest = end;
    this.placement.insert(this.store.add(t, segment));
  }

  /** Exactly the rows `backlogAt(db, tenant, instants, groupBy, filters)` returns (any order). */
  tickets(
    instants: readonly number[],
    groupBy: readonly string[],
    filters: readonly ColumnFilter[],
  ): BacklogTicket[] {
    groupBy.forEach(columnIndex);
    const compiled = compileFilters(this.store, filters);
    const out: BacklogTicket[] = [];
    instants.forEach((at, i) => {
      this.hits.length = 0;
      this.placement.collect(at, compiled, this.hits);
      pushTickets(this.store, this.hits, i, groupBy, out);
    });
    return out;
  }

  /**
   * Exactly what `backlogGroups(…, { groupBy, filters, age: 'calendar', bounds })` returns: a
   * list per instant, groups sorted by their keys (null last), one empty group for an instant
   * with no ticket when nothing is grouped. `ageSum` is summed in integer milliseconds (see
   * backlog-index-query.ts), so it may differ from the SQL path's in the last bits.
   */
  groups(instants: readonly number[], options: BacklogGroupsOptions): BacklogGroup[][] {
    const { groupBy, bounds } = options;
    const columns = groupBy.map(columnIndex);
    const question = JSON.stringify([groupBy, options.filters, bounds]);
    let counting: ((at: number) => BacklogGroup[]) | undefined;
    const count = () => {
      const compiled = compileFilters(this.store, options.filters);
      const actionable = actionableMask(this.store);
      const template = emptyBuckets(bounds);
      const arrays = columns.map((d) => this.store.dims[d]!.array);
      const sizes = columns.map((d) => this.store.dimDicts[d]!.size);
      return (at: number) => {
        this.hits.length = 0;
        this.placement.collect(at, compiled, this.hits);
        this.table.reset(arrays, sizes, template.length);
        countGroups(this.hits, at, bounds, actionable, this.table);
        return groupsOf(this.store, this.table, groupBy, template);
      };
    };
    return instants.map((at) => {
      const kept = this.results.get(at, question);
      if (kept !== undefined) return kept;
      counting ??= count();
      const groups = counting(at);
      if (at <= this.latest) this.results.set(at, question, groups);
      return groups;
    });
  }

  /** Bytes held in typed arrays (approximate, for a memory cap; ticket id texts not counted). */
  bytes(): number {
    return (
      this.store.bytes() +
      this.placement.bytes() +
      this.hits.bytes() +
      this.table.bytes() +
      this.results.bytes()
    );
  }

  /** Live segments held. */
  get segments(): number {
    return this.store.live;
  }
}
