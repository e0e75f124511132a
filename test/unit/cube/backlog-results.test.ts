/**
 * The backlog index keeps its `groups` answers per instant (backlog-results.ts) and drops them
 * from the instant a `replace` changed on. Whatever the replaces, an index that kept answers must
 * answer exactly as one built afresh from the same segments (which backlog-index.test.ts checks
 * against the SQL's reference): the oracle here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUCKETS } from '../../../src/reporting/kpis/backlog.js';
import {
  BacklogIndex,
  type IndexedSegment,
} from '../../../src/reporting/kpis/cube/backlog-index.js';
import {
  changedFrom,
  InstantResults,
  type SegmentFace,
} from '../../../src/reporting/kpis/cube/backlog-results.js';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.UTC(2026, 2, 2);

const f = (from: number, to: number | null, face = 'a'): SegmentFace => ({
  from,
  to: to ?? Infinity,
  face: [face.charCodeAt(0)],
});

describe('changedFrom: the first instant a ticket stands differently', () => {
  const cases: Array<{ name: string; before: SegmentFace[]; after: SegmentFace[]; want: number }> =
    [
      { name: 'nothing before, nothing after', before: [], after: [], want: Infinity },
      {
        name: 'the same segments',
        before: [f(0, 5), f(7, null)],
        after: [f(0, 5), f(7, null)],
        want: Infinity,
      },
      {
        name: 'the same, in another order',
        before: [f(0, 5), f(7, null)],
        after: [f(7, null), f(0, 5)],
        want: Infinity,
      },
      { name: 'a new ticket', before: [], after: [f(3, null)], want: 3 },
      { name: 'a deleted ticket', before: [f(3, 9), f(9, null)], after: [], want: 3 },
      { name: 'an open segment closed', before: [f(3, null)], after: [f(3, 8)], want: 8 },
      {
        name: 'an open segment cut, the rest another status',
        before: [f(3, null)],
        after: [f(3, 8), f(8, null, 'b')],
        want: 8,
      },
      {
        name: 'a closed segment reopened later',
        before: [f(3, 8)],
        after: [f(3, 8), f(12, null)],
        want: 12,
      },
      {
        name: 'a segment cut into two alike',
        before: [f(3, 9)],
        after: [f(3, 6), f(6, 9)],
        want: Infinity,
      },
      { name: 'an end moved earlier', before: [f(3, 9)], after: [f(3, 6)], want: 6 },
      { name: 'an end moved later', before: [f(3, 6)], after: [f(3, 9)], want: 6 },
      {
        name: 'a start moved earlier (a late event)',
        before: [f(5, null)],
        after: [f(2, null)],
        want: 2,
      },
      { name: 'a start moved later', before: [f(2, null)], after: [f(5, null)], want: 2 },
      {
        name: 'the face changed from a point',
        before: [f(0, 4), f(4, null)],
        after: [f(0, 4), f(4, null, 'b')],
        want: 4,
      },
      {
        name: 'the face changed throughout',
        before: [f(0, null)],
        after: [f(0, null, 'b')],
        want: 0,
      },
      {
        name: 'a gap filled',
        before: [f(0, 4), f(6, null)],
        after: [f(0, 4), f(4, 6), f(6, null)],
        want: 4,
      },
      { name: 'an overlap counted twice', before: [f(0, 9)], after: [f(0, 9), f(5, 7)], want: 5 },
      { name: 'a NaN start holds nothing', before: [f(NaN, 5)], after: [], want: Infinity },
    ];
  for (const c of cases) {
    it(c.name, () => {
      expect(changedFrom(c.before, c.after)).toBe(c.want);
      // The instant does not depend on which side is which.
      expect(changedFrom(c.after, c.before)).toBe(c.want);
    });
  }
});

describe('InstantResults', () => {
  const g = (total: number) => [
    { keys: { team: 'L1' }, total, actionable: 0, ageSum: 0, buckets: [] },
  ];

  it('drops the answers at and after a change, keeps those before', () => {
    const r = new InstantResults();
    r.set(10, 'q', g(1));
    r.set(20, 'q', g(2));
    r.set(30, 'q', g(3));
    r.changedFrom(20);
    expect(r.get(10, 'q')?.[0]?.total).toBe(1);
    expect(r.get(20, 'q')).toBeUndefined();
    expect(r.get(30, 'q')).toBeUndefined();
    expect(r.size).toBe(1);
  });

  it('hands out copies: changing an answer does not change what is kept', () => {
    const r = new InstantResults();
    const groups = g(1);
    r.set(10, 'q', groups);
    groups[0]!.total = 99;
    const got = r.get(10, 'q')!;
    expect(got[0]!.total).toBe(1);
    got[0]!.keys.team = 'x';
    expect(r.get(10, 'q')![0]!.keys.team).toBe('L1');
  });

  it('forgets instants before a horizon, and keeps at most 1,024 answers, least recently used first', () => {
    const r = new InstantResults();
    for (let i = 0; i < 1030; i++) r.set(i, 'q', g(i));
    expect(r.size).toBe(1024);
    expect(r.get(5, 'q')).toBeUndefined();
    expect(r.get(6, 'q')?.[0]?.total).toBe(6);
    r.set(2000, 'q', g(0));
    // 6 was used last, so 7 went first.
    expect(r.get(6, 'q')).toBeDefined();
    expect(r.get(7, 'q')).toBeUndefined();
    r.forgetBefore(1000);
    expect(r.size).toBe(31);
  });
});

const attrs = fc.record({
  team: fc.constantFrom('L1', 'L2', null),
  agent: fc.constantFrom('a1', 'a2', null),
  priority: fc.constantFrom('low', 'high'),
  channel: fc.constant(null),
  category: fc.constant(null),
  policy: fc.constant(null),
  status: fc.constantFrom('new', 'open', 'pending'),
  calendarId: fc.constant('cal'),
});

/** A ticket's segments: adjacent or with gaps, the last one maybe open-ended. */
const segmentsOf = (ticketId: string) =>
  fc
    .record({
      start: fc.integer({ min: 0, max: 20 }),
      parts: fc.array(
        fc.record({
          gap: fc.constantFrom(0, 0, 1),
          length: fc.integer({ min: 1, max: 4 }),
          a: attrs,
        }),
        { minLength: 1, maxLength: 4 },
      ),
      open: fc.boolean(),
    })
    .map(({ start, parts, open }) => {
      let at = T0 + start * H;
      return parts.map(({ gap, length, a }, i): IndexedSegment => {
        const from = at + gap * H;
        const to = open && i === parts.length - 1 ? null : from + length * H;
        at = to ?? from;
        return { ticketId, from, to, createdAt: T0 - DAY, ...a };
      });
    });

