/**
 * Builds the calendar tables a computation will need before it runs, a few chunks at a time with
 * the event loop free between steps (`BusinessCalendar.prepare`). The first business-time
 * computation over a span of decades or centuries expands zone rules and public holidays for
 * every local year in it — up to seconds of CPU — and a server must never hold its event loop
 * that long: /healthz and every other request would wait. Once built, the tables are cached with
 * the compiled calendar, so later computations over the span are lookups.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  CALENDAR_MAX_INSTANT,
  CALENDAR_MIN_INSTANT,
  type BusinessCalendar,
} from '../core/calendar/index.js';
import type { FoldContext } from '../core/ticket/index.js';

const clamp = (t: number) => Math.min(CALENDAR_MAX_INSTANT, Math.max(CALENDAR_MIN_INSTANT, t));

/**
 * Prepares `elapsed` within `[a, b]` and `add(b, d)` (d in ms). Instants outside the engine's
 * range are clamped: the computation itself reports them.
 */
export async function prepareCalendar(
  calendar: BusinessCalendar,
  a: number,
  b: number,
  d = 0,
): Promise<void> {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return;
  const from = clamp(Math.min(a, b));
  const to = clamp(Math.max(a, b));
  const duration = Number.isFinite(d) && d > 0 ? d : 0;
  while (!calendar.prepare(from, to, duration)) await nextTurn();
}

/**
 * Prepares every calendar a fold with `ctx` may use for events within `[from, to]`: each
 * policy's calendar, up to its longest target after `to` (no due date lies further), and the
 * tenant's default calendar.
 */
export async function prepareFoldCalendars(
  ctx: FoldContext,
  from: number,
  to: number,
): Promise<void> {
  const longest = new Map<string, number>([[ctx.defaultCalendarId, 0]]);
  for (const version of ctx.policyVersions) {
    for (const policy of version.policies) {
      const target = Math.max(0, ...Object.values(policy.targets).map((s) => s ?? 0)) * 1000;
      longest.set(policy.calendar_id, Math.max(longest.get(policy.calendar_id) ?? 0, target));
    }
  }
  for (const [id, d] of longest) {
    const calendar = ctx.calendar(id);
    if (calendar) await prepareCalendar(calendar, from, to, d);
  }
}
