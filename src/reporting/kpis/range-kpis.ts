/**
 * The range KPI endpoints (api.md "KPI response"; metrics.md): what each reads and how its sums
 * become measures. Durations are summed in integer milliseconds and served in seconds.
 */
import type { Kysely } from 'kysely';
import { SKETCH_RELATIVE_ACCURACY, sketchQuantile } from '../../core/aggregate/sketch.js';
import {
  countOverdueClocks,
  listPendingFcr,
  sumRollup,
  sumSketch,
  type GroupedQuery,
  type GroupedRow,
} from '../../storage/kpi.repository.js';
import { FCR_WINDOW_DAYS } from '../../tenant-config/fold-context.js';
import type { DB } from '../../storage/schema.js';
import type { ContributionKind } from '../../core/aggregate/index.js';
import type { CubeRegistry, TenantCube } from './cube/index.js';
import { rate, type MergedRow, type RangeKpi, type SourceRow } from './grouped.js';
import { BASE_GROUPS, type GroupKey } from './query.js';

export interface KpiDeps {
  db: Kysely<DB>;
  /** The tenants' KPI cubes; without them every answer comes from SQL. */
  cubes?: CubeRegistry | undefined;
}

/** The quantiles every percentile measure is read at. */
const QUANTILES = [0.5, 0.9] as const;

type RangeKind = 'sla' | 'fcr' | 'volume' | 'handle_time';

/** The sums of `measures` of a rollup ledger per period and group: from the cube or SQL. */
function sums(
  db: Kysely<DB>,
  tenantId: string,
  kind: RangeKind & ContributionKind,
  measures: readonly string[],
  q: GroupedQuery,
  cube: TenantCube | undefined,
): Promise<SourceRow[]> | SourceRow[] {
  if (cube !== undefined) return cube.rows(kind, q, { measures });
  return sumRollup(db, tenantId, kind, measures, q);
}

/** A sketch's quantiles per period and group (the cube), or its bins (SQL), named `name`. */
function percentiles(
  db: Kysely<DB>,
  tenantId: string,
  kind: 'sla_sketch' | 'handle_sketch',
  name: string,
  q: GroupedQuery,
  cube: TenantCube | undefined,
): Promise<SourceRow[]> | SourceRow[] {
  if (cube === undefined) return sumSketch(db, tenantId, kind, name, q);
  return cube.quantiles(kind, q, QUANTILES).map((g) => ({
    period: g.period,
    keys: g.keys,
    quantiles: { name, values: g.values },
  }));
}

export const SLA_GROUPS: readonly GroupKey[] = [...BASE_GROUPS, 'metric'];
export const RANGE_GROUPS: readonly GroupKey[] = BASE_GROUPS;

const seconds = (ms: number | undefined) => (ms ?? 0) / 1000;
const avgSeconds = (ms: number | undefined, n: number | undefined) =>
  n !== undefined && n > 0 ? Math.round(ms ?? 0) / n / 1000 : null;
const round3 = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

function quantileSeconds(row: MergedRow, sketch: string, q: (typeof QUANTILES)[number]) {
  const computed = row.quantiles?.get(sketch);
  const ms =
    computed !== undefined
      ? (computed[QUANTILES.indexOf(q)] ?? null)
      : sketchQuantile(row.sketches.get(sketch) ?? new Map(), q);
  return ms === null ? null : round3(ms / 1000);
}

