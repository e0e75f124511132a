/**
 * What the fold needs from configuration: policy list versions and calendars. Passing them in
 * keeps the core pure (spec: ARCHITECTURE.md, "core/ PURE").
 */
import type { BusinessCalendar } from '../calendar/types.js';
import type { Instant } from '../events.js';
import type { PolicyListVersion } from '../policy/types.js';

export interface FoldContext {
  /** Every version of the tenant's policy list, sorted by `effectiveFrom`. */
  policyVersions: readonly PolicyListVersion[];
  /** The business calendar with this id (all its versions), or undefined when unknown. */
  calendar(id: string): BusinessCalendar | undefined;
  /** For explanation only: the calendar version in force at `t` (default: `calendar.versionAt`). */
  calendarVersionAt?(id: string, t: Instant): number;
  /** The tenant's calendar for tickets no policy applies to (backlog business age). */
  defaultCalendarId: string;
  /** FCR `one_touch` window, in days of 24 hours. */
  fcrWindowDays: number;
}

/** A policy names a calendar the context does not know: a configuration error, never data. */
export class UnknownCalendarError extends Error {
  constructor(readonly calendarId: string) {
    super(`unknown calendar "${calendarId}"`);
    this.name = 'UnknownCalendarError';
  }
}

export function requireCalendar(ctx: FoldContext, id: string): BusinessCalendar {
  const calendar = ctx.calendar(id);
  if (calendar === undefined) throw new UnknownCalendarError(id);
  return calendar;
}

export function calendarVersion(ctx: FoldContext, id: string, t: Instant): number {
  return ctx.calendarVersionAt?.(id, t) ?? requireCalendar(ctx, id).versionAt(t);
}
