/**
 * The ingest hot path's shortcuts give exactly what the plain definitions give: merging and
 * diffing (in-place merge, sorted walk, batch deltas) against map-based reference versions, the
 * ISO formatter against `Date#toISOString`, the rollup JSON against the object-per-row version.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contributionKey,
  diffContributions,
  mergeContributions,
  mergeOwnedRows,
  RollupDeltas,
} from '../../../src/core/aggregate/merge.js';
import {
  BUCKET_MS,
  DIM_NAMES,
  MEASURE_NAMES,
  type Contribution,
  type ContributionKind,
} from '../../../src/core/aggregate/types.js';
import { ROLLUPS, rollupCopyText, rollupRowsJson } from '../../../src/storage/rollup.repository.js';
import { decodeContributions, encodeContributions } from '../../../src/storage/derived-rows.js';
import { isoString } from '../../../src/storage/iso-string.js';

type Rec = Record<string, unknown>;
const runs = { numRuns: 500 };

// ---- reference definitions (map of key → copied row, sorted by key) ----

function refCopy(row: Contribution, sign: 1 | -1): Contribution {
  const dims: Rec = {};
  for (const n of DIM_NAMES[row.kind]) dims[n] = (row.dims as unknown as Rec)[n] ?? null;
  const measures: Record<string, number> = {};
  for (const n of MEASURE_NAMES[row.kind]) {
    const v = ((row.measures as unknown as Rec)[n] as number | undefined) ?? 0;
    measures[n] = sign === 1 ? v : 0 - v;
  }
  return { kind: row.kind, bucket: row.bucket, dims, measures } as unknown as Contribution;
}

function refAccumulate(
  map: Map<string, Contribution>,
  rows: readonly Contribution[],
  sign: 1 | -1,
) {
  for (const row of rows) {
    const key = contributionKey(row);
    const existing = map.get(key);
    if (existing === undefined) {
      map.set(key, refCopy(row, sign));
      continue;
    }
    const target = existing.measures as unknown as Record<string, number>;
    for (const n of MEASURE_NAMES[row.kind]) {
      const v = ((row.measures as unknown as Rec)[n] as number | undefined) ?? 0;
      target[n] = target[n]! + (sign === 1 ? v : 0 - v);
    }
  }
}

function refSorted(map: Map<string, Contribution>, dropZero: boolean): Contribution[] {
  return [...map.entries()]
    .filter(([, r]) => !dropZero || !Object.values(r.measures).every((v) => v === 0))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);
}

function refMerge(rows: readonly Contribution[]): Contribution[] {
  const map = new Map<string, Contribution>();
  refAccumulate(map, rows, 1);
  return refSorted(map, false);
}

function refDiff(previous: readonly Contribution[], next: readonly Contribution[]) {
  const map = new Map<string, Contribution>();
  refAccumulate(map, next, 1);
  refAccumulate(map, previous, -1);
  return refSorted(map, true);
}

// ---- generators: few values, so keys collide; strings that sort differently once quoted ----

const text = fc.constantFrom(
  'L1',
  'L1 x',
  'L1!',
  'L1"',
  'L1\\',
  'a\u00e9',
  'a\ud83d\ude00',
  'b',
  '',
);
const dim = fc.option(text, { nil: null });
const kinds = Object.keys(DIM_NAMES) as ContributionKind[];

const row: fc.Arbitrary<Contribution> = fc
  .record({
    kind: fc.constantFrom(...kinds),
    bucket: fc.integer({ min: -2, max: 2 }).map((k) => k * BUCKET_MS),
    dims: fc.array(dim, { minLength: 6, maxLength: 6 }),
    extra: fc.oneof(fc.constantFrom('first_response', 'resolution'), fc.constant(null)),
    tier: fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }),
    measures: fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 6, maxLength: 6 }),
  })
  .map(({ kind, bucket, dims, extra, tier, measures }) => {
    const d: Rec = {};
    DIM_NAMES[kind].forEach((n, i) => {
      d[n] = n === 'metric' ? extra : n === 'from_tier' ? tier : dims[i];
    });
    const m: Record<string, number> = {};
    MEASURE_NAMES[kind].forEach((n, i) => (m[n] = measures[i]!));
    return { kind, bucket, dims: d, measures: m } as unknown as Contribution;
  });
const rows = fc.array(row, { maxLength: 14 });
const isZeroRow = (r: Contribution) =>
  Object.values(r.measures as unknown as Record<string, number>).every((v) => v === 0);
/** As stored: merged (sorted by key, each key once). */
const canonical = rows.map(refMerge);

