/**
 * The requests' parameters: random 90-day windows starting on a random quarter hour of the two
 * generated years (every KPI range must fall on the 15-minute grid), and for the backlog a
 * random past instant to the millisecond, never the same one twice in a run.
 */
import { DATA_FROM, DATA_TO, rng } from './generate.js';

const DAY = 86_400_000;
const QUARTER = 15 * 60_000;
export const WINDOW_DAYS = 90;
export const ZONE = 'Europe/Warsaw';
/** The spec's default age buckets, in seconds: <1d, 1–3d, 3–7d, 7–14d, 14–30d, 30–90d, ≥90d. */
export const DEFAULT_AGE_BOUNDS = [1, 3, 7, 14, 30, 90].map((d) => d * 86_400);

export type Params = Record<string, string>;
const iso = (ms: number) => new Date(ms).toISOString();

/** A source of parameters: `next()` gives the next request's query string values. */
export interface ParamSource {
  next: () => Params;
}

export function windows(seed: number, extra: Params): ParamSource {
  const random = rng(seed);
  const quarters = Math.floor((DATA_TO - WINDOW_DAYS * DAY - DATA_FROM) / QUARTER);
  return {
    next: () => {
      const from = DATA_FROM + Math.floor(random() * quarters) * QUARTER;
      return { from: iso(from), to: iso(from + WINDOW_DAYS * DAY), ...extra };
    },
  };
}

/** Distinct instants to the millisecond, from 30 days after the first ticket to the last event. */
export function instants(seed: number, extra: Params): ParamSource {
  const random = rng(seed);
  const start = DATA_FROM + 30 * DAY;
  const used = new Set<number>();
  return {
    next: () => {
      let at: number;
      do at = start + Math.floor(random() * (DATA_TO - start));
      while (used.has(at));
      used.add(at);
      return { as_of: iso(at), ...extra };
    },
  };
}

export function queryString(params: Params): string {
  return new URLSearchParams(params).toString();
}
