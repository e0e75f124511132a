/**
 * KPI query parameters (api.md, "KPI parameters") from their query-string text to a checked
 * query; every mistake is reported with the parameter's name (`/from`, `/group_by`…).
 *
 * Rollups keep figures in 15-minute UTC buckets (core/aggregate/types.ts), so `from`, `to` and
 * every period boundary must fall on a quarter hour: they do for every period of every current
 * IANA zone, and an instant off the grid is refused rather than silently rounded.
 */
import { BUCKET_MS } from '../../core/aggregate/index.js';
import { isStorableText, STORABLE_MESSAGE } from '../../core/domain.js';
import {
  INTERVALS,
  isKnownZone,
  periodsOf,
  type Interval,
  type Period,
} from '../../core/time/periods.js';
import { parseRfc3339 } from '../../core/time/rfc3339.js';

/** The attributes every KPI groups by; SLA also by `metric`. */
export const BASE_GROUPS = ['team', 'agent', 'priority', 'channel', 'category', 'policy'] as const;
export const GROUP_BY = [...BASE_GROUPS, 'metric'] as const;
export type GroupKey = (typeof GROUP_BY)[number];
export const FILTERS = ['team', 'agent', 'priority', 'channel', 'category'] as const;
export type FilterKey = (typeof FILTERS)[number];
export const COMPARES = ['previous_period', 'previous_year'] as const;
export type Compare = (typeof COMPARES)[number];

/** At most this many hours: `interval=hour` over more than 93 days is refused. */
export const MAX_HOUR_PERIODS = 93 * 24 + 1;
/** At most this many periods of any interval in one answer. */
export const MAX_PERIODS = 10_000;
/** At most this many values in one filter. */
export const MAX_FILTER_VALUES = 1000;

export interface KpiError {
  path: string;
  message: string;
}

/** The raw query string of a KPI request, as the HTTP layer received it. */
export type RawKpiQuery = Partial<Record<string, string>>;

export interface KpiQuery {
  from: number;
  to: number;
  timezone: string;
  interval: Interval;
  periods: Period[];
  groupBy: GroupKey[];
  filters: Partial<Record<FilterKey, string[]>>;
  compare: Compare | undefined;
}

export class KpiParamError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const fail = (name: string, message: string): never => {
  throw new KpiParamError(`/${name}`, message);
};

export function instantOf(raw: RawKpiQuery, name: string): number {
  const text = raw[name];
  if (text === undefined || text === '') return fail(name, `${name} is required`);
  const parsed = parseRfc3339(text);
  return typeof parsed === 'string' ? fail(name, `${name} ${parsed}`) : parsed;
}

function onGrid(name: string, at: number): void {
  if (at % BUCKET_MS !== 0) {
    fail(name, `${name} must fall on a quarter hour (figures are kept in 15-minute buckets)`);
  }
}

export function timezoneOf(raw: RawKpiQuery, tenantZone: string): string {
  const zone = raw.timezone ?? tenantZone;
  if (!isKnownZone(zone)) fail('timezone', `unknown IANA time zone "${zone}"`);
  return zone;
}

function listOf(raw: RawKpiQuery, name: string): string[] {
  const text = raw[name];
  if (text === undefined) return [];
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) fail(name, `${name} is a comma list without empty items`);
  // A NUL would reach PostgreSQL (filters are compared with stored text) and fail there.
  if (!isStorableText(text)) fail(name, `${name} ${STORABLE_MESSAGE}`);
  if (items.length > MAX_FILTER_VALUES)
    fail(name, `${name} takes at most ${MAX_FILTER_VALUES} values`);
  return items;
}

export function groupByOf(raw: RawKpiQuery, allowed: readonly GroupKey[]): GroupKey[] {
  const keys = listOf(raw, 'group_by');
  for (const key of keys) {
    if (!(allowed as readonly string[]).includes(key)) {
      fail('group_by', `unknown group_by "${key}": use ${allowed.join(', ')}`);
    }
  }
  if (new Set(keys).size !== keys.length) fail('group_by', 'group_by names a key twice');
  return keys as GroupKey[];
}

export function filtersOf(raw: RawKpiQuery): Partial<Record<FilterKey, string[]>> {
  const filters: Partial<Record<FilterKey, string[]>> = {};
  for (const name of FILTERS) {
    const values = listOf(raw, name);
    if (values.length > 0) filters[name] = values;
  }
  return filters;
}

function enumOf<T extends string>(
  raw: RawKpiQuery,
  name: string,
  values: readonly T[],
): T | undefined {
  const text = raw[name];
  if (text === undefined) return undefined;
  if (!(values as readonly string[]).includes(text))
    fail(name, `${name} must be one of ${values.join(', ')}`);
  return text as T;
}

/** The periods of `[from, to)`, within the limits, every boundary on the bucket grid. */
export function periodsFor(from: number, to: number, interval: Interval, zone: string): Period[] {
  const limit = interval === 'hour' ? MAX_HOUR_PERIODS : MAX_PERIODS;
  if (interval === 'hour' && to - from > 93 * 86_400_000) {
    fail(
      'interval',
      'interval=hour covers at most 93 days: ask for a shorter range or interval=day',
    );
  }
  const periods = periodsOf(from, to, interval, zone, limit);
  if (periods === undefined)
    fail('interval', `at most ${limit} periods per answer: use a longer interval`);
  for (const p of periods!) {
    if (p.start % BUCKET_MS !== 0) {
      fail(
        'timezone',
        `${zone} has a period boundary off the quarter hour at ${new Date(p.start).toISOString()}`,
      );
    }
  }
  return periods!;
}

/** A range query (`sla`, `fcr`, `handle-time`, `volume`). */
export function parseKpiQuery(
  raw: RawKpiQuery,
  tenantZone: string,
  groupKeys: readonly GroupKey[],
): KpiQuery {
  const from = instantOf(raw, 'from');
  const to = instantOf(raw, 'to');
  onGrid('from', from);
  onGrid('to', to);
  if (to <= from) fail('to', 'to must be after from (the range is [from, to))');
  const timezone = timezoneOf(raw, tenantZone);
  const interval = enumOf(raw, 'interval', INTERVALS) ?? 'none';
  const groupBy = groupByOf(raw, groupKeys);
  const filters = filtersOf(raw);
  const compare = enumOf(raw, 'compare', COMPARES);
  return {
    from,
    to,
    timezone,
    interval,
    periods: periodsFor(from, to, interval, timezone),
    groupBy,
    filters,
    compare,
  };
}
