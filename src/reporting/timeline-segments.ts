/**
 * A running clock segment as the timeline lists it: split into the parts inside business hours
 * (`running`) and outside them (`outside_hours`), within a budget of listed segments.
 */
import type { BusinessCalendar } from '../core/calendar/index.js';
import type { ClockSegmentRow } from '../core/sla/derive.js';

/** Open intervals are listed a year at a time, so a long span is never expanded whole. */
const SPLIT_WINDOW_MS = 366 * 86_400_000;

export type TimelineSegment = Record<string, unknown> & {
  to: string;
  kind: string;
  business_seconds: number;
};

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `budget.left` counts down as segments are listed; at its last one, the rest of the span is one
 * `summarised` segment, so a clock running for decades on short intervals stays one reply.
 */
export function splitRunning(
  seg: ClockSegmentRow,
  to: number,
  calendar: BusinessCalendar | undefined,
  budget: { left: number },
): TimelineSegment[] {
  const base = {
    status: seg.status,
    policy_id: seg.policy_id,
    policy_version: seg.policy_version,
    calendar_id: seg.calendar_id,
    calendar_version: seg.calendar_version,
  };
  const out: TimelineSegment[] = [];
  const push = (from: number, until: number, kind: string, business: number) => {
    const last = out[out.length - 1];
    if (last?.kind === kind && last.to === iso(from) && last.summarised === undefined) {
      last.to = iso(until);
      last.business_seconds = Math.round(last.business_seconds * 1000 + business) / 1000;
      return;
    }
    out.push({ from: iso(from), to: iso(until), kind, business_seconds: business / 1000, ...base });
    budget.left -= 1;
  };
  if (!calendar) {
    push(seg.from, to, 'running', to - seg.from);
    return out;
  }
  let cursor = seg.from;
  while (cursor < to) {
    if (budget.left <= 1) {
      out.push({
        from: iso(cursor),
        to: iso(to),
        kind: 'running',
        business_seconds: calendar.elapsed(cursor, to) / 1000,
        summarised: true,
        ...base,
      });
      return out;
    }
    const end = Math.min(to, cursor + SPLIT_WINDOW_MS);
    for (const [a, b] of calendar.openIntervals(cursor, end)) {
      if (a > cursor) push(cursor, a, 'outside_hours', 0);
      push(a, b, 'running', b - a);
      cursor = b;
      if (budget.left <= 1) break;
    }
    if (budget.left > 1 && cursor < end) {
      push(cursor, end, 'outside_hours', 0);
      cursor = end;
    }
  }
  return out;
}
