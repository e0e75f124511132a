/**
 * Answers from a cube: the sums (or sketch counts) of `[from, to)` per period and group, as
 * `sumRollup` / `sumSketch` compute them in SQL. With no filter and at most one group-by column,
 * whole UTC days come from the day level and only the buckets of days split by a period boundary
 * (or by `from` / `to`) are scanned from the base level; otherwise every day is scanned.
 */
import type { GroupedRow } from '../../../storage/kpi.repository.js';
import { quantileGroups, sketchGroups, type QuantileGroup } from './answer-sketch.js';
import type { KindCube } from './kind-cube.js';
import { scanQuery, type Scanned } from './scanned.js';
import { SumSink, type TripleSink } from './scan.js';
import type { SketchBins } from './sketch-bins.js';
import type { CubeQuery } from './types.js';

export type { QuantileGroup } from './answer-sketch.js';

/** One period and group of an answer. */
export interface CubeGroup {
  /** Index into `periodStarts` (0 without periods), as the SQL path numbers it. */
  period: number;
  keys: Record<string, string | null>;
  /** The measures' sums (measure kinds; a group whose sums are all zero is left out). */
  sums: Record<string, number>;
  /** Counts per bin (sketch kinds; zero counts and empty sketches left out). */
  sketch?: SketchBins;
}

/** Adds the day level's sums of the runs to the groups of (run period, value). */
function addDaySums(cube: KindCube, s: Scanned, sink: SumSink): void {
  const { groups } = s;
  const level = cube.sums[groups.dims[0] ?? cube.dicts.length]!;
  const M = cube.spec.measures.length;
  const card = groups.combos;
  const tmp = new Float64Array(card * M);
  for (const run of s.runs ?? []) {
    tmp.fill(0);
    if (!level.sumRange(run.d0, run.d1, card, tmp)) continue;
    for (let v = 0; v < card; v++) {
      let any = false;
      for (let m = 0; m < M; m++) if (tmp[v * M + m] !== 0) any = true;
      if (!any) continue;
      const g = groups.slot(run.label, v);
      sink.reserve(g + 1);
      for (let m = 0; m < M; m++) sink.acc[g * M + m]! += tmp[v * M + m]!;
    }
  }
}

function sumGroups(cube: KindCube, s: Scanned, sink: SumSink): CubeGroup[] {
  addDaySums(cube, s, sink);
  const { groups } = s;
  const { measures } = cube.spec;
  const M = measures.length;
  sink.reserve(groups.n);
  const out: CubeGroup[] = [];
  for (let g = 0; g < groups.n; g++) {
    let any = false;
    for (let m = 0; m < M; m++) if (sink.acc[g * M + m] !== 0) any = true;
    if (!any) continue;
    const sums: Record<string, number> = {};
    for (let m = 0; m < M; m++) sums[measures[m]!] = sink.acc[g * M + m]!;
    out.push({ period: groups.period[g]! + s.pMin, keys: groups.keysOf(g), sums });
  }
  return out;
}

/** The answer to `q`: one entry per period and group with non-zero sums (order unspecified). */
export function answerGroups(cube: KindCube, q: CubeQuery): CubeGroup[] {
  const s = scanQuery(cube, q);
  if (s === undefined) return [];
  if (s.sink instanceof SumSink) return sumGroups(cube, s, s.sink);
  return sketchGroups(cube, s, s.sink).map((g) => ({ ...g, sums: {} }));
}

/**
 * A sketch kind's answer as quantiles: per period and group with a non-zero count, the value
 * `sketchQuantile` reads from its summed bins for each of `qs` — without building the bins.
 */
export function answerQuantiles(
  cube: KindCube,
  q: CubeQuery,
  qs: readonly number[],
): QuantileGroup[] {
  if (!cube.spec.sketch) throw new Error(`${cube.spec.kind} is not a sketch`);
  const s = scanQuery(cube, q);
  if (s === undefined) return [];
  return quantileGroups(cube, s, s.sink as TripleSink, qs);
}

/**
 * The answer to `q` as `sumRollup(kind, measures)` (measure kinds) or `sumSketch(kind, name)`
 * (sketch kinds) return it: rows per period and group (per bin for a sketch).
 */
export function answerRows(
  cube: KindCube,
  q: CubeQuery,
  options: { measures?: readonly string[]; sketchName?: string } = {},
): GroupedRow[] {
  const groups = answerGroups(cube, q);
  if (cube.spec.sketch) {
    const name = options.sketchName ?? cube.spec.kind;
    return groups.flatMap((g) => {
      const { bins, counts } = g.sketch!;
      return Array.from(bins, (bin, i) => ({
        period: g.period,
        keys: g.keys,
        sums: { n: counts[i]! },
        sketch: { name, bin },
      }));
    });
  }
  const measures = options.measures ?? cube.spec.measures;
  const rows: GroupedRow[] = [];
  for (const g of groups) {
    if (!measures.some((m) => (g.sums[m] ?? 0) !== 0)) continue;
    const sums: Record<string, number> = {};
    for (const m of measures) sums[m] = g.sums[m] ?? 0;
    rows.push({ period: g.period, keys: g.keys, sums });
  }
  return rows;
}
