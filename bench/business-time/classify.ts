/**
 * Where and why a peer's answers differ from ours. Each differing pair gets the first category
 * whose test matches, so the counts add up to the number of differences:
 * semantics we define differently (calendars.md: `add(t, 0) = t`; `add` stops at a closing
 * instant), spans touching a Warsaw DST change day, endpoints exactly at an opening or closing
 * instant, endpoints outside business hours, and anything else.
 */
import { DateTime } from 'luxon';

import type { BusinessCalendar } from '../../src/core/calendar/index.js';

const ZONE = 'Europe/Warsaw';
const DAY = 86_400_000;

export interface DiffCase {
  start: number;
  /** `end` for elapsed, the duration for add. */
  input: number;
  ours: number;
  theirs: number;
}

interface Rule {
  label: string;
  test: (c: DiffCase) => boolean;
}

export interface DiffReport {
  compared: number;
  differing: number;
  categories: Array<{ label: string; count: number; examples: DiffCase[] }>;
}

/** Local dates (`YYYY-MM-DD`) on which Warsaw's UTC offset changes, 2024–2028. */
function dstChangeDates(): string[] {
  const dates: string[] = [];
  const from = Date.UTC(2024, 0, 1);
  for (let t = from; t < Date.UTC(2028, 0, 1); t += DAY) {
    if (
      DateTime.fromMillis(t, { zone: ZONE }).offset !==
      DateTime.fromMillis(t + DAY, { zone: ZONE }).offset
    ) {
      dates.push(DateTime.fromMillis(t + DAY, { zone: ZONE }).toISODate()!);
    }
  }
  return dates;
}

const DST_DATES = dstChangeDates();
const localDate = (t: number): string => DateTime.fromMillis(t, { zone: ZONE }).toISODate()!;

function touchesDstDay(from: number, to: number): boolean {
  const [a, b] = [localDate(Math.min(from, to)), localDate(Math.max(from, to))];
  return DST_DATES.some((date) => date >= a && date <= b);
}

/** The rules shared by both operations, for a pair whose two endpoints are `start` and `end`. */
function endpointRules(calendar: BusinessCalendar, end: (c: DiffCase) => number): Rule[] {
  const atBoundary = (t: number): boolean => calendar.isOpen(t) !== calendar.isOpen(t - 1);
  return [
    {
      label: 'span touches a Warsaw DST change day',
      test: (c) =>
        touchesDstDay(c.start, Math.max(end(c), Number.isFinite(c.theirs) ? c.theirs : end(c))),
    },
    {
      label: 'an endpoint is exactly an opening or closing instant',
      test: (c) => atBoundary(c.start) || atBoundary(end(c)),
    },
    {
      label: 'an endpoint is outside business hours',
      test: (c) => !calendar.isOpen(c.start) || !calendar.isOpen(end(c)),
    },
  ];
}

export function elapsedRules(calendar: BusinessCalendar): Rule[] {
  return endpointRules(calendar, (c) => c.input);
}

export function addRules(calendar: BusinessCalendar): Rule[] {
  return [
    {
      label: 'add(t, 0) from a closed t: ours t (calendars.md), peer the next opening',
      test: (c) => c.input === 0 && !calendar.isOpen(c.start),
    },
    {
      label: 'runs out exactly at a closing: ours the closing instant, peer the next opening',
      test: (c) =>
        c.theirs === calendar.nextOpen(c.ours) &&
        calendar.isOpen(c.ours - 1) &&
        !calendar.isOpen(c.ours),
    },
    ...endpointRules(calendar, (c) => c.ours),
  ];
}

export function classify(
  cases: DiffCase[],
  compared: number,
  rules: Rule[],
  keepExamples = 2,
): DiffReport {
  const buckets = [...rules, { label: 'other', test: () => true }].map((rule) => ({
    rule,
    count: 0,
    examples: [] as DiffCase[],
  }));
  for (const c of cases) {
    const bucket = buckets.find((b) => b.rule.test(c))!;
    bucket.count++;
    if (bucket.examples.length < keepExamples) bucket.examples.push(c);
  }
  return {
    compared,
    differing: cases.length,
    categories: buckets.map((b) => ({ label: b.rule.label, count: b.count, examples: b.examples })),
  };
}

export function describeCase(c: DiffCase, kind: 'elapsed' | 'add'): string {
  const local = (t: number): string =>
    Number.isFinite(t)
      ? DateTime.fromMillis(t, { zone: ZONE }).toFormat('ccc yyyy-MM-dd HH:mm')
      : String(t);
  const minutes = (ms: number): string => `${ms / 60_000} min`;
  return kind === 'elapsed'
    ? `${local(c.start)} → ${local(c.input)}: ours ${minutes(c.ours)}, peer ${minutes(c.theirs)}`
    : `${local(c.start)} + ${minutes(c.input)}: ours ${local(c.ours)}, peer ${local(c.theirs)}`;
}
