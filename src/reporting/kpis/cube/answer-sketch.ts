/**
 * Sketch answers: per period and group, the counts per bin of the day level's series over the
 * runs' days plus the base level's scanned (group, bin, count) triples — summed bin by bin, or
 * read as quantiles straight from the series (quantile.ts).
 */
import type { KindCube } from './kind-cube.js';
import { seriesQuantiles } from './quantile.js';
import type { Scanned } from './scanned.js';
import type { TripleSink } from './scan.js';
import { BLOCK, type ValueSeries } from './series.js';
import { BinList, type SketchBins } from './sketch-bins.js';

/** What one group is made of. */
interface GroupParts {
  label: number;
  combo: number;
  /** The group's value in the day level (single group-by column or none), if used. */
  value: ValueSeries | undefined;
  /** Day ranges `[d0, d1)` taken from the day level, flat. */
  ranges: number[];
  /** The scanned counts, summed per bin, ascending. */
  extra: BinList;
}

/** The day ranges of each period offset taken from the day level. */
function rangesByLabel(s: Scanned): Map<number, number[]> {
  const ranges = new Map<number, number[]>();
  for (const run of s.runs ?? []) {
    const list = ranges.get(run.label) ?? [];
    list.push(run.d0, run.d1);
    ranges.set(run.label, list);
  }
  return ranges;
}

/** Calls `visit` with the parts of every group (the scratch window is left empty). */
function eachGroup(
  cube: KindCube,
  s: Scanned,
  sink: TripleSink,
  visit: (parts: GroupParts) => void,
): void {
  const { groups } = s;
  const scanned = groups.n;
  const { order, starts } = sink.byGroup(scanned);
  const scratch = cube.scratch;
  scratch.cover(cube.binLo, cube.binHi);
  const extra = new BinList();
  const extraOf = (g: number) => {
    extra.n = 0;
    if (g < 0 || g >= scanned) return extra;
    const n = starts[g + 1]! - starts[g]!;
    if (n > 64) {
      for (let i = starts[g]!; i < starts[g + 1]!; i++) {
        scratch.add(sink.bin[order[i]!]!, sink.count[order[i]!]!);
      }
      scratch.drain(extra);
    } else
      for (let i = starts[g]!; i < starts[g + 1]!; i++)
        extra.insert(sink.bin[order[i]!]!, sink.count[order[i]!]!);
    return extra;
  };
  if (s.runs === undefined) {
    for (let g = 0; g < scanned; g++) {
      const label = groups.period[g]!;
      visit({ label, combo: groups.combo[g]!, value: undefined, ranges: [], extra: extraOf(g) });
    }
    return;
  }
  const ranges = rangesByLabel(s);
  const labels = new Set(ranges.keys());
  for (let g = 0; g < scanned; g++) labels.add(groups.period[g]!);
  const dim = cube.sketches[groups.dims[0] ?? cube.dicts.length]!;
  for (const label of labels) {
    const own = ranges.get(label) ?? [];
    for (let v = 0; v < groups.combos; v++) {
      const value = own.length > 0 ? dim.values[v] : undefined;
      visit({ label, combo: v, value, ranges: own, extra: extraOf(groups.find(label, v)) });
    }
  }
}

/** Every bin of a group summed into the scratch window. */
function sumBins(cube: KindCube, parts: GroupParts): void {
  const { value, ranges, extra } = parts;
  for (const series of value?.blocks ?? []) {
    const base = series.block * BLOCK;
    const { key, count } = series;
    for (let k = 0; k < ranges.length; k += 2) {
      const end = series.lowerBound(ranges[k + 1]!);
      for (let i = series.lowerBound(ranges[k]!); i < end; i++) {
        cube.scratch.add(base + (key[i]! & (BLOCK - 1)), count[i]!);
      }
    }
  }
  for (let e = 0; e < extra.n; e++) cube.scratch.add(extra.bins[e]!, extra.counts[e]!);
}

export interface SketchGroup {
  period: number;
  keys: Record<string, string | null>;
  sketch: SketchBins;
}

/** Every group's counts per bin (groups with no non-zero count left out). */
export function sketchGroups(cube: KindCube, s: Scanned, sink: TripleSink): SketchGroup[] {
  const list = new BinList();
  const out: SketchGroup[] = [];
  eachGroup(cube, s, sink, (parts) => {
    sumBins(cube, parts);
    list.n = 0;
    cube.scratch.drain(list);
    if (list.n === 0) return;
    const keys = s.groups.keysOf(s.groups.slot(parts.label, parts.combo));
    out.push({ period: parts.label + s.pMin, keys, sketch: list.toSketch() });
  });
  return out;
}

export interface QuantileGroup {
  period: number;
  keys: Record<string, string | null>;
  /** `sketchQuantile(bins, qs[i])` in ms, per asked quantile (null: no positive count). */
  values: Array<number | null>;
}

/** Every group's quantiles, from the series' block counts where that is exact. */
export function quantileGroups(
  cube: KindCube,
  s: Scanned,
  sink: TripleSink,
  qs: readonly number[],
): QuantileGroup[] {
  const order = qs.map((_, i) => i).sort((a, b) => qs[a]! - qs[b]!);
  const sorted = order.map((i) => qs[i]!);
  const values: Array<number | null> = new Array<number | null>(qs.length).fill(null);
  const dim =
    s.runs === undefined ? undefined : cube.sketches[s.groups.dims[0] ?? cube.dicts.length];
  const out: QuantileGroup[] = [];
  eachGroup(cube, s, sink, (parts) => {
    let found: 'none' | 'done' | 'exact' = 'exact';
    if (parts.value === undefined) {
      found = parts.extra.quantiles(sorted, values) ? 'done' : 'none';
    } else if (dim !== undefined && dim.negatives === 0) {
      found = seriesQuantiles(dim, parts.value, parts.ranges, parts.extra, sorted, values);
    }
    if (found === 'exact') {
      sumBins(cube, parts);
      found = cube.scratch.quantiles(sorted, values) ? 'done' : 'none';
    }
    if (found === 'none') return;
    const asked = new Array<number | null>(qs.length);
    order.forEach((i, j) => (asked[i] = values[j]!));
    const keys = s.groups.keysOf(s.groups.slot(parts.label, parts.combo));
    out.push({ period: parts.label + s.pMin, keys, values: asked });
  });
  return out;
}
