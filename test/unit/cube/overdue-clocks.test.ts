/**
 * The overdue clocks read only the clocks due in a question's range (kept sorted by `due`, the
 * changed ones merged in after a change). They must count exactly what a scan of every running
 * clock counts — the `countOverdueClocks` SQL's `due_at >= from and due_at < min(to, now)` —
 * after any replaces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OpenClock } from '../../../src/core/aggregate/index.js';
import { OverdueClocks } from '../../../src/reporting/kpis/cube/overdue-clocks.js';
import { startIndex, type CubeQuery } from '../../../src/reporting/kpis/cube/types.js';
import type { GroupedRow } from '../../../src/storage/kpi.repository.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 5, 1);

const clock = fc.record({
  due: fc.integer({ min: 0, max: 48 }).map((h) => T0 + h * H),
  metric: fc.constantFrom('first_reply', 'resolution'),
  policy: fc.constantFrom('p1', null),
  team: fc.constantFrom('L1', 'L2', '', null),
  agent: fc.constantFrom('a1', null),
  priority: fc.constantFrom('high', 'low'),
  channel: fc.constant(null),
  category: fc.constant(null),
});

const question = fc.record({
  from: fc.integer({ min: -2, max: 48 }).map((h) => T0 + h * H),
  hours: fc.integer({ min: 1, max: 50 }),
  now: fc.integer({ min: 0, max: 50 }).map((h) => T0 + h * H),
  periods: fc.boolean(),
  groupBy: fc.subarray(['team', 'metric', 'priority']),
  filters: fc.subarray([{ column: 'team', values: ['L1', ''] }]),
});

/** Every clock scanned, as before the clocks were sorted. */
function reference(all: Map<string, OpenClock[]>, now: number, q: CubeQuery): GroupedRow[] {
  const rows = new Map<string, GroupedRow>();
  const text = (c: OpenClock, column: string) =>
    (c as unknown as Record<string, string | null>)[column] ?? '';
  for (const c of [...all.values()].flat()) {
    if (c.due < q.from || c.due >= Math.min(q.to, now)) continue;
    if (!q.filters.every((f) => f.values.includes(text(c, f.column)))) continue;
    const period = startIndex(q.periodStarts, c.due);
    const keys = Object.fromEntries(q.groupBy.map((g) => [g, text(c, g) || null]));
    const key = JSON.stringify([period, keys]);
    const row = rows.get(key) ?? { period, keys, sums: { breached: 0 } };
    row.sums.breached! += 1;
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** A resolution clock of team L1 due at `due`. */
const c = (due: number): OpenClock => ({
  due,
  metric: 'resolution',
  policy: null,
  team: 'L1',
  agent: null,
  priority: 'high',
  channel: null,
  category: null,
});

const sorted = (rows: GroupedRow[]) =>
  rows.map((r) => JSON.stringify([r.period, r.keys, r.sums])).sort();

describe('OverdueClocks', () => {
  it('counts as a scan of every clock, after a load and any replaces', async () => {
    const tickets = ['a', 'b', 'c', 'd', 'e'];
    const step = fc.record({
      ticket: fc.constantFrom(...tickets, 'f'),
      clocks: fc.array(clock, { maxLength: 3 }),
      q: question,
      // Several replaces between two questions: they are merged in together.
      ask: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ ticket: fc.constantFrom(...tickets), c: clock }), { maxLength: 20 }),
        fc.array(step, { maxLength: 15 }),
        async (initial, steps) => {
          const clocks = new OverdueClocks();
          await clocks.load(
            (async function* () {
              yield initial.map(({ ticket, c }) => ({ ticketId: ticket, ...c }));
            })(),
          );
          const all = new Map<string, OpenClock[]>();
          for (const { ticket, c } of initial) all.set(ticket, [...(all.get(ticket) ?? []), c]);
          for (const [i, s] of steps.entries()) {
            clocks.replace(s.ticket, s.clocks);
            if (s.clocks.length === 0) all.delete(s.ticket);
            else all.set(s.ticket, s.clocks);
            if (!s.ask && i < steps.length - 1) continue;
            const q: CubeQuery = {
              from: s.q.from,
              to: s.q.from + s.q.hours * H,
              periodStarts: s.q.periods ? [s.q.from, s.q.from + 6 * H, s.q.from + 24 * H] : null,
              groupBy: s.q.groupBy,
              filters: s.q.filters,
            };
            expect(sorted(clocks.rows(s.q.now, q))).toEqual(sorted(reference(all, s.q.now, q)));
            expect(clocks.size).toBe([...all.values()].flat().length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads the range’s edges as the SQL does: due at `from` counts, due at the end does not', () => {
    const clocks = new OverdueClocks();
    clocks.replace('a', [c(T0), c(T0 + H), c(T0 + 2 * H)]);
    clocks.replace('b', [c(T0 - 1)]);
    const q = { from: T0, to: T0 + 2 * H, periodStarts: null, groupBy: [], filters: [] };
    expect(clocks.rows(T0 + 10 * H, q)).toEqual([{ period: 0, keys: {}, sums: { breached: 2 } }]);
    // Not yet past due at `now`.
    expect(clocks.rows(T0 + H, q)).toEqual([{ period: 0, keys: {}, sums: { breached: 1 } }]);
    clocks.replace('a', []);
    expect(clocks.rows(T0 + 10 * H, q)).toEqual([]);
  });

  it('merges a replace that keeps a clock object, and one object held twice, as a scan counts', () => {
    const clocks = new OverdueClocks();
    const shared = c(T0 + H);
    const others = Array.from({ length: 20 }, (_, i) => c(T0 + (i % 5) * H));
    others.forEach((o, i) => clocks.replace(`t${i}`, [o]));
    clocks.replace('a', [shared, c(T0)]);
    clocks.replace('b', [shared]);
    const q = { from: T0, to: T0 + 10 * H, periodStarts: null, groupBy: [], filters: [] };
    const count = () => clocks.rows(T0 + 10 * H, q)[0]?.sums.breached ?? 0;
    expect(count()).toBe(23);
    // The same objects again, then a ticket dropped that held the shared one: b's stays.
    clocks.replace('a', [shared, c(T0)]);
    clocks.replace('a', [shared]);
    expect(count()).toBe(22);
    clocks.replace('a', []);
    expect(count()).toBe(21);
    clocks.replace('b', [c(T0 + 20 * H)]);
    expect(count()).toBe(20);
  });
});
