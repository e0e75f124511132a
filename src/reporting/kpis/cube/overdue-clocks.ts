/**
 * The SLA clocks still running with a due time, per ticket, in memory: the overdue part of SLA
 * compliance (metrics.md: a clock running past `due_at` is breached at `due_at` once the query
 * time passes it). Answers what `countOverdueClocks` (storage/kpi.repository.ts) answers in SQL.
 * A ticket's clocks are replaced whenever a commit rewrote it. A question reads only the clocks
 * due in its range: all clocks sorted by `due`, sorted again (lazily, at the next question) after
 * a change. Clocks left running for good (tickets a desk forgot) pile up over the years, but a
 * question about the last 30 days does not read them.
 */
import type { OpenClock } from '../../../core/aggregate/index.js';
import type { GroupedRow } from '../../../storage/kpi.repository.js';
import { startIndex, type CubeQuery } from './types.js';

export class OverdueClocks {
  private readonly byTicket = new Map<string, readonly OpenClock[]>();
  /** Every clock by `due`, ascending; undefined after a change. */
  private byDue: OpenClock[] | undefined;

  /** Clocks held. */
  get size(): number {
    let n = 0;
    for (const list of this.byTicket.values()) n += list.length;
    return n;
  }

  /** Bulk load (a ticket's clocks may be spread over batches). */
  async load(
    batches: AsyncIterable<ReadonlyArray<OpenClock & { ticketId: string }>>,
  ): Promise<void> {
    for await (const batch of batches) {
      for (const { ticketId, ...clock } of batch) {
        const list = this.byTicket.get(ticketId);
        this.byTicket.set(ticketId, list === undefined ? [clock] : [...list, clock]);
        this.byDue = undefined;
      }
    }
  }

  /** The ticket's running clocks now ([] when none, or once deleted). */
  replace(ticketId: string, clocks: readonly OpenClock[]): void {
    const had = this.byTicket.get(ticketId);
    if (had === undefined && clocks.length === 0) return;
    if (clocks.length === 0) this.byTicket.delete(ticketId);
    else this.byTicket.set(ticketId, clocks);
    this.byDue = undefined;
  }

  private sorted(): OpenClock[] {
    if (this.byDue === undefined) {
      const all: OpenClock[] = [];
      for (const list of this.byTicket.values()) {
        for (const clock of list) if (!Number.isNaN(clock.due)) all.push(clock);
      }
      this.byDue = all.sort((a, b) => a.due - b.due);
    }
    return this.byDue;
  }

  /** Per period of `due_at` and group: clocks due in `[from, min(to, now))`, as `breached`. */
  rows(now: number, q: CubeQuery): GroupedRow[] {
    const until = Math.min(q.to, now);
    const groups = new Map<string, GroupedRow>();
    const text = (clock: OpenClock, column: string) =>
      (clock as unknown as Record<string, string | null>)[column] ?? '';
    const clocks = this.sorted();
    // The first clock due at or after `from`.
    let lo = 0;
    let hi = clocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (clocks[mid]!.due < q.from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < clocks.length && clocks[i]!.due < until; i++) {
      const clock = clocks[i]!;
      if (!q.filters.every((f) => f.values.includes(text(clock, f.column)))) continue;
      const period = startIndex(q.periodStarts, clock.due);
      const keys: Record<string, string | null> = {};
      let key = String(period);
      for (const g of q.groupBy) {
        const v = text(clock, g);
        keys[g] = v === '' ? null : v;
        key += `\u0000${v}`;
      }
      const row = groups.get(key);
      if (row === undefined) groups.set(key, { period, keys, sums: { breached: 1 } });
      else row.sums.breached! += 1;
    }
    return [...groups.values()];
  }
}
