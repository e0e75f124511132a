/**
 * Reporting periods (api.md, "KPI parameters"): the local `hour`, `day`, ISO `week` (Monday) or
 * `month` of an IANA zone, as UTC instants. A local day is 23, 24 or 25 hours on DST days; a
 * period boundary that falls in a DST gap starts at the first instant that exists after it.
 *
 * Periods tile `[from, to)`: the first period is the one containing `from` (its `start` may lie
 * before `from`, as the spec's example shows), the last the one containing `to − 1 ms`. A figure
 * belongs to the period containing its attribution instant, clipped to `[from, to)`.
 */
import { DateTime, IANAZone } from 'luxon';

export const INTERVALS = ['none', 'hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

export interface Period {
  /** The period's local start, as a UTC instant (ms). */
  start: number;
  /** The next period's start (exclusive end), as a UTC instant (ms). */
  end: number;
}

/** Whether `zone` names an IANA zone luxon (and so the platform's ICU data) knows. */
const knownZones = new Set<string>();

export function isKnownZone(zone: string): boolean {
  // Luxon validates a zone by building an Intl formatter: remember the valid ones (a few hundred
  // exist), so a request pays for it once per process and zone.
  if (knownZones.has(zone)) return true;
  const valid = IANAZone.isValidZone(zone);
  if (valid && knownZones.size < 2000) knownZones.add(zone);
  return valid;
}

type Unit = Exclude<Interval, 'none'>;

/**
 * The instant of `local`'s wall time, the earlier of two when a fall-back repeats it
 * (calendars.md: an ambiguous local time is its first occurrence — Havana's 1 November 2026
 * begins at 00:00 −04:00, an hour before the second midnight). Luxon may pick the later one.
 */
export function earliestInstant(local: DateTime): number {
  const ms = local.toMillis();
  const wall = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
    local.millisecond,
  );
  let best = ms;
  for (const probe of [ms - 86_400_000, ms + 86_400_000]) {
    const offset = local.zone.offset(probe);
    const candidate = wall - offset * 60_000;
    if (candidate < best && local.zone.offset(candidate) === offset) best = candidate;
  }
  return best;
}

/** The start of the local `unit` containing `at`, as a UTC instant. */
export function periodStart(at: number, unit: Unit, zone: string): number {
  const local = DateTime.fromMillis(at, { zone });
  if (unit === 'hour') return local.startOf('hour').toMillis();
  const start = earliestInstant(local.startOf(unit));
  // `at` may lie in the first hour of a day that starts at a repeated midnight.
  return start <= at ? start : earliestInstant(local.minus({ days: 1 }).startOf(unit));
}

/** `nextStart`'s answers: period starts repeat across requests (there are ~100 weeks in 2 years). */
const nextStarts = new Map<string, number>();

/** The start of the local `unit` after the one starting at `start` (remembered). */
function nextStart(start: number, unit: Unit, zone: string): number {
  const key = `${unit} ${zone} ${start}`;
  let next = nextStarts.get(key);
  if (next === undefined) {
    next = computeNextStart(start, unit, zone);
    if (nextStarts.size >= 100_000) nextStarts.clear();
    nextStarts.set(key, next);
  }
  return next;
}

function computeNextStart(start: number, unit: Unit, zone: string): number {
  if (unit === 'hour') {
    // Local hours; a repeated local hour (a fall-back) is a period of its own.
    const ms = DateTime.fromMillis(start + 3_600_000, { zone })
      .startOf('hour')
      .toMillis();
    return ms > start ? ms : start + 3_600_000;
  }
  // Calendar arithmetic on the local start: `plus({ days: 1 })` keeps the wall time, so a day
  // is 23 or 25 hours across a DST change.
  const local = DateTime.fromMillis(start, { zone });
  const step = unit === 'day' ? { days: 1 } : unit === 'week' ? { weeks: 1 } : { months: 1 };
  const ms = earliestInstant(local.plus(step).startOf(unit));
  return ms > start ? ms : start + 3_600_000;
}
/**
 * The periods covering `[from, to)` (`from < to`). With `none`, one period: `[from, to)` itself.
 * `limit` bounds how many are produced; more is reported as `undefined`.
 */
export function periodsOf(
  from: number,
  to: number,
  interval: Interval,
  zone: string,
  limit = Infinity,
): Period[] | undefined {
  if (interval === 'none') return [{ start: from, end: to }];
  const periods: Period[] = [];
  let start = periodStart(from, interval, zone);
  while (start < to) {
    if (periods.length >= limit) return undefined;
    const end = nextStart(start, interval, zone);
    periods.push({ start, end });
    start = end;
  }
  return periods;
}

/** Index of the period of `periods` (sorted, contiguous) containing `at`, or -1. */
export function periodIndex(periods: readonly Period[], at: number): number {
  let lo = 0;
  let hi = periods.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = periods[mid]!;
    if (at < p.start) hi = mid - 1;
    else if (at >= p.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Whole local months (or days) between two local boundaries, when both are such boundaries. */
function wholeUnits(from: DateTime, to: DateTime, unit: 'months' | 'days'): number | undefined {
  const start = unit === 'months' ? 'month' : 'day';
  const isStart = (t: DateTime) => earliestInstant(t.startOf(start)) === t.toMillis();
  if (!isStart(from) || !isStart(to)) return undefined;
  const n = Math.round(to.diff(from, unit).get(unit));
  return n > 0 && earliestInstant(from.plus({ [unit]: n })) === to.toMillis() ? n : undefined;
}

/**
 * How `compare` moves an instant of `[from, to)` into its comparison window (api.md `compare`).
 * `previous_year`: the same local date and time a year earlier (29 February → 28 February).
 * `previous_period`: the window just before, of the same calendar length — whole local months
 * step back by months (October → September), whole local days by days (a DST week stays a
 * week), anything else by its duration.
 */
export function comparisonShift(
  from: number,
  to: number,
  compare: 'previous_period' | 'previous_year',
  zone: string,
): (t: number) => number {
  const local = (t: number) => DateTime.fromMillis(t, { zone });
  if (compare === 'previous_year') return (t) => earliestInstant(local(t).minus({ years: 1 }));
  const months = wholeUnits(local(from), local(to), 'months');
  if (months !== undefined) return (t) => earliestInstant(local(t).minus({ months }));
  const days = wholeUnits(local(from), local(to), 'days');
  if (days !== undefined) return (t) => earliestInstant(local(t).minus({ days }));
  return (t) => t - (to - from);
}
