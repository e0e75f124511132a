/**
 * SLA clocks as of the query time (metrics.md, "SLA clocks"): stored figures are as of the
 * ticket's last event; a reader extends a running clock to `now` on its calendar, and a running
 * clock past its `due_at` is breached at `due_at` — no event or poller needed, the answer follows
 * from `due_at` and the query time. `at_risk` is a view of active clocks past at_risk × target.
 */
import type { BusinessCalendar } from '../core/calendar/index.js';
import type { StoredClock } from '../storage/ticket-read.repository.js';

export type ClockViewStatus = 'active' | 'at_risk' | 'paused' | 'achieved' | 'breached';

/** `T` with its instants as ISO text. */
type IsoInstants<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};

/**
 * A stored clock as of the query time: its figures (all but its ticket and `running_since`) with
 * instants as ISO text, and its status then.
 */
export type ClockView = IsoInstants<Omit<StoredClock, 'ticket_id' | 'running_since' | 'status'>> & {
  status: ClockViewStatus;
};

const ms3 = (seconds: number) => Math.round(seconds * 1000) / 1000;
const isoOf = (d: Date | null) => (d === null ? null : d.toISOString());

/** `asOf`: the instant the stored figures are as of (the ticket's last event). */
export function clockView(
  c: StoredClock,
  asOf: number | null,
  now: number,
  calendar: BusinessCalendar | undefined,
): ClockView {
  let business = c.elapsed_business_seconds;
  let wall = c.elapsed_calendar_seconds;
  let paused = c.paused_calendar_seconds;
  let status: ClockViewStatus = c.status as ClockViewStatus;
  let breachedAt = c.breached_at;
  const open = c.stopped_at === null;
  if (open && asOf !== null && now > asOf) {
    if (c.running_since !== null) {
      business += (calendar?.elapsed(asOf, now) ?? 0) / 1000;
      wall += (now - asOf) / 1000;
    } else {
      paused += (now - asOf) / 1000;
    }
  }
  // Breached once now passes due_at (metrics.md): at due_at itself a reply still achieves it.
  if (open && status === 'active' && c.due_at !== null && c.due_at.getTime() < now) {
    status = 'breached';
    breachedAt = c.due_at;
  } else if (
    open &&
    status === 'active' &&
    c.at_risk_at !== null &&
    c.at_risk_at.getTime() <= now
  ) {
    status = 'at_risk';
  }
  return {
    metric: c.metric,
    cycle: c.cycle,
    status,
    policy_id: c.policy_id,
    policy_version: c.policy_version,
    calendar_id: c.calendar_id,
    started_at: c.started_at.toISOString(),
    stopped_at: isoOf(c.stopped_at),
    target_seconds: c.target_seconds,
    elapsed_business_seconds: ms3(business),
    elapsed_calendar_seconds: ms3(wall),
    paused_calendar_seconds: ms3(paused),
    due_at: open ? isoOf(c.due_at) : null,
    at_risk_at: open ? isoOf(c.at_risk_at) : null,
    breached_at: isoOf(breachedAt),
  };
}
