/**
 * Deterministic benchmark inputs: a small seeded PRNG (mulberry32) so every run, on every
 * machine, measures the same `(start, end)` pairs. Instants are whole minutes because
 * dayjs-business-time only counts whole minutes: sub-minute noise would make every one of its
 * results "differ" and hide the differences that matter.
 */
const MINUTE = 60_000;
const DAY = 86_400_000;

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Pairs {
  starts: Float64Array;
  ends: Float64Array;
}

/** Starts uniform over `[from, to)`, ends `start + [minSpan, maxSpan]`, all on whole minutes. */
export function randomPairs(
  count: number,
  seed: number,
  options: { from: number; to: number; minSpan: number; maxSpan: number },
): Pairs {
  const random = mulberry32(seed);
  const starts = new Float64Array(count);
  const ends = new Float64Array(count);
  const startMinutes = (options.to - options.from) / MINUTE;
  const spanMinutes = (options.maxSpan - options.minSpan) / MINUTE;
  for (let i = 0; i < count; i++) {
    const start = options.from + Math.floor(random() * startMinutes) * MINUTE;
    starts[i] = start;
    ends[i] = start + options.minSpan + Math.floor(random() * (spanMinutes + 1)) * MINUTE;
  }
  return { starts, ends };
}

export const SPANS = { DAY, MINUTE };
