/**
 * `GET /v1/kpis/backlog` (the backlog as of one instant) and `GET /v1/kpis/backlog-trend` (the
 * backlog at the end of each interval of `[from, to)`).
 */
import { comparisonShift } from '../../core/time/periods.js';
import type { TenantCube } from './cube/index.js';
import type { ColumnFilter } from '../../storage/kpi.repository.js';
import {
  AGE_KINDS,
  emptyBuckets,
  BACKLOG_GROUPS,
  backlogGroups,
  bucketsOf,
  type AgeKind,
  type BacklogDeps,
  type BacklogGroup,
} from './backlog.js';
import {
  COMPARES,
  filtersOf,
  groupByOf,
  instantOf,
  KpiParamError,
  parseKpiQuery,
  timezoneOf,
  type RawKpiQuery,
} from './query.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** What a backlog answer reads from: the tenant's cube, when there is one, or SQL. */
export interface BacklogSource {
  cube?: TenantCube | undefined;
  /** Told when the cube was not asked: an instant before its horizon (tenant-cube.ts). */
  onSql?: () => void;
}

/** The cube when it holds every one of `instants` (none before its horizon), else undefined. */
function cubeFor(source: BacklogSource, instants: readonly number[]): TenantCube | undefined {
  const { cube } = source;
  if (cube === undefined) return undefined;
  const earliest = instants.reduce((a, b) => Math.min(a, b), Infinity);
  if (cube.holds(earliest)) return cube;
  source.onSql?.();
  return undefined;
}

const DEFINITION = {
  name: 'backlog_stock',
  in_backlog: 'created at or before T, not deleted, status new, open, pending or on_hold at T',
  actionable: 'status new or open at T',
  attribution: "the ticket's attributes at T",
};

function ageOf(raw: RawKpiQuery): AgeKind {
  const age = raw.age ?? 'calendar';
  if (!(AGE_KINDS as readonly string[]).includes(age)) {
    throw new KpiParamError('/age', `age must be one of ${AGE_KINDS.join(', ')}`);
  }
  return age as AgeKind;
}

function columnFilters(raw: RawKpiQuery): ColumnFilter[] {
  return Object.entries(filtersOf(raw)).map(([column, values]) => ({ column, values: values }));
}

function groupRow(g: BacklogGroup, groupBy: readonly string[], withBuckets: boolean) {
  const row: Record<string, unknown> = {};
  for (const k of groupBy) row[k] = g.keys[k] ?? null;
  row.total = g.total;
  row.actionable = g.actionable;
  if (!withBuckets) return row;
  row.age_seconds_avg = g.total > 0 ? Math.round((g.ageSum / g.total) * 1000) / 1000 : null;
  row.buckets = g.buckets;
  return row;
}

const groupKey = (g: BacklogGroup, groupBy: readonly string[]) =>
  JSON.stringify(groupBy.map((k) => g.keys[k] ?? null));

/**
 * The groups of two instants side by side: every group found at either, an empty one standing in
 * where a group had no backlog (a team with a backlog only a year ago is still a row).
 */
