/** Random ledger rows and KPI questions for the cube's property tests. */
import fc from 'fast-check';
import {
  BUCKET_MS,
  DIM_NAMES,
  MEASURE_NAMES,
  type Contribution,
  type ContributionKind,
} from '../../../src/core/aggregate/index.js';
import { periodsOf, type Interval } from '../../../src/core/time/periods.js';
import type { GroupedQuery } from '../../../src/storage/kpi.repository.js';

/** Days covered, from a week before Europe/Warsaw's spring DST change (29 March 2026). */
export const BASE = Date.UTC(2026, 2, 22);
export const SPAN_DAYS = 12;
const BUCKETS = SPAN_DAYS * 96;

export const KINDS = [
  'sla',
  'fcr',
  'volume',
  'handle_time',
  'sla_sketch',
  'handle_sketch',
  'escalation',
] as const satisfies readonly ContributionKind[];

const POOL: Record<string, readonly (string | number | null)[]> = {
  team: ['L1', 'L2', 'L3', '', null],
  agent: ['a1', 'a2', 'a3', 'a4', null],
  priority: ['low', 'high', null],
  channel: ['email', 'chat', null],
  category: ['c1', null],
  policy: ['p1', 'p2', null],
  metric: ['first_response', 'resolution'],
  from_tier: [1, 2, null],
};

/** Group-by / filter columns of a kind (the sketch bin is neither). */
export const dimsOf = (kind: ContributionKind) => DIM_NAMES[kind].filter((d) => d !== 'bin');

const dimValues = fc.record(
  Object.fromEntries(Object.entries(POOL).map(([d, values]) => [d, fc.constantFrom(...values)])),
);

interface Raw {
  k: number;
  dims: Record<string, string | number | null>;
  bin: number;
  m: number[];
  order: number;
}

const raw: fc.Arbitrary<Raw> = fc.record({
  k: fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: BUCKETS - 1 }) },
    { weight: 2, arbitrary: fc.constantFrom(0, 1, 95, 96, 4 * 96 - 1, BUCKETS - 1) },
    // Far from the window: the day level grows both ways (a late event months back).
    { weight: 1, arbitrary: fc.integer({ min: -80 * 96, max: 150 * 96 }) },
  ),
  dims: dimValues,
  bin: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 900 })),
  m: fc.array(fc.integer({ min: -3, max: 6 }), { minLength: 6, maxLength: 6 }),
  order: fc.nat(),
});

function rowOf(kind: ContributionKind, r: Raw, sign: number): Contribution {
  const dims: Record<string, unknown> = {};
  for (const d of DIM_NAMES[kind]) dims[d] = d === 'bin' ? r.bin : r.dims[d];
  const measures: Record<string, number> = {};
  MEASURE_NAMES[kind].forEach((m, i) => (measures[m] = sign * r.m[i]!));
  return { kind, bucket: BASE + r.k * BUCKET_MS, dims, measures } as unknown as Contribution;
}

/**
 * Rows of one kind in arrival order: random rows, and withdrawals (negated copies) of some of
 * them arriving at random later or earlier points — so keys cancel to zero. `consistent`: as
 * ingest writes the ledger — counts never negative, each row withdrawn at most once and only
 * after it arrived, so no key ever sums below zero.
 */
export const rowsOf = (kind: ContributionKind, consistent = false) =>
  fc
    .record({
      rows: fc.array(raw, { maxLength: 120 }),
      withdraw: fc.array(fc.record({ i: fc.nat(), order: fc.nat() }), { maxLength: 40 }),
    })
    .map(({ rows, withdraw }) => {
      if (consistent) rows = rows.map((r) => ({ ...r, m: r.m.map((x) => Math.abs(x)) }));
      const all = rows.map((r) => ({ order: r.order, row: rowOf(kind, r, 1) }));
      const withdrawn = new Set<number>();
      for (const w of withdraw) {
        if (rows.length === 0) break;
        const i = w.i % rows.length;
        if (consistent && withdrawn.has(i)) continue;
        withdrawn.add(i);
        const order = consistent ? rows[i]!.order + (w.order % 1000) + 1 : w.order;
        all.push({ order, row: rowOf(kind, rows[i]!, -1) });
      }
      return all.sort((a, b) => a.order - b.order).map((x) => x.row);
    });

/** How rows reach the cube: a loaded prefix (in batches), then `apply` batches. */
export const schedule = fc.record({
  loaded: fc.double({ min: 0, max: 1, noNaN: true }),
  loadBatches: fc.integer({ min: 1, max: 3 }),
  applyBatches: fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 5 }),
  minTail: fc.constantFrom(0, 1, 3, 64),
  bulkReach: fc.constantFrom(0, 20_000),
});

const ZONES = ['Europe/Warsaw', 'Asia/Kolkata', 'Asia/Kathmandu', 'UTC'] as const;
const FILTER_VALUES = ['L1', 'L2', 'a1', 'a3', 'low', 'email', 'c1', 'p2', 'resolution', '1', ''];

export interface QueryCase {
  q: GroupedQuery;
  zone: string;
  interval: Interval;
}

/** A question about `kind`'s rows: a range on the grid, periods in a zone, groups, filters. */
export const queryOf = (kind: ContributionKind): fc.Arbitrary<QueryCase> => {
  const dims = dimsOf(kind);
  return fc
    .record({
      a: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: -100, max: BUCKETS }) },
        { weight: 1, arbitrary: fc.integer({ min: -90 * 96, max: -80 * 96 }) },
      ),
      len: fc.oneof(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: BUCKETS + 200 }),
        fc.integer({ min: 1, max: 250 * 96 }),
      ),
      interval: fc.constantFrom<Interval>('none', 'hour', 'day', 'week', 'month'),
      zone: fc.constantFrom(...ZONES),
      groupBy: fc.shuffledSubarray(dims, { maxLength: 2 }),
      filters: fc.array(
        fc.record({
          column: fc.constantFrom(...dims),
          values: fc.subarray(FILTER_VALUES, { maxLength: 3 }),
        }),
        { maxLength: 2 },
      ),
      noFilters: fc.boolean(),
      dropFirst: fc.integer({ min: 0, max: 9 }),
    })
    .map(({ a, len, interval, zone, groupBy, filters, noFilters, dropFirst }) => {
      const from = BASE + a * BUCKET_MS;
      const to = from + len * BUCKET_MS;
      const periods = periodsOf(from, to, interval, zone)!;
      let periodStarts: number[] | null = interval === 'none' ? null : periods.map((p) => p.start);
      // Now and then a first period starting after `from`: SQL numbers the rows before it -1.
      if (periodStarts !== null && dropFirst === 0 && periodStarts.length > 1) {
        periodStarts = periodStarts.slice(1);
      }
      const q: GroupedQuery = {
        from,
        to,
        periodStarts,
        groupBy,
        filters: noFilters ? [] : filters,
      };
      return { q, zone, interval };
    });
};