describe('merge and diff fast paths', () => {
  it('mergeContributions and mergeOwnedRows = the map-based merge', () => {
    fc.assert(
      fc.property(rows, (r) => {
        const want = refMerge(r);
        expect(mergeContributions(r)).toEqual(want);
        const owned = mergeOwnedRows(r.map((x) => refCopy(x, 1)));
        expect(owned.rows).toEqual(want);
        expect(owned.keys).toEqual(want.map(contributionKey));
      }),
      runs,
    );
  });

  it('diffContributions = the map-based diff, sorted inputs (walk) or not (map)', () => {
    fc.assert(
      fc.property(fc.oneof(rows, canonical), fc.oneof(rows, canonical), (a, b) => {
        expect(diffContributions(a, b)).toEqual(refDiff(a, b));
      }),
      runs,
    );
  });

  it('RollupDeltas = merge of every ticket diff; unchanged exactly when nothing differs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(rows, canonical), canonical, fc.boolean()), { maxLength: 6 }),
        (tickets) => {
          const deltas = new RollupDeltas();
          const all: Contribution[] = [];
          const nexts: Contribution[][] = [];
          const snapshots: Contribution[][] = [];
          for (const [previous, next, same] of tickets) {
            const prev = same ? next.map((r) => refCopy(r, 1)) : previous;
            const keyed = mergeOwnedRows(next.map((r) => refCopy(r, 1)));
            nexts.push(keyed.rows);
            snapshots.push(structuredClone(keyed.rows));
            const changed = deltas.addTicket(prev, keyed);
            const diff = refDiff(prev, next);
            all.push(...diff);
            const identical =
              JSON.stringify(prev.map((r) => refCopy(r, 1))) === JSON.stringify(next);
            expect(changed).toBe(!identical);
          }
          expect(deltas.rows()).toEqual(refMerge(all));
          // The rows handed in were borrowed, never summed into.
          expect(nexts).toEqual(snapshots);
        },
      ),
      runs,
    );
  });
  it('RollupDeltas sums new tickets sharing a cell without touching their rows', () => {
    fc.assert(
      fc.property(canonical, fc.integer({ min: 2, max: 4 }), (next, copies) => {
        const deltas = new RollupDeltas();
        const handed = Array.from({ length: copies }, () =>
          mergeOwnedRows(next.map((r) => refCopy(r, 1))),
        );
        const snapshot = structuredClone(handed.map((k) => k.rows));
        for (const keyed of handed) deltas.addTicket([], keyed);
        expect(handed.map((k) => k.rows)).toEqual(snapshot);
        const all = Array.from({ length: copies }, () => next).flat();
        expect(deltas.rows()).toEqual(refMerge(all).filter((r) => !isZeroRow(r)));
        expect(new Set(deltas.unsortedRows())).toEqual(new Set(deltas.rows()));
      }),
      runs,
    );
  });
});

describe('storage JSON', () => {
  it('isoString = Date#toISOString', () => {
    const edge = [0, 1, 999, 86_399_999, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000];
    for (const t of [...edge, -1, -62_167_219_200_000, 1.5]) {
      expect(isoString(t)).toBe(new Date(t).toISOString());
    }
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (t) => {
        expect(isoString(t)).toBe(new Date(t).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('rollupRowsJson = JSON of one object per row', () => {
    const dimText = (v: unknown) =>
      typeof v === 'string' || typeof v === 'number' ? String(v) : '';
    fc.assert(
      fc.property(rows, (r) => {
        for (const kind of kinds) {
          const spec = ROLLUPS[kind];
          const ofKind = r.filter((c) => c.kind === kind);
          const want = ofKind.map((c) => {
            const o: Rec = { bucket: new Date(c.bucket).toISOString() };
            for (const d of spec.dims) o[d] = dimText((c.dims as unknown as Rec)[d]);
            for (const m of spec.measures)
              o[m] = Math.round(((c.measures as unknown as Rec)[m] as number | undefined) ?? 0);
            return o;
          });
          expect(rollupRowsJson(spec, ofKind)).toBe(JSON.stringify(want));
        }
      }),
      runs,
    );
  });

  it('rollupCopyText = the COPY text of the same values as rollupRowsJson', () => {
    const esc = (v: string) =>
      v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
    fc.assert(
      fc.property(rows, (r) => {
        for (const kind of kinds) {
          const spec = ROLLUPS[kind];
          const ofKind = r.filter((c) => c.kind === kind);
          if (ofKind.length === 0) continue;
          const objects = JSON.parse(rollupRowsJson(spec, ofKind)) as Rec[];
          const want = objects.map((o) =>
            [
              'tenant-1',
              o.bucket,
              ...spec.dims.map((d) => esc(o[d] as string)),
              ...spec.measures.map((m) => String((o[m] as number | null) ?? 0)),
            ].join('\t'),
          );
          expect(rollupCopyText(spec, 'tenant-1', ofKind)).toBe(`${want.join('\n')}\n`);
        }
      }),
      runs,
    );
  });

  it('stored contributions (compact arrays, through JSON) decode to the same rows', () => {
    fc.assert(
      fc.property(canonical, (r) => {
        const stored = JSON.parse(JSON.stringify(encodeContributions(r))) as unknown[][];
        expect(decodeContributions(stored)).toEqual(r);
      }),
      runs,
    );
  });
});
