/**
 * A group's quantiles straight from the series (series.ts): the counts of its blocks over its
 * days (two lookups each), plus the partial days' scanned counts (`extra`), walked in block
 * order to the block holding each rank — whose bins alone are then read. The result is
 * `sketchQuantile` of the group's summed bins whenever no summed bin is negative, which holds
 * for every ledger ingest writes (each is a count of clocks); anything that shows otherwise
 * (a negative block or bin met on the way) answers 'exact', for the caller to sum every bin.
 */
import { BLOCK, BLOCK_SHIFT, type DimSeries, type ValueSeries } from './series.js';
import { valueOfBin, type BinList } from './sketch-bins.js';

const rankOf = (q: number, total: number) => Math.max(0, Math.ceil(q * total) - 1);

let counts = new Float64Array(64);
const fine = new Float64Array(BLOCK);

/** Each block's count over the day ranges (two rows of the value's matrix per range). */
function blockCounts(dim: DimSeries, value: ValueSeries, ranges: readonly number[]) {
  const { cum, width } = value;
  if (counts.length < width) counts = new Float64Array(width * 2);
  counts.fill(0, 0, width);
  for (let k = 0; k < ranges.length; k += 2) {
    const r0 = dim.at(ranges[k]!) * width;
    const r1 = dim.at(ranges[k + 1]!) * width;
    for (let b = 0; b < width; b++) counts[b]! += cum[r1 + b]! - cum[r0 + b]!;
  }
  let total = 0;
  for (let b = 0; b < width; b++) {
    if (counts[b]! < 0) return undefined;
    total += counts[b]!;
  }
  return total;
}

/** The bins of `block` over the day ranges plus `extra[e0, e1)`, into `fine`. */
function fillFine(
  series: ValueSeries['blocks'][number] | undefined,
  ranges: readonly number[],
  extra: BinList,
  e0: number,
  e1: number,
): void {
  fine.fill(0);
  if (series !== undefined) {
    for (let k = 0; k < ranges.length; k += 2) {
      const end = series.lowerBound(ranges[k + 1]!);
      const { key, count } = series;
      for (let i = series.lowerBound(ranges[k]!); i < end; i++)
        fine[key[i]! & (BLOCK - 1)]! += count[i]!;
    }
  }
  for (let e = e0; e < e1; e++) fine[extra.bins[e]! & (BLOCK - 1)]! += extra.counts[e]!;
}

/**
 * The quantiles `qs` (ascending) of one group into `out`: 'none' when it has no count, 'exact'
 * when the shortcut cannot be trusted (see above).
 */
export function seriesQuantiles(
  dim: DimSeries,
  value: ValueSeries | undefined,
  ranges: readonly number[],
  extra: BinList,
  qs: readonly number[],
  out: Array<number | null>,
): 'none' | 'done' | 'exact' {
  const blocks = value?.blocks ?? [];
  let total = value === undefined ? 0 : blockCounts(dim, value, ranges);
  if (total === undefined) return 'exact';
  for (let e = 0; e < extra.n; e++) total += extra.counts[e]!;
  if (total <= 0) return total === 0 && extra.n === 0 ? 'none' : 'exact';
  let j = 0;
  let rank = rankOf(qs[0]!, total);
  let before = 0;
  let bi = 0;
  let ei = 0;
  while (j < qs.length && (bi < blocks.length || ei < extra.n)) {
    const own = bi < blocks.length ? blocks[bi]!.block : Infinity;
    const block = Math.min(own, ei < extra.n ? extra.bins[ei]! >> BLOCK_SHIFT : Infinity);
    let c = own === block ? counts[bi]! : 0;
    let e1 = ei;
    while (e1 < extra.n && extra.bins[e1]! >> BLOCK_SHIFT === block) c += extra.counts[e1++]!;
    if (c < 0) return 'exact';
    if (before + c > rank) {
      fillFine(own === block ? blocks[bi] : undefined, ranges, extra, ei, e1);
      let seen = before;
      for (let off = 0; off < BLOCK && j < qs.length; off++) {
        if (fine[off]! < 0) return 'exact';
        seen += fine[off]!;
        while (j < qs.length && seen > rank) {
          out[j++] = valueOfBin(block * BLOCK + off);
          if (j < qs.length) rank = rankOf(qs[j]!, total);
        }
      }
    }
    before += c;
    if (own === block) bi++;
    ei = e1;
  }
  return j < qs.length ? 'exact' : 'done';
}
