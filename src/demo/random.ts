/**
 * Seeded randomness for the generated help desks: a small, fast PRNG and the distributions the
 * generator draws from. Everything here is deterministic for a given seed, so a help desk (the
 * demo's, the KPI benchmark's) is the same every time it is generated.
 */

export type Random = () => number;

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Items with relative weights, e.g. `[['email', 42], ['chat', 17]]`. */
export type Weights<T> = ReadonlyArray<readonly [T, number]>;

/** A draw from `items` in proportion to their weights, one `random()` per draw. */
export function weighted<T>(items: Weights<T>): (random: Random) => T {
  const total = items.reduce((n, [, w]) => n + w, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const [, w] of items) cumulative.push((sum += w / total));
  return (random) => {
    const r = random();
    for (let i = 0; i < cumulative.length; i++) if (r < cumulative[i]!) return items[i]![0];
    return items[items.length - 1]![0];
  };
}

/** Box–Muller: a standard normal from two draws. */
export function normal(random: Random): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export function lognormal(random: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(random));
}

export const pick = <T>(random: Random, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)]!;