export function paired(
  current: readonly BacklogGroup[],
  previous: readonly BacklogGroup[],
  groupBy: readonly string[],
  bounds: readonly number[],
): Array<readonly [BacklogGroup, BacklogGroup]> {
  const empty = (keys: Record<string, string | null>): BacklogGroup => ({
    keys,
    total: 0,
    actionable: 0,
    ageSum: 0,
    buckets: emptyBuckets(bounds),
  });
  const before = new Map(previous.map((g) => [groupKey(g, groupBy), g]));
  const pairs = current.map((g) => {
    const key = groupKey(g, groupBy);
    const p = before.get(key) ?? empty(g.keys);
    before.delete(key);
    return [g, p] as const;
  });
  for (const p of before.values()) pairs.push([empty(p.keys), p] as const);
  const text = (v: string | null) => (v === null ? '\uffff' : v);
  return pairs.sort(([a], [b]) => {
    for (const k of groupBy) {
      const x = text(a.keys[k] ?? null);
      const y = text(b.keys[k] ?? null);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}

/** The backlog as of `as_of` (default now), grouped, with age buckets. */
export async function backlogKpi(
  deps: BacklogDeps,
  tenantId: string,
  raw: RawKpiQuery,
  context: { now: number; tenantZone: string } & BacklogSource,
) {
  const asOf = raw.as_of === undefined ? context.now : instantOf(raw, 'as_of');
  const timezone = timezoneOf(raw, context.tenantZone);
  const groupBy = groupByOf(raw, BACKLOG_GROUPS);
  const age = ageOf(raw);
  const bounds = bucketsOf(raw);
  const compare = raw.compare;
  if (compare !== undefined && compare !== 'previous_year') {
    throw new KpiParamError(
      '/compare',
      'the backlog at one instant compares with previous_year only',
    );
  }
  const instants = [asOf];
  if (compare !== undefined)
    instants.push(comparisonShift(asOf, asOf, 'previous_year', timezone)(asOf));
  const options = { groupBy, filters: columnFilters(raw), age, bounds };
  const [now, before] = await backlogGroups(
    deps,
    tenantId,
    instants,
    options,
    cubeFor(context, instants),
  );
  const pairs =
    before === undefined ? now!.map((g) => [g] as const) : paired(now!, before, groupBy, bounds);
  const rows = pairs.map(([g, p]) => {
    const row: Record<string, unknown> = { as_of: iso(asOf), ...groupRow(g, groupBy, true) };
    if (p !== undefined) row.previous = { as_of: iso(instants[1]!), ...groupRow(p, [], true) };
    return row;
  });
  return {
    definition: { ...DEFINITION, age, buckets_seconds: bounds },
    as_of: iso(asOf),
    timezone,
    group_by: groupBy,
    ...(compare !== undefined ? { compare: { kind: compare, as_of: iso(instants[1]!) } } : {}),
    rows,
  };
}

/** The backlog at the end of each period of `[from, to)` (the last one ends at `to`). */
export async function backlogTrendKpi(
  deps: BacklogDeps,
  tenantId: string,
  raw: RawKpiQuery,
  context: { tenantZone: string } & BacklogSource,
) {
  const q = parseKpiQuery({ interval: 'day', ...raw }, context.tenantZone, BACKLOG_GROUPS);
  if (q.compare !== undefined && !(COMPARES as readonly string[]).includes(q.compare)) {
    throw new KpiParamError('/compare', 'unknown compare');
  }
  const ends = q.periods.map((p) => Math.min(p.end, q.to));
  const shift = q.compare ? comparisonShift(q.from, q.to, q.compare, q.timezone) : undefined;
  const instants = shift ? [...ends, ...ends.map(shift)] : ends;
  const options = {
    groupBy: q.groupBy,
    filters: columnFilters(raw),
    age: 'calendar' as const,
    bounds: [],
  };
  const groups = await backlogGroups(deps, tenantId, instants, options, cubeFor(context, instants));
  const rows = ends.flatMap((end, i) => {
    const current = groups[i]!;
    const pairs = shift
      ? paired(current, groups[ends.length + i]!, q.groupBy, [])
      : current.map((g) => [g] as const);
    return pairs.map(([g, p]) => {
      const row: Record<string, unknown> = {
        period_start: iso(q.periods[i]!.start),
        period_end: iso(end),
        ...groupRow(g, q.groupBy, false),
      };
      if (p !== undefined) {
        row.previous = { period_end: iso(shift!(end)), total: p.total, actionable: p.actionable };
      }
      return row;
    });
  });
  return {
    definition: {
      ...DEFINITION,
      period_end: 'the backlog at the end of each interval (at `to` for the last)',
    },
    from: iso(q.from),
    to: iso(q.to),
    timezone: q.timezone,
    interval: q.interval,
    group_by: q.groupBy,
    rows,
  };
}
