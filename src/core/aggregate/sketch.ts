/**
 * A mergeable quantile sketch with a fixed log-linear bin layout (the DDSketch mapping): a
 * duration of `x` ms > 0 falls in bin `1 + ⌈log_γ x⌉` with `γ = (1 + α) / (1 − α)`, and is
 * read back as the bin's midpoint `2γ^k / (γ + 1)`, which is within `α` of every value in the
 * bin. Zero has its own bin. Because the layout is fixed, sketches are plain counts per bin: a
 * rollup keeps them as rows keyed by bin, and merging, withdrawing (a late event takes a
 * ticket's old value out) and summing over any range and grouping are additions — exact,
 * whatever order they run in. Only the value read back is approximate, by at most `α`.
 */

/** The relative accuracy of every quantile read from a sketch: 1 %. */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

const GAMMA = (1 + SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);

/** The bin of a duration in milliseconds (negative durations are clamped to zero). */
export function sketchBin(ms: number): number {
  if (!(ms > 0)) return 0;
  return 1 + Math.ceil(Math.log(ms) / LOG_GAMMA - 1e-12);
}

/** The value a bin stands for, in milliseconds: within 1 % of every value that falls in it. */
export function binValue(bin: number): number {
  if (bin <= 0) return 0;
  return (2 * Math.pow(GAMMA, bin - 1)) / (GAMMA + 1);
}

/**
 * The `q`-quantile (0 ≤ q ≤ 1) of a sketch given as counts per bin, in milliseconds; `null`
 * for an empty sketch. Nearest rank, as SQL's `percentile_disc`: the smallest value with at
 * least `q × n` values at or below it (the lower middle value for an even-sized median), read
 * as the value its bin stands for.
 */
export function sketchQuantile(counts: ReadonlyMap<number, number>, q: number): number | null {
  let total = 0;
  for (const n of counts.values()) if (n > 0) total += n;
  if (total === 0) return null;
  const rank = Math.max(0, Math.ceil(q * total) - 1);
  const bins = [...counts.keys()].sort((a, b) => a - b);
  let seen = 0;
  for (const bin of bins) {
    const n = counts.get(bin)!;
    if (n <= 0) continue;
    seen += n;
    if (seen > rank) return binValue(bin);
  }
  return binValue(bins[bins.length - 1]!);
}
