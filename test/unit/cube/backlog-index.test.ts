/**
 * The backlog index answers what the SQL of `backlogAt` answers — the segments with
 * `from <= T < to` (or open-ended), filtered with null as '' — and what `backlogGroups` builds
 * from those rows with calendar ages. The reference below scans every live segment; for groups it
 * is the real `backlogGroups`, fed the reference's rows through a mocked `backlogAt`.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  backlogGroups,
  DEFAULT_BUCKETS,
  type BacklogGroup,
} from '../../../src/reporting/kpis/backlog.js';
import {
  BacklogIndex,
  type IndexedSegment,
} from '../../../src/reporting/kpis/cube/backlog-index.js';
import type { GroupKey } from '../../../src/reporting/kpis/query.js';
import type * as Repository from '../../../src/storage/kpi.repository.js';
import type { BacklogTicket, ColumnFilter } from '../../../src/storage/kpi.repository.js';

const sqlRows = vi.hoisted(() => ({ current: [] as unknown[] }));
vi.mock('../../../src/storage/kpi.repository.js', async (importOriginal) => ({
  ...(await importOriginal<typeof Repository>()),
  backlogAt: vi.fn(async () => sqlRows.current),
}));

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5);
type Dim = 'team' | 'agent' | 'priority' | 'channel' | 'category' | 'policy';
const DIMS: readonly Dim[] = ['team', 'agent', 'priority', 'channel', 'category', 'policy'];

/** The live segments by ticket, as the reference sees them. */
type Live = Map<string, readonly IndexedSegment[]>;

const holds = (s: IndexedSegment, at: number) => s.from <= at && (s.to === null || at < s.to);
const passes = (s: IndexedSegment, filters: readonly ColumnFilter[]) =>
  filters.every((f) => f.values.includes(s[f.column as Dim] ?? ''));

function refTickets(
  live: Live,
  instants: readonly number[],
  groupBy: readonly string[],
  filters: readonly ColumnFilter[],
): BacklogTicket[] {
  const rows: BacklogTicket[] = [];
  instants.forEach((at, i) => {
    for (const segments of live.values()) {
      for (const s of segments) {
        if (!holds(s, at) || !passes(s, filters)) continue;
        const keys: Record<string, string | null> = {};
        for (const g of groupBy) keys[g] = s[g as Dim];
        rows.push({
          at: i,
          ticketId: s.ticketId,
          status: s.status,
          createdAt: s.createdAt,
          calendarId: s.calendarId,
          keys,
        });
      }
    }
  });
  return rows;
}

const byTicket = (rows: BacklogTicket[]) =>
  [...rows].sort((a, b) => a.at - b.at || (a.ticketId < b.ticketId ? -1 : 1));

async function refGroups(
  live: Live,
  instants: readonly number[],
  groupBy: readonly string[],
  filters: readonly ColumnFilter[],
  bounds: readonly number[],
): Promise<BacklogGroup[][]> {
  sqlRows.current = refTickets(live, instants, groupBy, filters);
  return backlogGroups({ db: {} as never, calendars: {} as never }, 'tenant', instants, {
    groupBy: groupBy as GroupKey[],
    filters,
    age: 'calendar',
    bounds,
  });
}

