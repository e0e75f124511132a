/**
 * Aggregate contributions: what one derived ticket adds to the stored rollups. Persistence
 * applies `diffContributions(old, new)` for every ticket an ingest touched, so a KPI read never
 * rescans history and a late event withdraws its old contribution at once.
 *
 * - `bucket` is the start of the 15-minute UTC bucket of the attribution instant: every local
 *   day, week and month boundary of every IANA zone (offsets are multiples of 15 minutes,
 *   +05:45 and +12:45 included) falls on one, so periods in any zone are unions of buckets.
 * - `dims` are the ticket's attributes at the attribution instant (metrics.md, "Attribution"):
 *   `team` = group, `agent` = assignee (for handle time: the contact's agent), `policy` = the
 *   ticket's policy id then.
 * - Measures are counts and sums in integer milliseconds (`*_ms`), so sums and differences are
 *   exact whatever order they are added in.
 */
import type { Instant } from '../events.js';
import type { SlaMetric } from '../policy/types.js';

export const BUCKET_MS = 15 * 60 * 1000;

/** Start of the 15-minute UTC bucket containing `at`. */
export function bucketOf(at: Instant): Instant {
  return Math.floor(at / BUCKET_MS) * BUCKET_MS;
}

export type DimValue = string | number | null;

export interface BaseDims {
  team: string | null;
  agent: string | null;
  priority: string | null;
  channel: string | null;
  category: string | null;
  policy: string | null;
}

export interface SlaDims extends BaseDims {
  metric: SlaMetric;
}

/** A quantile sketch row's key: its group, and the bin of the value (core/aggregate/sketch.ts). */
export interface SlaSketchDims extends SlaDims {
  bin: number;
}

export interface HandleSketchDims extends BaseDims {
  bin: number;
}

export interface EscalationDims extends BaseDims {
  from_tier: number | null;
}

export interface SlaMeasures {
  achieved: number;
  breached: number;
  /** Decided clocks that have stopped: the sample `elapsed_business_ms` sums over. */
  stopped: number;
  elapsed_business_ms: number;
}

export interface FcrMeasures {
  /** Cohort size: first solves of customer-created tickets. */
  solved: number;
  fcr: number;
  zero_touch: number;
  /** Touches ≥ 1: the `fcr_rate` denominator. */
  touched: number;
  reopened: number;
  escalated: number;
}

export interface VolumeMeasures {
  created: number;
  solved: number;
  reopens: number;
  deleted: number;
}

export interface HandleTimeMeasures {
  contacts: number;
  talk_ms: number;
  hold_ms: number;
  wrap_ms: number;
  handle_ms: number;
}

export interface BacklogFlowMeasures {
  entered: number;
  left: number;
}

interface Row<K extends string, D, M> {
  kind: K;
  bucket: Instant;
  dims: D;
  measures: M;
}

export type Contribution =
  | Row<'sla', SlaDims, SlaMeasures>
  | Row<'fcr', BaseDims, FcrMeasures>
  | Row<'volume', BaseDims, VolumeMeasures>
  | Row<'handle_time', BaseDims, HandleTimeMeasures>
  | Row<'escalation', EscalationDims, { escalations: number }>
  | Row<'reassignment', BaseDims, { reassignments: number }>
  | Row<'backlog_flow', BaseDims, BacklogFlowMeasures>
  /** Elapsed business time of decided, stopped clocks, as counts per sketch bin. */
  | Row<'sla_sketch', SlaSketchDims, { n: number }>
  /** Handle time of contacts, as counts per sketch bin. */
  | Row<'handle_sketch', HandleSketchDims, { n: number }>;

export type ContributionKind = Contribution['kind'];

const BASE_DIM_NAMES = ['team', 'agent', 'priority', 'channel', 'category', 'policy'] as const;

/** The dimension names of each kind, in key order (for persistence: the cell's key columns). */
export const DIM_NAMES: Readonly<Record<ContributionKind, readonly string[]>> = {
  sla: [...BASE_DIM_NAMES, 'metric'],
  fcr: BASE_DIM_NAMES,
  volume: BASE_DIM_NAMES,
  handle_time: BASE_DIM_NAMES,
  escalation: [...BASE_DIM_NAMES, 'from_tier'],
  reassignment: BASE_DIM_NAMES,
  backlog_flow: BASE_DIM_NAMES,
  sla_sketch: [...BASE_DIM_NAMES, 'metric', 'bin'],
  handle_sketch: [...BASE_DIM_NAMES, 'bin'],
};

/** The measure names of each kind (for persistence: the cell's summed columns). */
export const MEASURE_NAMES: Readonly<Record<ContributionKind, readonly string[]>> = {
  sla: ['achieved', 'breached', 'stopped', 'elapsed_business_ms'],
  fcr: ['solved', 'fcr', 'zero_touch', 'touched', 'reopened', 'escalated'],
  volume: ['created', 'solved', 'reopens', 'deleted'],
  handle_time: ['contacts', 'talk_ms', 'hold_ms', 'wrap_ms', 'handle_ms'],
  escalation: ['escalations'],
  reassignment: ['reassignments'],
  backlog_flow: ['entered', 'left'],
  sla_sketch: ['n'],
  handle_sketch: ['n'],
};
