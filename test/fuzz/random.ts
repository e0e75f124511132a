/**
 * The fuzzer's randomness: mulberry32 (src/demo/random.ts), one generator per request derived
 * from the run's seed and the request's index, so any request can be generated again on its own.
 */
import { pick, rng, type Random } from '../../src/demo/random.js';

export { pick, type Random };

/** The PRNG of request `index` in a run with `seed` (a murmur3 finaliser mixes the two). */
export function requestRandom(seed: number, index: number): Random {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return rng(h >>> 0);
}

/** An integer in [lo, hi]. */
export const int = (r: Random, lo: number, hi: number): number =>
  lo + Math.floor(r() * (hi - lo + 1));

export const chance = (r: Random, p: number): boolean => r() < p;

/** Up to `n` distinct items of `list`, in list order. */
export function sample<T>(r: Random, list: readonly T[], n: number): T[] {
  const chosen = new Set<number>();
  const want = Math.min(n, list.length);
  while (chosen.size < want) chosen.add(Math.floor(r() * list.length));
  return [...chosen].sort((a, b) => a - b).map((i) => list[i]!);
}