/** `ageSum` within 1e-6 relative (summed in integer ms by the index), the rest equal. */
function expectSameGroups(actual: BacklogGroup[][], expected: BacklogGroup[][]) {
  const strip = (lists: BacklogGroup[][]) =>
    lists.map((groups) => groups.map((g) => ({ ...g, ageSum: 0 })));
  expect(strip(actual)).toEqual(strip(expected));
  actual.forEach((groups, i) =>
    groups.forEach((g, j) => {
      const want = expected[i]![j]!.ageSum;
      expect(Math.abs(g.ageSum - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
    }),
  );
}

async function expectSame(
  index: BacklogIndex,
  live: Live,
  q: { instants: number[]; groupBy: string[]; filters: ColumnFilter[]; bounds: number[] },
) {
  expect(byTicket(index.tickets(q.instants, q.groupBy, q.filters))).toEqual(
    byTicket(refTickets(live, q.instants, q.groupBy, q.filters)),
  );
  expectSameGroups(
    index.groups(q.instants, q),
    await refGroups(live, q.instants, q.groupBy, q.filters, q.bounds),
  );
}

function seg(
  ticketId: string,
  from: number,
  to: number | null,
  more: Partial<IndexedSegment> = {},
) {
  return {
    ticketId,
    from,
    to,
    status: 'open',
    createdAt: from - DAY,
    calendarId: 'cal',
    team: null,
    agent: null,
    priority: null,
    channel: null,
    category: null,
    policy: null,
    ...more,
  } satisfies IndexedSegment;
}

function liveOf(segments: readonly IndexedSegment[]): Live {
  const live: Live = new Map();
  for (const s of segments) live.set(s.ticketId, [...(live.get(s.ticketId) ?? []), s]);
  return live;
}

async function indexOf(segments: readonly IndexedSegment[]): Promise<BacklogIndex> {
  const index = new BacklogIndex();
  await index.load([segments.slice(0, 2), segments.slice(2)]);
  return index;
}

/** The fixture of the table-driven cases. */
const FIXTURE: IndexedSegment[] = [
  seg('a', T0, T0 + 3_600_000, { team: 'L1', priority: 'high', status: 'new' }),
  seg('a', T0 + 7_200_000, null, { team: 'L2', priority: 'high', status: 'pending' }),
  seg('b', T0 - 2 * DAY, T0 + DAY, { team: '', priority: 'low', createdAt: T0 - 40 * DAY }),
  seg('c', T0 - 700 * DAY, T0 + 30 * DAY, { team: null, agent: 'x', createdAt: T0 - 701 * DAY }),
  seg('d', T0 + 5 * DAY, T0 + 6 * DAY, { team: 'L1', channel: 'email', status: 'hold' }),
];

const ids = (rows: BacklogTicket[]) => byTicket(rows).map((r) => `${r.at}:${r.ticketId}`);

describe('BacklogIndex: boundaries', () => {
  const cases: Array<{ name: string; at: number[]; filters?: ColumnFilter[]; want: string[] }> = [
    { name: 'T == from is included', at: [T0], want: ['0:a', '0:b', '0:c'] },
    { name: 'T == to is excluded', at: [T0 + 3_600_000], want: ['0:b', '0:c'] },
    { name: 'T == to − 1 ms is included', at: [T0 + 3_599_999], want: ['0:a', '0:b', '0:c'] },
    { name: 'T == from − 1 ms is excluded', at: [T0 + 5 * DAY - 1], want: ['0:a', '0:c'] },
    { name: 'an open-ended segment holds T years later', at: [T0 + 3000 * DAY], want: ['0:a'] },
    {
      name: 'a segment ending at midnight',
      at: [T0 + DAY - 1, T0 + DAY],
      want: ['0:a', '0:b', '0:c', '1:a', '1:c'],
    },
    { name: 'a 730-day segment, in its middle', at: [T0 - 350 * DAY], want: ['0:c'] },
    {
      name: "filter '' matches null and ''",
      at: [T0],
      filters: [{ column: 'team', values: [''] }],
      want: ['0:b', '0:c'],
    },
    {
      name: 'filter L1 leaves null out',
      at: [T0],
      filters: [{ column: 'team', values: ['L1'] }],
      want: ['0:a'],
    },
    {
      name: 'a value never seen',
      at: [T0],
      filters: [{ column: 'team', values: ['L9'] }],
      want: [],
    },
    {
      name: 'two filters',
      at: [T0, T0 + 5 * DAY],
      filters: [
        { column: 'team', values: ['L1', 'L2'] },
        { column: 'channel', values: ['', 'email'] },
      ],
      want: ['0:a', '1:a', '1:d'],
    },
    {
      name: 'several instants',
      at: [T0 - DAY, T0 + 2 * DAY, T0],
      want: ['0:b', '0:c', '1:a', '1:c', '2:a', '2:b', '2:c'],
    },
    { name: 'no instant', at: [], want: [] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const index = await indexOf(FIXTURE);
      const filters = c.filters ?? [];
      expect(ids(index.tickets(c.at, [], filters))).toEqual(c.want);
      await expectSame(index, liveOf(FIXTURE), {
        instants: c.at,
        groupBy: ['team'],
        filters,
        bounds: DEFAULT_BUCKETS,
      });
    });
  }

  const grouped: Array<{ name: string; groupBy: string[]; at: number[] }> = [
    { name: 'no group-by', groupBy: [], at: [T0, T0 + 3000 * DAY] },
    { name: 'one column, null last and apart from ""', groupBy: ['team'], at: [T0, T0 + 5 * DAY] },
    { name: 'two columns', groupBy: ['priority', 'team'], at: [T0 + 10 * DAY, T0] },
    { name: 'every column', groupBy: [...DIMS], at: [T0] },
  ];
  for (const c of grouped) {
    it(`groups: ${c.name}`, async () => {
      const index = await indexOf(FIXTURE);
      await expectSame(index, liveOf(FIXTURE), {
        instants: c.at,
        groupBy: c.groupBy,
        filters: [],
        bounds: DEFAULT_BUCKETS,
      });
    });
  }

  it('groups one instant by team with keys, counts and buckets', async () => {
    const index = await indexOf(FIXTURE);
    const [groups] = index.groups([T0], {
      groupBy: ['team'],
      filters: [],
      bounds: [DAY / 1000, 30 * 86_400],
    });
    expect(
      groups!.map((g) => [g.keys, g.total, g.actionable, g.ageSum, g.buckets.map((b) => b.count)]),
    ).toEqual([
      [{ team: '' }, 1, 1, 40 * 86_400, [0, 0, 1]],
      [{ team: 'L1' }, 1, 1, 86_400, [0, 1, 0]],
      [{ team: null }, 1, 1, 701 * 86_400, [0, 0, 1]],
    ]);
    expect(groups![0]!.buckets.map((b) => b.label)).toEqual(['<1d', '1-30d', '≥30d']);
  });

  it('an instant with nothing: one empty group when nothing is grouped, none otherwise', async () => {
    const index = await indexOf(FIXTURE);
    const at = [T0 - 1000 * DAY];
    const bounds = DEFAULT_BUCKETS;
    const none = index.groups(at, { groupBy: [], filters: [], bounds });
    expect(none).toEqual([
      [{ keys: {}, total: 0, actionable: 0, ageSum: 0, buckets: expect.any(Array) as unknown }],
    ]);
    expect(none[0]![0]!.buckets.map((b) => b.count)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(index.groups(at, { groupBy: ['team'], filters: [], bounds })).toEqual([[]]);
    expect(new BacklogIndex().groups([T0, T0], { groupBy: [], filters: [], bounds })).toHaveLength(
      2,
    );
  });

  it('replace swaps a ticket’s segments, [] removes it, an unknown column throws', async () => {
    const index = await indexOf(FIXTURE);
    expect(index.segments).toBe(5);
    index.replace('a', [seg('a', T0 - 5 * DAY, T0 + 1, { team: 'L3' })]);
    index.replace('c', []);
    index.replace('zz', []);
    expect(index.segments).toBe(3);
    expect(ids(index.tickets([T0, T0 + 1], [], []))).toEqual(['0:a', '0:b', '1:b']);
    expect(() => index.tickets([T0], ['status'], [])).toThrow(/unknown column/);
    expect(() =>
      index.groups([T0], { groupBy: [], filters: [{ column: 'x', values: [] }], bounds: [] }),
    ).toThrow();
  });

  it('answers a question of many groups after one of many buckets (scratch sized for both)', async () => {
    const segments = Array.from({ length: 40 }, (_, i) =>
      seg(`t${i}`, T0 - i * 3_600_000, null, { team: `team${i}`, createdAt: T0 - i * DAY }),
    );
    const index = await indexOf(segments);
    const live = liveOf(segments);
    const many = Array.from({ length: 100 }, (_, i) => (i + 1) * 3600);
    await expectSame(index, live, { instants: [T0], groupBy: [], filters: [], bounds: many });
    await expectSame(index, live, { instants: [T0], groupBy: ['team'], filters: [], bounds: [] });
    await expectSame(index, live, { instants: [T0], groupBy: ['team'], filters: [], bounds: many });
  });

  it('reuses freed slots: replacing over and over does not grow the index', async () => {
    const index = await indexOf(FIXTURE);
    index.replace('a', [seg('a', T0, T0 + 1), seg('a', T0 + 2, null)]);
    const bytes = index.bytes();
    for (let i = 0; i < 5000; i++) {
      index.replace('a', [
        seg('a', T0 + i * DAY, T0 + (i + 1) * DAY),
        seg('a', T0 + (i + 2) * DAY, null),
      ]);
    }
    // Without reuse the columns would grow by 10,000 slots (over 500 kB).
    expect(index.bytes()).toBeLessThan(bytes + 1024);
    expect(index.segments).toBe(5);
  });
});

/** A deterministic generator for the larger cases. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('BacklogIndex: many values', () => {
  it('groups by six columns of 600 values each (keys past 2^53) and of 70,000 agents', async () => {
    const rnd = mulberry32(7);
    const segments: IndexedSegment[] = [];
    for (let i = 0; i < 72_000; i++) {
      const from = T0 + Math.floor(rnd() * 200 * DAY);
      const v = (n: number) => (rnd() < 0.1 ? null : `v${Math.floor(rnd() * n)}`);
      segments.push(
        seg(`t${i}`, from, rnd() < 0.02 ? null : from + Math.floor(rnd() * 3 * DAY), {
          team: v(600),
          agent: i < 70_000 ? `agent${i}` : null,
          priority: v(600),
          channel: v(600),
          category: v(600),
          policy: v(600),
          status: rnd() < 0.5 ? 'new' : 'pending',
        }),
      );
    }
    const index = new BacklogIndex();
    await index.load(
      (async function* () {
        for (let i = 0; i < segments.length; i += 5000) yield segments.slice(i, i + 5000);
      })(),
    );
    const live = liveOf(segments);
    const instants = [T0 + 30 * DAY, T0 + 100.5 * DAY];
    for (const groupBy of [[...DIMS], ['team', 'priority', 'channel'], ['agent']]) {
      await expectSame(index, live, { instants, groupBy, filters: [], bounds: [3600, 86_400] });
    }
    const filters = [{ column: 'agent', values: ['agent69999', 'agent5', ''] }];
    await expectSame(index, live, {
      instants,
      groupBy: ['agent', 'team'],
      filters,
      bounds: [3600],
    });
  });
});

// ---- property: random segments, loads, replaces and questions against the reference ----

const POOL: Record<Dim, readonly (string | null)[]> = {
  team: ['L1', 'L2', '', null],
  agent: ['a1', 'a2', null],
  priority: ['low', 'high', null],
  channel: ['email', '', null],
  category: ['c1', null],
  policy: ['p1', 'p2', null],
};

/** A duration in ms: minutes, days, or up to two years; sometimes whole days. */
const duration = fc.oneof(
  fc.integer({ min: 0, max: 6 * 3_600_000 }),
  fc.integer({ min: 1, max: 6 * DAY }),
  fc.integer({ min: 1, max: 800 * DAY }),
  fc.integer({ min: 0, max: 40 }).map((d) => d * DAY),
);

const attrs = fc.record({
  status: fc.constantFrom('new', 'open', 'pending', 'hold'),
  calendarId: fc.constantFrom('c1', 'c2'),
  ...(Object.fromEntries(DIMS.map((d) => [d, fc.constantFrom(...POOL[d])])) as {
    [K in Dim]: fc.Arbitrary<string | null>;
  }),
});

/** A ticket's ordered, non-overlapping segments (the last possibly open-ended). */
const ticketSegments = (ticketId: string) =>
  fc
    .record({
      // Often on the same day, so that lists hold several segments and removals move entries.
      start: fc.oneof(
        fc.integer({ min: -30 * DAY, max: 30 * DAY }),
        fc.integer({ min: 0, max: 5 }).map((h) => h * 3_600_000),
      ),
      created: fc.integer({ min: -5 * DAY, max: DAY }),
      parts: fc.array(fc.record({ gap: duration, length: duration, a: attrs }), { maxLength: 4 }),
      open: fc.boolean(),
    })
    .map(({ start, created, parts, open }) => {
      let at = T0 + start;
      return parts.map(({ gap, length, a }, i): IndexedSegment => {
        const from = at + (i === 0 ? 0 : gap);
        const to = open && i === parts.length - 1 ? null : from + length;
        at = to ?? from;
        return { ticketId, from, to, createdAt: T0 + start + created, ...a };
      });
    });

const TICKETS = Array.from({ length: 10 }, (_, i) => `t${i}`);
const question = fc.record({
  instants: fc.array(
    fc.oneof(
      fc.integer({ min: -40 * DAY, max: 900 * DAY }).map((d) => T0 + d),
      fc.record({ k: fc.nat(), off: fc.constantFrom(-1, 0, 1) }),
    ),
    { maxLength: 4 },
  ),
  groupBy: fc.shuffledSubarray([...DIMS], { maxLength: 3 }),
  filters: fc.array(
    fc.record({
      column: fc.constantFrom(...DIMS),
      values: fc.subarray(['L1', 'L2', '', 'a1', 'low', 'email', 'c1', 'p2', 'zz']),
    }),
    { maxLength: 2 },
  ),
  bounds: fc.constantFrom(DEFAULT_BUCKETS, [3600], [], [60, 86_400, 30 * 86_400]),
});
type Question = typeof question extends fc.Arbitrary<infer Q> ? Q : never;

/** Instants picked at segment boundaries (±1 ms) or anywhere. */
function instantsOf(q: Question, live: Live): number[] {
  const edges = [...live.values()]
    .flat()
    .flatMap((s) => (s.to === null ? [s.from] : [s.from, s.to]));
  return q.instants.map((x) =>
    typeof x === 'number' ? x : (edges[x.k % Math.max(1, edges.length)] ?? T0) + x.off,
  );
}

describe('BacklogIndex: property', () => {
  it('answers as the reference after a load and any replaces', async () => {
    const initial = fc.tuple(...TICKETS.map(ticketSegments));
    const ops = fc.array(
      fc.record({
        ticket: fc.constantFrom(...TICKETS, 'new'),
        segments: fc.oneof(fc.constant(null), fc.constant('keep')),
        q: question,
      }),
      { maxLength: 10 },
    );
    const replacement = fc.array(fc.tuple(...TICKETS.map(ticketSegments), ticketSegments('new')), {
      minLength: 10,
      maxLength: 10,
    });
    await fc.assert(
      fc.asyncProperty(
        initial,
        fc.nat(),
        ops,
        replacement,
        question,
        async (start, cut, steps, later, q0) => {
          const all = start.flat();
          // Spread every ticket's segments over two batches, in a shuffled order.
          const rnd = mulberry32(cut);
          const shuffled = [...all];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = Math.floor(rnd() * (i + 1));
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const index = new BacklogIndex();
          const at = cut % (shuffled.length + 1);
          await index.load([shuffled.slice(0, at), shuffled.slice(at)]);
          const live: Live = liveOf(all);
          await expectSame(index, live, { ...q0, instants: instantsOf(q0, live) });
          for (const [i, step] of steps.entries()) {
            const next =
              step.segments === null ? [] : later[i]![TICKETS.concat('new').indexOf(step.ticket)]!;
            index.replace(step.ticket, next);
            if (next.length === 0) live.delete(step.ticket);
            else live.set(step.ticket, next);
            expect(index.segments).toBe([...live.values()].flat().length);
            await expectSame(index, live, { ...step.q, instants: instantsOf(step.q, live) });
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps crowded lists right under churn (entries moved by removals, slots reused)', async () => {
    const MIN = 60_000;
    const crowded = (ticketId: string) =>
      fc
        .record({
          start: fc.integer({ min: 0, max: 360 }),
          parts: fc.array(
            fc.record({
              gap: fc.integer({ min: 0, max: 180 }),
              length: fc.integer({ min: 1, max: 900 }),
            }),
            { minLength: 1, maxLength: 3 },
          ),
          open: fc.boolean(),
          a: attrs,
        })
        .map(({ start, parts, open, a }) => {
          let at = T0 + start * MIN;
          return parts.map(({ gap, length }, i): IndexedSegment => {
            const from = at + gap * MIN;
            const to = open && i === parts.length - 1 ? null : from + length * MIN;
            at = to ?? from;
            return { ticketId, from, to, createdAt: T0 - DAY, ...a };
          });
        });
    const ids = Array.from({ length: 12 }, (_, i) => `c${i}`);
    const step = fc.record({
      ticket: fc.constantFrom(...ids),
      segments: fc.oneof(
        fc.constant([] as IndexedSegment[]),
        fc.constantFrom(...ids).chain(crowded),
      ),
    });
    const instants = [...Array.from({ length: 24 }, (_, k) => T0 + k * 90 * MIN), T0 + 99 * DAY];
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(...ids.map(crowded)),
        fc.array(step, { maxLength: 40 }),
        async (start, steps) => {
          const index = new BacklogIndex();
          await index.load([start.flat()]);
          const live = liveOf(start.flat());
          for (const { ticket, segments } of steps) {
            const next = segments.map((s) => ({ ...s, ticketId: ticket }));
            index.replace(ticket, next);
            if (next.length === 0) live.delete(ticket);
            else live.set(ticket, next);
            expect(byTicket(index.tickets(instants, [], []))).toEqual(
              byTicket(refTickets(live, instants, [], [])),
            );
          }
          await expectSame(index, live, {
            instants,
            groupBy: ['team'],
            filters: [],
            bounds: [3600],
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('BacklogIndex: a horizon', () => {
  it('answers instants from the horizon on as over every segment, before and after replaces', async () => {
    const initial = fc.tuple(...TICKETS.map(ticketSegments));
    const steps = fc.array(
      fc.record({ ticket: fc.constantFrom(...TICKETS, 'new'), drop: fc.boolean(), q: question }),
      { maxLength: 8 },
    );
    const replacement = fc.array(fc.tuple(...TICKETS.map(ticketSegments), ticketSegments('new')), {
      minLength: 8,
      maxLength: 8,
    });
    const kept = (live: Live, horizon: number) =>
      [...live.values()].flat().filter((s) => s.to === null || s.to > horizon).length;
    await fc.assert(
      fc.asyncProperty(
        initial,
        fc.integer({ min: -40, max: 40 }),
        fc.nat(),
        steps,
        replacement,
        question,
        async (start, horizonDay, cut, ops, later, q0) => {
          const horizon = T0 + horizonDay * DAY;
          // Instants before the horizon are not asked of the index (they go to SQL).
          const after = (q: Question, live: Live) =>
            instantsOf(q, live).map((at) => Math.max(at, horizon));
          const all = start.flat();
          const index = new BacklogIndex();
          const live: Live = liveOf(all);
          // Cut after the load, or after one of the replaces.
          const at = cut % (ops.length + 1);
          await index.load([all]);
          if (at === 0) index.trimBefore(horizon);
          for (const [i, op] of ops.entries()) {
            const next = op.drop ? [] : later[i]![TICKETS.concat('new').indexOf(op.ticket)]!;
            index.replace(op.ticket, next);
            if (next.length === 0) live.delete(op.ticket);
            else live.set(op.ticket, next);
            if (i + 1 === at) index.trimBefore(horizon);
            if (i + 1 < at) continue;
            expect(index.segments).toBe(kept(live, horizon));
            await expectSame(index, live, { ...op.q, instants: after(op.q, live) });
          }
          if (at === 0) expect(index.segments).toBe(kept(live, horizon));
          await expectSame(index, live, { ...q0, instants: after(q0, live) });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('forgets the tickets it no longer holds, and reuses their numbers', async () => {
    const index = new BacklogIndex();
    await index.load([[seg('a', T0, T0 + DAY), seg('b', T0, T0 + 3 * DAY), seg('c', T0, null)]]);
    expect(index.trimBefore(T0 + 2 * DAY)).toBe(1);
    expect(index.segments).toBe(2);
    // A segment that ended at or before the horizon is not taken again.
    index.replace('a', [seg('a', T0, T0 + 2 * DAY)]);
    expect(index.segments).toBe(2);
    index.replace('d', [seg('d', T0 + 2 * DAY, null)]);
    expect(ids(index.tickets([T0 + 2 * DAY], [], []))).toEqual(['0:b', '0:c', '0:d']);
    expect(index.trimBefore(T0 + 3 * DAY)).toBe(1);
    expect(ids(index.tickets([T0 + 3 * DAY], [], []))).toEqual(['0:c', '0:d']);
  });
});
