/**
 * A deliberately naive reference implementation of calendars.md, for property tests only.
 *
 * It shares no code with the engine: it walks local dates one by one with luxon, resolves every
 * local time with luxon (which already moves gap times forward by the gap's length) and then
 * corrects luxon's fold choice by taking the earliest of `getPossibleOffsets()`, reads holidays
 * straight from date-holidays, and answers every question by listing the open intervals of a
 * window and summing or walking them. It is slow on purpose: simple enough to trust.
 */
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

import type { CalendarDefinition, CalendarVersion } from '../../../src/core/calendar/types.js';

const DAY = 86_400_000;
const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

type Interval = [number, number];

interface Span {
  from: number;
  until: number;
  definition: CalendarDefinition;
}

const holidayDates = new Map<string, Set<string>>();

function isHoliday(definition: CalendarDefinition, isoDate: string): boolean {
  const place = definition.holidays;
  if (!place) return false;
  const key = `${place.country}/${place.region ?? ''}/${isoDate.slice(0, 4)}`;
  let dates = holidayDates.get(key);
  if (!dates) {
    const hd = place.region
      ? new Holidays(place.country, place.region)
      : new Holidays(place.country);
    const list = hd.getHolidays(Number(isoDate.slice(0, 4))).filter((h) => h.type === 'public');
    dates = new Set(list.map((h) => h.date.slice(0, 10)));
    holidayDates.set(key, dates);
  }
  return dates.has(isoDate);
}

function seconds(time: string): number {
  const [h = 0, m = 0, s = 0] = time.split(':').map(Number);
  return h * 3600 + m * 60 + s;
}

const resolved = new Map<string, number>();

/** The instant of a local wall-clock time: gap → luxon's forward shift, fold → the earliest. */
function resolveLocal(date: DateTime, secondOfDay: number, zone: string): number {
  const key = `${zone}|${date.toMillis()}|${secondOfDay}`;
  let instant = resolved.get(key);
  if (instant === undefined) {
    instant = resolveLocalUncached(date, secondOfDay, zone);
    resolved.set(key, instant);
  }
  return instant;
}

function resolveLocalUncached(date: DateTime, secondOfDay: number, zone: string): number {
  const day = date.plus({ days: Math.floor(secondOfDay / 86_400) });
  const rest = secondOfDay % 86_400;
  const local = DateTime.fromObject(
    {
      year: day.year,
      month: day.month,
      day: day.day,
      hour: Math.floor(rest / 3600),
      minute: Math.floor((rest % 3600) / 60),
      second: rest % 60,
    },
    { zone },
  );
  return Math.min(...local.getPossibleOffsets().map((candidate) => candidate.toMillis()));
}

function hoursOn(definition: CalendarDefinition, date: DateTime): Array<[string, string]> {
  const iso = date.toISODate()!;
  const exception = definition.exceptions?.find((e) => e.date === iso);
  if (exception) return exception.hours;
  if (isHoliday(definition, iso)) return [];
  return definition.weekly[WEEKDAY_KEYS[date.weekday - 1]!] ?? [];
}

function spanIntervals(span: Span, from: number, to: number, out: Interval[]): void {
  const lo = Math.max(from, span.from);
  const hi = Math.min(to, span.until);
  if (lo >= hi) return;
  const zone = span.definition.timezone;
  const first = DateTime.fromMillis(lo, { zone }).toUTC(0, { keepLocalTime: true }).startOf('day');
  const last = DateTime.fromMillis(hi, { zone }).toUTC(0, { keepLocalTime: true }).startOf('day');
  for (
    let date = first.minus({ days: 3 });
    date <= last.plus({ days: 1 });
    date = date.plus({ days: 1 })
  ) {
    for (const [startText, endText] of hoursOn(span.definition, date)) {
      const start = seconds(startText);
      let end = seconds(endText);
      if (end <= start) end += 86_400;
      const s = Math.max(lo, resolveLocal(date, start, zone));
      const e = Math.min(hi, resolveLocal(date, end, zone));
      if (e > s) out.push([s, e]);
    }
  }
}

export interface ReferenceCalendar {
  openIntervals(from: number, to: number): Interval[];
  elapsed(a: number, b: number): number;
  add(t: number, d: number): number;
  nextOpen(t: number): number;
  isOpen(t: number): boolean;
}

export function referenceCalendar(versions: CalendarVersion[]): ReferenceCalendar {
  const sorted = [...versions].sort(
    (x, y) => x.effectiveFrom - y.effectiveFrom || x.version - y.version,
  );
  const spans: Span[] = sorted.map((v, i) => ({
    from: i === 0 ? -Infinity : v.effectiveFrom,
    until: sorted[i + 1]?.effectiveFrom ?? Infinity,
    definition: v.definition,
  }));

  function openIntervals(from: number, to: number): Interval[] {
    const all: Interval[] = [];
    for (const span of spans) spanIntervals(span, from, to, all);
    all.sort((x, y) => x[0] - y[0]);
    const merged: Interval[] = [];
    for (const [s, e] of all) {
      const last = merged[merged.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    return merged;
  }

  /** Walks windows of 8 days forward from `t`, for up to ~4 years. */
  function* forward(t: number): Generator<Interval> {
    for (let w = t; w < t + 1500 * DAY; w += 8 * DAY) yield* openIntervals(w, w + 8 * DAY);
  }

  return {
    openIntervals,
    elapsed(a, b) {
      if (b < a) return 0 - this.elapsed(b, a);
      return openIntervals(a, b).reduce((sum, [s, e]) => sum + e - s, 0);
    },
    add(t, d) {
      if (d === 0) return t;
      let remaining = d;
      for (const [s, e] of forward(t)) {
        if (remaining <= e - s) return s + remaining;
        remaining -= e - s;
      }
      return Infinity;
    },
    nextOpen(t) {
      for (const [s] of forward(t)) return s;
      return Infinity;
    },
    isOpen(t) {
      return openIntervals(t, t + 1).length > 0;
    },
  };
}