const TICKETS = ['t0', 't1', 't2', 't3', 't4', 't5'];

/** How a step changes a ticket: as a help desk's next event would, or anyhow. */
const edit = fc.record({
  ticket: fc.constantFrom(...TICKETS, 'new'),
  kind: fc.constantFrom('same', 'cut', 'restatus', 'delete', 'any'),
  at: fc.integer({ min: 0, max: 40 }),
  a: attrs,
  any: fc.constantFrom(...TICKETS).chain(segmentsOf),
});

function edited(current: readonly IndexedSegment[], e: EditStep): IndexedSegment[] {
  const ticketId = e.ticket;
  const cutAt = T0 + e.at * H;
  switch (e.kind) {
    case 'same':
      return current.map((s) => ({ ...s }));
    case 'delete':
      return [];
    case 'cut': {
      // The segment holding `cutAt` ends there; the ticket goes on with new attributes.
      const kept = current.filter((s) => s.from < cutAt);
      const last = kept.at(-1);
      if (last === undefined) return [...current];
      const ended = kept.slice(0, -1).concat({ ...last, to: cutAt });
      return ended.concat({ ...last, ...e.a, from: cutAt, to: null, ticketId });
    }
    case 'restatus': {
      const last = current.at(-1);
      if (last === undefined) return [];
      return current.slice(0, -1).concat({ ...last, status: e.a.status });
    }
    default:
      return e.any.map((s) => ({ ...s, ticketId }));
  }
}
type EditStep = {
  ticket: string;
  kind: string;
  at: number;
  a: Omit<IndexedSegment, 'ticketId' | 'from' | 'to' | 'createdAt'>;
  any: IndexedSegment[];
};

