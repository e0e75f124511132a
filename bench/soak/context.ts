/** What the calibration and the soak share: the service, the options, the failures seen. */
import type { Service } from '../exports/service.js';
import type { Target } from './client.js';
import type { Options } from './options.js';

export interface Context {
  options: Options;
  service: Service;
  target: Target;
  /** The soak database's URL (for its size). */
  databaseUrl: string;
  /** `occurred_at` of the latest event sent (ms): the help desk's "now" for the reads. */
  deskNow: number;
  /** Failed requests: a count and the first few accounts of each kind. */
  failures: Map<string, { count: number; example: string }>;
  /** Set by Ctrl-C or the service's exit: stop sending. */
  stopped: string | null;
  log: (line: string) => void;
}

/** Counts a failed request under `kind` (e.g. `ingest HTTP 500`), keeping its first account. */
export function recordFailure(ctx: Context, kind: string, example: string): void {
  const seen = ctx.failures.get(kind);
  if (seen === undefined) ctx.failures.set(kind, { count: 1, example });
  else seen.count++;
}

export const now = () => performance.now();
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
