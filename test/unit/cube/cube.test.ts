/**
 * The cube answers what the SQL of `sumRollup` / `sumSketch` answers (a plain reference,
 * reference.ts), for every kind, whatever the rows (withdrawals that cancel, late buckets,
 * missing values), however they arrive (bulk load, then `apply` batches, with the base level's
 * tail ordered and folded at any point), and whatever the question (periods in zones with DST and
 * half- and quarter-hour offsets, ranges cut anywhere on the grid, 0–2 group-by columns, filters).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BUCKET_MS,
  sketchQuantile,
  type Contribution,
  type ContributionKind,
} from '../../../src/core/aggregate/index.js';
import { periodsOf } from '../../../src/core/time/periods.js';
import {
  answerGroups,
  answerQuantiles,
  answerRows,
} from '../../../src/reporting/kpis/cube/answer.js';
import { KindCube } from '../../../src/reporting/kpis/cube/kind-cube.js';
import { DAY_MS } from '../../../src/reporting/kpis/cube/types.js';
import type { GroupedQuery } from '../../../src/storage/kpi.repository.js';
import {
  BASE,
  KINDS,
  queryOf,
  rowsOf,
  schedule,
  SPAN_DAYS,
  type QueryCase,
} from './arbitraries.js';
import { canonical, referenceRows } from './reference.js';

async function* batches(rows: readonly Contribution[], n: number) {
  const size = Math.ceil(rows.length / n);
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

const QS = [0.9, 0.5, 0, 1, 0.25];

/** The reference's quantiles per period and group. */
function referenceQuantiles(rows: Contribution[], kind: ContributionKind, q: GroupedQuery) {
  const bins = new Map<string, Map<number, number>>();
  for (const r of referenceRows(rows, kind, q)) {
    const key = JSON.stringify([r.period, q.groupBy.map((g) => r.keys[g])]);
    const map = bins.get(key) ?? new Map<number, number>();
    map.set(r.sketch!.bin, r.sums.n!);
    bins.set(key, map);
  }
  const out = new Map<string, Array<number | null>>();
  for (const [key, map] of bins)
    out.set(
      key,
      QS.map((x) => sketchQuantile(map, x)),
    );
  return out;
}

function expectSame(cube: KindCube, kind: ContributionKind, rows: Contribution[], c: QueryCase) {
  const got = canonical(answerRows(cube, c.q, { sketchName: 'elapsed' }));
  const want = canonical(referenceRows(rows, kind, c.q, 'elapsed'));
  expect(got, JSON.stringify(c)).toEqual(want);
  if (!cube.spec.sketch) return;
  const quantiles = new Map(
    answerQuantiles(cube, c.q, QS).map((g) => [
      JSON.stringify([g.period, c.q.groupBy.map((k) => g.keys[k])]),
      g.values,
    ]),
  );
  expect(quantiles, JSON.stringify(c)).toEqual(referenceQuantiles(rows, kind, c.q));
}