/** Index of the last of `starts` at or before `at` (SQL's `width_bucket` − 1). */
function startIndex(starts: readonly number[] | null, at: number): number {
  if (starts === null) return 0;
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** `pending_confirmation` per period and group: FCR tickets whose window is still open now. */
async function pendingConfirmation(
  db: Kysely<DB>,
  tenantId: string,
  q: GroupedQuery,
  now: number,
): Promise<GroupedRow[]> {
  const pending = await listPendingFcr(
    db,
    tenantId,
    q.from,
    q.to,
    now,
    FCR_WINDOW_DAYS * 86_400_000,
  );
  const rows: GroupedRow[] = [];
  for (const p of pending) {
    if (!q.filters.every((f) => f.values.includes(p.dims[f.column] ?? ''))) continue;
    const keys: Record<string, string | null> = {};
    for (const g of q.groupBy) keys[g] = p.dims[g] ?? null;
    rows.push({
      period: startIndex(q.periodStarts, p.bucket),
      keys,
      sums: { pending_confirmation: 1 },
    });
  }
  return rows;
}

const PERCENTILES = {
  method: 'log-linear quantile sketch (DDSketch mapping), merged across buckets and groups',
  relative_accuracy: SKETCH_RELATIVE_ACCURACY,
};

export const slaKpi: RangeKpi<KpiDeps> = {
  definition: {
    name: 'sla_compliance',
    decided_at: 'achieved→stopped_at, breached→breached_at',
    compliance: 'achieved / (achieved + breached)',
    running_past_due: 'breached at due_at once the query time passes it',
    elapsed_business_seconds: 'over decided instances that have stopped',
    attribution: "the ticket's attributes at the decision instant",
    percentiles: PERCENTILES,
  },
  async read({ db }, tenantId, q, now, cube) {
    const measures = ['achieved', 'breached', 'stopped', 'elapsed_business_ms'];
    const summed = sums(db, tenantId, 'sla', measures, q, cube);
    const overdue = cube ? cube.overdueRows(now, q) : countOverdueClocks(db, tenantId, now, q);
    const sketch = percentiles(db, tenantId, 'sla_sketch', 'elapsed_business', q, cube);
    return (await Promise.all([summed, overdue, sketch])).flat();
  },
  measures(s, row) {
    const achieved = s.achieved ?? 0;
    const breached = s.breached ?? 0;
    return {
      achieved,
      breached,
      compliance: rate(achieved, achieved + breached),
      elapsed_business_seconds_avg: round3(avgSeconds(s.elapsed_business_ms, s.stopped)),
      elapsed_business_seconds_p50: quantileSeconds(row, 'elapsed_business', 0.5),
      elapsed_business_seconds_p90: quantileSeconds(row, 'elapsed_business', 0.9),
    };
  },
};

export const fcrKpi: RangeKpi<KpiDeps> = {
  definition: {
    name: 'one_touch',
    window_days: 7,
    cohort: 'customer-created tickets first solved in the period, attributed at the first solve',
    fcr: 'touches = 1, not escalated before the first solve, not reopened within window_days',
    fcr_rate: 'fcr / cohort tickets with touches >= 1',
    reopen_rate: 'reopened / cohort',
    pending_confirmation: 'fcr tickets whose window has not passed at the query time',
  },
  async read({ db }, tenantId, q, now, cube) {
    const measures = ['solved', 'fcr', 'zero_touch', 'touched', 'reopened', 'escalated'];
    const summed = sums(db, tenantId, 'fcr', measures, q, cube);
    const pending = pendingConfirmation(db, tenantId, q, now);
    return (await Promise.all([summed, pending])).flat();
  },
  measures(s) {
    const solved = s.solved ?? 0;
    return {
      solved,
      fcr: s.fcr ?? 0,
      zero_touch: s.zero_touch ?? 0,
      fcr_rate: rate(s.fcr ?? 0, s.touched ?? 0),
      pending_confirmation: s.pending_confirmation ?? 0,
      reopened: s.reopened ?? 0,
      reopen_rate: rate(s.reopened ?? 0, solved),
      escalated: s.escalated ?? 0,
    };
  },
};

export const handleTimeKpi: RangeKpi<KpiDeps> = {
  definition: {
    name: 'average_handle_time',
    handle: 'talk + hold + wrap seconds per contact.completed',
    attributed_at: "the contact's end; agent = the contact's agent, team = the ticket's group then",
    aht: 'handle_seconds / contacts',
    percentiles: PERCENTILES,
  },
  async read({ db }, tenantId, q, _now, cube) {
    const measures = ['contacts', 'talk_ms', 'hold_ms', 'wrap_ms', 'handle_ms'];
    const summed = sums(db, tenantId, 'handle_time', measures, q, cube);
    const sketch = percentiles(db, tenantId, 'handle_sketch', 'handle', q, cube);
    return (await Promise.all([summed, sketch])).flat();
  },
  measures(s, row) {
    return {
      contacts: s.contacts ?? 0,
      talk_seconds: seconds(s.talk_ms),
      hold_seconds: seconds(s.hold_ms),
      wrap_seconds: seconds(s.wrap_ms),
      handle_seconds: seconds(s.handle_ms),
      aht_seconds: round3(avgSeconds(s.handle_ms, s.contacts)),
      handle_seconds_p50: quantileSeconds(row, 'handle', 0.5),
      handle_seconds_p90: quantileSeconds(row, 'handle', 0.9),
    };
  },
};

export const volumeKpi: RangeKpi<KpiDeps> = {
  definition: {
    name: 'volume',
    created: 'tickets created, at creation',
    solved: 'first solves',
    reopens: 'every reopen event',
    deleted: 'tickets deleted, at deletion',
  },
  async read({ db }, tenantId, q, _now, cube) {
    return sums(db, tenantId, 'volume', ['created', 'solved', 'reopens', 'deleted'], q, cube);
  },
  measures(s) {
    return {
      created: s.created ?? 0,
      solved: s.solved ?? 0,
      reopens: s.reopens ?? 0,
      deleted: s.deleted ?? 0,
    };
  },
};
