/**
 * Deterministic ticket histories for the KPI benchmark: `tickets` tickets created over two years
 * (2024-12-01 – 2026-12-01, growing 35 % over the span, busier on weekdays and in office hours),
 * about 7 events each, yielded in global `occurred_at` order as a live help desk sends them.
 * src/demo's generator draws them from BENCH_PROFILE (config.ts): 20 teams, 400 agents, Warsaw
 * office hours; events after 2026-12-01 are not sent, so tickets still open then are the current
 * backlog.
 *
 * Change GENERATOR_VERSION whenever the output changes (here, in config.ts or in src/demo's
 * generator): the loaded database is cached by it. test/unit/demo/bench-profile.test.ts holds the
 * output's hash.
 */
import { generateEvents as generate } from '../../src/demo/generator.js';
import type { GeneratedEvent } from '../../src/demo/profile.js';
import { BENCH_PROFILE, DATA_FROM, DATA_TO } from './config.js';

export { rng } from '../../src/demo/random.js';
export type { GeneratedEvent };
export { DATA_FROM, DATA_TO };

export const GENERATOR_VERSION = 1;

/** The events of `tickets` tickets, in `occurred_at` order (see the module doc). */
export function generateEvents(options: {
  tickets: number;
  seed: number;
}): Generator<GeneratedEvent> {
  return generate(BENCH_PROFILE, options);
}
