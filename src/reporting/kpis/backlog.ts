/**
 * The backlog as a stock (metrics.md, "Backlog"): the tickets in a backlog status at an instant,
 * from the backlog segments (status intervals with the attribution in force), never created
 * minus solved. Age is `T − created_at`, or with `age=business` the business time between them
 * on the ticket's policy calendar (the tenant default when no policy applies); each ticket falls
 * in the first bucket `[min, max)` holding its age.
 */
import type { Kysely } from 'kysely';
import { backlogAt, type BacklogTicket, type ColumnFilter } from '../../storage/kpi.repository.js';
import type { DB } from '../../storage/schema.js';
import type { CalendarRegistry } from '../../tenant-config/calendar-registry.js';
import { prepareCalendar } from '../../tenant-config/prepare-calendars.js';
import type { TenantCube } from './cube/index.js';
import { BASE_GROUPS, KpiParamError, type GroupKey, type RawKpiQuery } from './query.js';

export interface BacklogDeps {
  db: Kysely<DB>;
  calendars: CalendarRegistry;
}

export const BACKLOG_GROUPS: readonly GroupKey[] = BASE_GROUPS;
export const AGE_KINDS = ['calendar', 'business'] as const;
export type AgeKind = (typeof AGE_KINDS)[number];

const DAY = 86_400;
/** The spec's default bucket boundaries, in seconds: <1d, 1–3d, 3–7d, 7–14d, 14–30d, 30–90d, ≥90d. */
export const DEFAULT_BUCKETS = [1, 3, 7, 14, 30, 90].map((d) => d * DAY);
export const MAX_BUCKETS = 100;
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: DAY, w: 7 * DAY };

export interface AgeBucket {
  label: string;
  min_seconds: number;
  max_seconds: number | null;
  count: number;
}

/** A boundary in seconds: `3600`, `90m`, `4h`, `3d`, `2w`. */
function boundaryOf(text: string): number | undefined {
  const match = /^(\d{1,12})([smhdw]?)$/.exec(text.trim());
  if (match === null) return undefined;
  return Number(match[1]) * UNITS[match[2] || 's']!;
}

/** `buckets=1d,3d,7d`: ascending positive boundaries; each bucket runs up to the next one. */
export function bucketsOf(raw: RawKpiQuery): number[] {
  const text = raw.buckets;
  if (text === undefined) return DEFAULT_BUCKETS;
  const parts = text.split(',');
  if (parts.length > MAX_BUCKETS) {
    throw new KpiParamError('/buckets', `buckets takes at most ${MAX_BUCKETS} boundaries`);
  }
  const bounds = parts.map((part) => {
    const b = boundaryOf(part);
    if (b === undefined || b <= 0 || b > 315_360_000) {
      throw new KpiParamError(
        '/buckets',
        `buckets are ages like 3600, 90m, 4h, 3d or 2w, above zero and at most ten years: "${part}" is not`,
      );
    }
    return b;
  });
  for (let i = 1; i < bounds.length; i++) {
    if (bounds[i]! <= bounds[i - 1]!) {
      throw new KpiParamError('/buckets', 'bucket boundaries must be strictly ascending');
    }
  }
  return bounds;
}