const INSTANTS = Array.from({ length: 14 }, (_, k) => T0 + k * 3 * H);
const QUESTIONS = [
  { groupBy: ['team'], filters: [], bounds: DEFAULT_BUCKETS },
  { groupBy: [], filters: [], bounds: [] },
  {
    groupBy: ['priority', 'agent'],
    filters: [{ column: 'team', values: ['L1', ''] }],
    bounds: [3600],
  },
];

describe('BacklogIndex: answers kept per instant', () => {
  it('answers as an index built afresh, whatever the replaces between two questions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(...TICKETS.map(segmentsOf)),
        fc.array(edit, { maxLength: 25 }),
        fc.array(fc.nat(), { minLength: 25, maxLength: 25 }),
        async (start, steps, picks) => {
          const index = new BacklogIndex();
          await index.load([start.flat()]);
          const live = new Map<string, IndexedSegment[]>();
          for (const s of start.flat()) live.set(s.ticketId, [...(live.get(s.ticketId) ?? []), s]);
          for (const q of QUESTIONS) index.groups(INSTANTS, q);
          for (const [i, step] of steps.entries()) {
            const next = edited(live.get(step.ticket) ?? [], step);
            index.replace(step.ticket, next);
            if (next.length === 0) live.delete(step.ticket);
            else live.set(step.ticket, next);
            const fresh = new BacklogIndex();
            await fresh.load([[...live.values()].flat()]);
            const q = QUESTIONS[picks[i]! % QUESTIONS.length]!;
            // Some instants only, so that the others keep older answers for later steps.
            const asked = INSTANTS.filter((_, k) => (k + picks[i]!) % 3 !== 0);
            expect(index.groups(asked, q)).toEqual(fresh.groups(asked, q));
          }
          for (const q of QUESTIONS) {
            const fresh = new BacklogIndex();
            await fresh.load([[...live.values()].flat()]);
            expect(index.groups(INSTANTS, q)).toEqual(fresh.groups(INSTANTS, q));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the answers a replace did not touch, and drops those it did', async () => {
    const base = {
      createdAt: T0 - DAY,
      calendarId: 'cal',
      agent: null,
      priority: 'low',
      channel: null,
      category: null,
      policy: null,
    };
    const index = new BacklogIndex();
    await index.load([
      [
        { ...base, ticketId: 'a', from: T0, to: null, status: 'open', team: 'L1' },
        { ...base, ticketId: 'b', from: T0 + H, to: null, status: 'open', team: 'L2' },
        // The desk's data reach T0 + 10h.
        { ...base, ticketId: 'c', from: T0 + 9 * H, to: T0 + 10 * H, status: 'new', team: null },
      ],
    ]);
    const q = { groupBy: ['team'], filters: [], bounds: [] };
    const instants = [T0 + 2 * H, T0 + 5 * H, T0 + 9.5 * H];
    index.groups(instants, q);
    const kept = () => (index as unknown as { results: InstantResults }).results.size;
    expect(kept()).toBe(3);
    // After the data ("now" on a desk whose last event is older): asked anew each time, not kept.
    index.groups([T0 + 11 * H, T0 + 12 * H], q);
    expect(kept()).toBe(3);
    // An event that leaves the segments as they were (a note): every answer stays.
    index.replace('a', [
      { ...base, ticketId: 'a', from: T0, to: null, status: 'open', team: 'L1' },
    ]);
    expect(kept()).toBe(3);
    // Ticket b leaves the backlog at T0 + 4h: the answer at 2h stays.
    index.replace('b', [
      { ...base, ticketId: 'b', from: T0 + H, to: T0 + 4 * H, status: 'open', team: 'L2' },
    ]);
    expect(kept()).toBe(1);
    const totals = index
      .groups(instants, q)
      .map((groups) => groups.map((g) => `${g.keys.team}:${g.total}`));
    expect(totals).toEqual([['L1:1', 'L2:1'], ['L1:1'], ['L1:1', 'null:1']]);
    expect(kept()).toBe(3);
    // A horizon: instants before it are not asked of the index any more.
    index.trimBefore(T0 + 3 * H);
    expect(kept()).toBe(2);
  });
});
