/**
 * The SLA clocks still running with a due time, per ticket, in memory: the overdue part of SLA
 * compliance (metrics.md: a clock running past `due_at` is breached at `due_at` once the query
 * time passes it). Answers what `countOverdueClocks` (storage/kpi.repository.ts) answers in SQL.
 * A ticket's clocks are replaced whenever a commit rewrote it. A question reads only the clocks
 * due in its range: all clocks sorted by `due`, the changed ones merged in (lazily, at the next
 * question) after a change. Clocks left running for good (tickets a desk forgot) pile up over
 * the years, but a question about the last 30 days does not read them.
 */
import type { OpenClock } from '../../../core/aggregate/index.js';
import type { GroupedRow } from '../../../storage/kpi.repository.js';
import { startIndex, type CubeQuery } from './types.js';

const byDue = (a: OpenClock, b: OpenClock) => a.due - b.due;

export class OverdueClocks {
  private readonly byTicket = new Map<string, readonly OpenClock[]>();
  /** Every clock by `due`, ascending, as of the last question; undefined before the first. */
  private byDue: OpenClock[] | undefined;
  /**
   * Changes since `byDue` was made, applied at the next question: the clocks replaced (with
   * how many times each is to leave it) and the tickets whose clocks now are to join it. A
   * question after a commit thus merges the few changed clocks into the sorted list instead of
   * sorting every running clock again (forgotten tickets' clocks pile up for good).
   */
  private readonly removed = new Map<OpenClock, number>();
  private readonly changed = new Set<string>();

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
        this.forget();
      }
    }
  }

  /** The ticket's running clocks now ([] when none, or once deleted). */
  replace(ticketId: string, clocks: readonly OpenClock[]): void {
    const had = this.byTicket.get(ticketId);
    if (had === undefined && clocks.length === 0) return;
    // The sorted list holds the clocks a ticket had when it was made: those leave it, once,
    // however often the ticket changes before the next question.
    if (this.byDue !== undefined && !this.changed.has(ticketId)) {
      for (const clock of had ?? []) this.removed.set(clock, (this.removed.get(clock) ?? 0) + 1);
      this.changed.add(ticketId);
    }
    if (clocks.length === 0) this.byTicket.delete(ticketId);
    else this.byTicket.set(ticketId, clocks);
  }

  /** Drops the sorted list: the next question sorts every clock. */
  private forget(): void {
    this.byDue = undefined;
    this.removed.clear();
    this.changed.clear();
  }

  private sorted(): OpenClock[] {
    if (this.byDue !== undefined && this.changed.size > this.byDue.length / 4) this.forget();
    if (this.byDue === undefined) {
      const all: OpenClock[] = [];
      for (const list of this.byTicket.values()) {
        for (const clock of list) if (!Number.isNaN(clock.due)) all.push(clock);
      }
      this.byDue = all.sort(byDue);
    } else if (this.changed.size > 0) {
      const joining: OpenClock[] = [];
      for (const id of this.changed) {
        for (const clock of this.byTicket.get(id) ?? []) {
          if (!Number.isNaN(clock.due)) joining.push(clock);
        }
      }
      this.byDue = merged(this.byDue, this.removed, joining.sort(byDue));
      this.removed.clear();
      this.changed.clear();
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

/**
 * `sorted` less the clocks in `removed` (each as many times as counted there), merged with the
 * sorted `joining`: both by `due`, ascending.
 */
function merged(
  sorted: readonly OpenClock[],
  removed: Map<OpenClock, number>,
  joining: readonly OpenClock[],
): OpenClock[] {
  const out: OpenClock[] = [];
  let j = 0;
  for (const clock of sorted) {
    const n = removed.get(clock);
    if (n !== undefined) {
      if (n > 1) removed.set(clock, n - 1);
      else removed.delete(clock);
      continue;
    }
    while (j < joining.length && joining[j]!.due < clock.due) out.push(joining[j++]!);
    out.push(clock);
  }
  while (j < joining.length) out.push(joining[j++]!);
  return out;
}
