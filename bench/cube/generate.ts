/**
 * Synthetic compacted ledgers for the cube benchmark: rows of one kind over two years, with the
 * dimensions of bench/kpis (20 teams, 400 agents each on one team, 4 priorities, 5 channels,
 * 12 categories, 3 policies, 3 SLA metrics), busier on weekdays and in Warsaw office hours, so
 * keys are nearly unique as in a real ledger. Deterministic (mulberry32).
 */
import {
  BUCKET_MS,
  sketchBin,
  type Contribution,
  type ContributionKind,
} from '../../src/core/aggregate/index.js';

export const START = Date.UTC(2024, 11, 1);
export const DAYS = 730;
export const TEAMS = Array.from({ length: 20 }, (_, i) => `team-${String(i).padStart(2, '0')}`);
export const AGENTS = Array.from({ length: 400 }, (_, i) => `agent-${String(i).padStart(3, '0')}`);
const PRIORITIES = ['low', 'normal', 'normal', 'normal', 'high', 'urgent'];
const CHANNELS = ['email', 'web', 'chat', 'phone', 'api'];
const CATEGORIES = Array.from({ length: 12 }, (_, i) => `cat-${i}`);
const POLICIES = ['urgent-24x7', 'high-office', 'standard-office'];
const METRICS = ['first_response', 'next_response', 'resolution'];

/** mulberry32, shared with the demo's generator. */
import { rng as mulberry32 } from '../../src/demo/random.js';

export { mulberry32 };

interface Draw {
  dims: Record<string, unknown>;
  rand: () => number;
  pick: <T>(xs: readonly T[]) => T;
  lognormal: (median: number) => number;
}

const sla = ({ dims, rand, pick, lognormal }: Draw) => {
  dims.metric = pick(METRICS);
  const achieved = rand() < 0.85 ? 1 : 0;
  return {
    achieved,
    breached: 1 - achieved,
    stopped: 1,
    elapsed_business_ms: lognormal(3 * 3_600_000),
  };
};

const unsupported = () => {
  throw new Error('not generated');
};

/** Each kind's measures (and the dimensions only it has). */
const MEASURES: Record<ContributionKind, (d: Draw) => Record<string, number>> = {
  sla,
  sla_sketch: ({ dims, pick, lognormal }) => {
    dims.metric = pick(METRICS);
    dims.bin = sketchBin(lognormal(3 * 3_600_000));
    return { n: 1 };
  },
  handle_sketch: ({ dims, lognormal }) => {
    dims.bin = sketchBin(lognormal(600_000));
    return { n: 1 };
  },
  fcr: ({ rand }) => {
    const fcr = rand() < 0.7 ? 1 : 0;
    return { solved: 1, fcr, zero_touch: 0, touched: 1, reopened: 0, escalated: 0 };
  },
  volume: ({ rand }) => ({ created: 1, solved: rand() < 0.8 ? 1 : 0, reopens: 0, deleted: 0 }),
  handle_time: ({ lognormal }) => {
    const talk = lognormal(300_000);
    return { contacts: 1, talk_ms: talk, hold_ms: 0, wrap_ms: 60_000, handle_ms: talk + 60_000 };
  },
  escalation: unsupported,
  reassignment: unsupported,
  backlog_flow: unsupported,
};

/** Rows of `kind` (`count` of them), in batches of `batch`. */
export function* ledger(
  kind: ContributionKind,
  count: number,
  seed = 20261203,
  batch = 20_000,
): Generator<Contribution[]> {
  const rand = mulberry32(seed ^ (kind.length * 7919));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const lognormal = (median: number) => {
    const u = Math.max(1e-12, rand());
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
    return Math.round(median * Math.exp(1.3 * z));
  };
  const bucket = () => {
    for (;;) {
      const day = Math.floor(rand() * DAYS);
      const slot = Math.floor(rand() * 96);
      const weekday = (new Date(START + day * 86_400_000).getUTCDay() + 6) % 7 < 5;
      const office = slot >= 28 && slot < 68;
      if (rand() < (weekday ? 1 : 0.3) * (office ? 1 : 0.25))
        return START + (day * 96 + slot) * BUCKET_MS;
    }
  };
  let out: Contribution[] = [];
  for (let i = 0; i < count; i++) {
    const agentIndex = Math.floor(rand() * AGENTS.length);
    const dims: Record<string, unknown> = {
      team: TEAMS[agentIndex % TEAMS.length],
      agent: rand() < 0.05 ? null : AGENTS[agentIndex],
      priority: pick(PRIORITIES),
      channel: pick(CHANNELS),
      category: rand() < 0.1 ? null : pick(CATEGORIES),
      policy: pick(POLICIES),
    };
    const measures = MEASURES[kind]({ dims, rand, pick, lognormal });
    out.push({ kind, bucket: bucket(), dims, measures } as unknown as Contribution);
    if (out.length === batch) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}