describe.each(KINDS)('the %s cube', (kind) => {
  it('answers as the SQL does, after a load and after every apply', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsOf(kind),
        schedule,
        fc.array(queryOf(kind), { minLength: 1, maxLength: 4 }),
        async (rows, s, queries) => {
          const cube = new KindCube(kind, { minTail: s.minTail, bulkReach: s.bulkReach });
          let held = Math.floor(rows.length * s.loaded);
          await cube.load(batches(rows.slice(0, held), s.loadBatches));
          for (const c of queries) expectSame(cube, kind, rows.slice(0, held), c);
          for (const size of s.applyBatches) {
            cube.apply(rows.slice(held, held + size));
            held = Math.min(rows.length, held + size);
            expectSame(cube, kind, rows.slice(0, held), queries[held % queries.length]!);
          }
          cube.apply(rows.slice(held));
          for (const c of queries) expectSame(cube, kind, rows, c);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('the day level', () => {
  const kinds: ContributionKind[] = ['sla', 'sla_sketch'];
  it.each(kinds)(
    'agrees with the reference for %s on many rows, whole weeks and partial days',
    async (kind) => {
      const [{ rows }] = fc.sample(
        fc.record({ rows: fc.array(rowsOf(kind), { minLength: 40, maxLength: 40 }) }),
        { numRuns: 1, seed: 7 },
      ) as [{ rows: Contribution[][] }];
      const all = rows.flat();
      const cube = new KindCube(kind);
      await cube.load([all.slice(0, all.length >> 1)]);
      cube.apply(all.slice(all.length >> 1));
      for (const zone of ['Europe/Warsaw', 'Asia/Kolkata']) {
        for (const [interval, groupBy] of [
          ['week', ['team']],
          ['none', ['agent']],
          ['day', []],
          ['hour', ['metric']],
        ] as const) {
          if (kind !== 'sla' && kind !== 'sla_sketch' && groupBy[0] === 'metric') continue;
          const from = BASE + 37 * BUCKET_MS;
          const to = BASE + (SPAN_DAYS * 96 - 5) * BUCKET_MS;
          const periods = periodsOf(from, to, interval, zone)!;
          const q: GroupedQuery = {
            from,
            to,
            periodStarts: interval === 'none' ? null : periods.map((p) => p.start),
            groupBy,
            filters: [],
          };
          expectSame(cube, kind, all, { q, zone, interval });
        }
      }
    },
  );
});

describe('sketch answers', () => {
  it('give the quantiles sketchQuantile gives over the same bins', async () => {
    await fc.assert(
      fc.asyncProperty(rowsOf('sla_sketch'), queryOf('sla_sketch'), async (rows, c) => {
        const cube = new KindCube('sla_sketch', { minTail: 2 });
        cube.apply(rows);
        for (const g of answerGroups(cube, c.q)) {
          const map = new Map<number, number>();
          g.sketch!.forEach((n, bin) => map.set(bin, n));
          expect(map.size).toBe(g.sketch!.size);
          for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) {
            expect(g.sketch!.quantile(q)).toBe(sketchQuantile(map, q));
            expect(sketchQuantile(g.sketch!, q)).toBe(sketchQuantile(map, q));
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe.each([false, true])('quantile answers (a consistent ledger: %s)', (consistent) => {
  it('are the quantiles of the bins answerRows gives, group by group', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<ContributionKind>('sla_sketch', 'handle_sketch'),
        fc.integer({ min: 0, max: 1 << 30 }),
        fc.constantFrom(0, 20_000),
        async (kind, seed, bulkReach) => {
          const arbitrary = fc.tuple(rowsOf(kind, consistent), queryOf(kind));
          const [rows, c] = fc.sample(arbitrary, { numRuns: 1, seed })[0]!;
          const cube = new KindCube(kind, { minTail: 2, bulkReach });
          await cube.load([rows.slice(0, rows.length >> 1)]);
          cube.apply(rows.slice(rows.length >> 1));
          expectSame(cube, kind, rows, c);
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('questions the cube refuses', () => {
  it('a column the kind does not have', () => {
    const cube = new KindCube('fcr');
    const q = { from: BASE, to: BASE + 96 * BUCKET_MS, periodStarts: null, filters: [] };
    expect(() => answerRows(cube, { ...q, groupBy: ['metric'] })).toThrow(/metric/);
    expect(() =>
      answerRows(cube, { ...q, groupBy: [], filters: [{ column: 'bin', values: ['1'] }] }),
    ).toThrow(/bin/);
  });
});

describe.each(KINDS)('the %s cube with a horizon', (kind) => {
  it('answers questions from the horizon on as over every row, wherever it is cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        rowsOf(kind),
        schedule,
        fc.array(queryOf(kind), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.integer({ min: 0, max: 4 }),
        async (rows, s, queries, cutAt, before) => {
          // The horizon: a UTC midnight at or before every question's start; the cube is cut
          // there after its load or after any apply, then takes the rest (earlier days dropped).
          const first = Math.min(...queries.map((c) => c.q.from));
          const horizon = Math.floor(first / DAY_MS) - before;
          const cube = new KindCube(kind, { minTail: s.minTail, bulkReach: s.bulkReach });
          let held = Math.floor(rows.length * s.loaded);
          await cube.load(batches(rows.slice(0, held), s.loadBatches));
          const cut = cutAt % (s.applyBatches.length + 1);
          if (cut === 0) cube.trimBefore(horizon);
          for (const [i, size] of s.applyBatches.entries()) {
            cube.apply(rows.slice(held, held + size));
            held = Math.min(rows.length, held + size);
            if (i + 1 === cut) cube.trimBefore(horizon);
            if (i + 1 >= cut) {
              expectSame(cube, kind, rows.slice(0, held), queries[held % queries.length]!);
            }
          }
          cube.apply(rows.slice(held));
          for (const c of queries) expectSame(cube, kind, rows, c);
          for (const day of cube.parts.keys()) expect(day).toBeGreaterThanOrEqual(horizon);
        },
      ),
      { numRuns: 150 },
    );
  });
});
