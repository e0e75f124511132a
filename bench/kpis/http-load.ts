/**
 * One load run: autocannon with `connections` connections against one KPI endpoint, for
 * `seconds` seconds or for exactly `amount` requests, every request with fresh parameters from
 * the source (a new window or instant each time, no `If-None-Match`), each response's latency
 * recorded for exact percentiles.
 *
 * A run by duration drops the requests still in flight when it ends — the slow ones — and a
 * request slower than the run is never seen at all; the timed runs are therefore by `amount`
 * (every request awaited, up to 300 s), sized from the warm-up's rate (run.ts).
 */
import autocannon from 'autocannon';
import { queryString, type ParamSource } from './params.js';

export interface LoadResult {
  requests: number;
  /** Responses other than 200, and connection errors (timeouts included). */
  failures: number;
  timeouts: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** Every 200 response's latency, ms, sorted (to pool several tenants' runs). */
  latencies: number[];
}

/** The q-quantile of sorted values, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

export async function loadRun(options: {
  baseUrl: string;
  apiKey: string;
  endpoint: string;
  params: ParamSource;
  connections: number;
  /** Run for this long, or … */
  seconds?: number;
  /** … make exactly this many requests (a multiple of `connections`). */
  amount?: number;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  const prefix = `/v1/kpis/${options.endpoint}?`;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.baseUrl,
        connections: options.connections,
        ...(options.amount !== undefined
          ? { amount: options.amount }
          : { duration: options.seconds ?? 10 }),
        timeout: 300,
        headers: { authorization: `Bearer ${options.apiKey}` },
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => ({
              ...request,
              path: prefix + queryString(options.params.next()),
            }),
          },
        ],
      },
      (error, result) => (error ? reject(error as Error) : resolve(result)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status === 200) latencies.push(ms);
      else failures++;
    });
    instance.on('reqError', () => failures++);
  });
  latencies.sort((a, b) => a - b);
  const seconds = result.duration;
  return {
    requests: latencies.length,
    failures,
    timeouts: result.timeouts,
    seconds,
    rps: latencies.length / seconds,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    latencies,
  };
}