function ageText(seconds: number): string {
  for (const [unit, size] of [
    ['w', 7 * DAY],
    ['d', DAY],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds % size === 0 && (unit !== 'w' || seconds >= 4 * 7 * DAY))
      return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** `1d`–`3d` → `1-3d` (one unit written once); `12h`–`2d` → `12h-2d`. */
function rangeLabel(min: string, max: string): string {
  const unitOf = (text: string) => text.replace(/^\d+/, '');
  return unitOf(min) === unitOf(max)
    ? `${min.slice(0, -unitOf(min).length)}-${max}`
    : `${min}-${max}`;
}

/** The empty buckets of `bounds`: `<1d`, `1-3d`, …, `≥90d`. */
export function emptyBuckets(bounds: readonly number[]): AgeBucket[] {
  const buckets: AgeBucket[] = [];
  const unit = (s: number) => ageText(s);
  for (let i = 0; i <= bounds.length; i++) {
    const min = i === 0 ? 0 : bounds[i - 1]!;
    const max = i === bounds.length ? null : bounds[i]!;
    const label =
      i === 0
        ? `<${unit(max!)}`
        : max === null
          ? `≥${unit(min)}`
          : rangeLabel(unit(min), unit(max));
    buckets.push({ label, min_seconds: min, max_seconds: max, count: 0 });
  }
  return buckets;
}

export function bucketIndex(bounds: readonly number[], ageSeconds: number): number {
  let i = 0;
  while (i < bounds.length && ageSeconds >= bounds[i]!) i++;
  return i;
}

export interface BacklogGroup {
  keys: Record<string, string | null>;
  total: number;
  actionable: number;
  ageSum: number;
  buckets: AgeBucket[];
}

/** Ages in seconds of the tickets, at their instants: calendar or business time. */
async function agesOf(
  deps: BacklogDeps,
  tenantId: string,
  tickets: readonly BacklogTicket[],
  instants: readonly number[],
  age: AgeKind,
): Promise<number[]> {
  if (age === 'calendar') return tickets.map((t) => (instants[t.at]! - t.createdAt) / 1000);
  const calendars = await deps.calendars.loadAll(deps.db, tenantId);
  const spans = new Map<string, [number, number]>();
  for (const t of tickets) {
    const [a, b] = spans.get(t.calendarId) ?? [Infinity, -Infinity];
    spans.set(t.calendarId, [Math.min(a, t.createdAt), Math.max(b, instants[t.at]!)]);
  }
  for (const [id, [a, b]] of spans) {
    const calendar = calendars.get(id)?.calendar;
    if (calendar !== undefined) await prepareCalendar(calendar, a, b);
  }
  return tickets.map((t) => {
    const calendar = calendars.get(t.calendarId)?.calendar;
    // A calendar that no longer exists counts every second (it cannot, today: calendars are
    // never deleted; the fallback keeps a read from failing if that ever changes).
    const ms = calendar
      ? calendar.elapsed(t.createdAt, instants[t.at]!)
      : instants[t.at]! - t.createdAt;
    return ms / 1000;
  });
}

/**
 * The backlog at each instant, per group of `groupBy` (attributes at that instant): a list per
 * instant. Every instant with no ticket yields one empty group when nothing is grouped.
 */
export async function backlogGroups(
  deps: BacklogDeps,
  tenantId: string,
  instants: readonly number[],
  options: {
    groupBy: readonly GroupKey[];
    filters: readonly ColumnFilter[];
    age: AgeKind;
    bounds: readonly number[];
  },
  cube?: TenantCube,
): Promise<BacklogGroup[][]> {
  // The cube's backlog index answers calendar ages itself, and lists the tickets for business
  // ages (aged below on their calendars, as the SQL path's tickets are).
  if (cube !== undefined && options.age === 'calendar') {
    return cube.backlog.groups(instants, options);
  }
  const tickets =
    cube !== undefined
      ? cube.backlog.tickets(instants, options.groupBy, options.filters)
      : await backlogAt(deps.db, tenantId, instants, options.groupBy, options.filters);
  const ages = await agesOf(deps, tenantId, tickets, instants, options.age);
  const out = instants.map(() => new Map<string, BacklogGroup>());
  tickets.forEach((t, i) => {
    const key = JSON.stringify(options.groupBy.map((g) => t.keys[g] ?? null));
    let group = out[t.at]!.get(key);
    if (group === undefined) {
      group = {
        keys: t.keys,
        total: 0,
        actionable: 0,
        ageSum: 0,
        buckets: emptyBuckets(options.bounds),
      };
      out[t.at]!.set(key, group);
    }
    group.total++;
    if (t.status === 'new' || t.status === 'open') group.actionable++;
    group.ageSum += ages[i]!;
    group.buckets[bucketIndex(options.bounds, ages[i]!)]!.count++;
  });
  return out.map((groups) => {
    if (groups.size === 0 && options.groupBy.length === 0) {
      return [
        { keys: {}, total: 0, actionable: 0, ageSum: 0, buckets: emptyBuckets(options.bounds) },
      ];
    }
    const text = (v: string | null) => (v === null ? '\uffff' : v);
    return [...groups.values()].sort((a, b) => {
      for (const g of options.groupBy) {
        const x = text(a.keys[g] ?? null);
        const y = text(b.keys[g] ?? null);
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    });
  });
}
