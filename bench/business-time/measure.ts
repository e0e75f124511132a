/**
 * Timing helpers: a run is one pass over all pairs; a measurement is the median of several runs
 * after a warm-up pass, because single runs on a shared machine jitter by tens of percent.
 */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Measurement {
  /** Median nanoseconds per operation. */
  nsPerOp: number;
  opsPerSecond: number;
  /** Every run's ns/op, for the curious. */
  runs: number[];
}

/**
 * Runs `warmUp` (by default one full `pass`), then `pass` (which performs `ops` operations)
 * `repeats` times.
 */
export function measure(
  ops: number,
  repeats: number,
  pass: () => void,
  warmUp: () => void = pass,
): Measurement {
  warmUp();
  const runs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const started = process.hrtime.bigint();
    pass();
    runs.push(Number(process.hrtime.bigint() - started) / ops);
  }
  const nsPerOp = median(runs);
  return { nsPerOp, opsPerSecond: 1e9 / nsPerOp, runs };
}
