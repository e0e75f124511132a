/**
 * Backlog (spec: metrics.md, "Backlog"; edge case 20).
 *
 * A ticket is in the backlog at instant T when it exists at T (created at or before T), is not
 * deleted, and its status at T is new, open, pending or on_hold (actionable: new/open). Its age
 * at T is `T − created_at`; its business age is `elapsed(created_at, T)` on the segment's
 * `calendar_id` (the policy's calendar, else the tenant default).
 *
 * The fold keeps the backlog as a stock: maximal half-open segments `[from, to)` during which
 * the status and the attribution (group, assignee, priority, channel, category, policy) do not
 * change, so "backlog as of T grouped by attributes at T" is a range lookup. Several events at
 * one instant leave no empty segment: the state at an instant is the state after all of its
 * events. Flow facts make the identity `backlog(T2) − backlog(T1) = entered − left` over
 * `(T1, T2]` hold: entered = created into a backlog status + reopens, left = every transition
 * from a backlog status to solved/closed (re-solves included).
 */
import type { Instant, TicketStatus } from '../events.js';
import { sameAttribution } from './attribution.js';
import type { FoldContext } from './context.js';
import {
  currentAttribution,
  isBacklogStatus,
  type BacklogSegmentState,
  type TicketState,
} from './state.js';

function sameSegment(seg: BacklogSegmentState, want: BacklogSegmentState): boolean {
  return (
    seg.status === want.status && seg.calendar_id === want.calendar_id && sameAttribution(seg, want)
  );
}

/** Brings the segment list in line with the ticket after an event at `t`. */
export function updateBacklog(state: TicketState, t: Instant, ctx: FoldContext): void {
  const segments = state.backlog;
  const want: BacklogSegmentState | null =
    state.exists && isBacklogStatus(state.status)
      ? {
          from: t,
          to: null,
          status: state.status,
          ...currentAttribution(state),
          calendar_id: state.policy.calendarId ?? ctx.defaultCalendarId,
        }
      : null;
  const open = segments.at(-1);
  if (open !== undefined && open.to === null) {
    if (want !== null && sameSegment(open, want)) return;
    if (open.from === t) segments.pop();
    else open.to = t;
  }
  if (want === null) return;
  const previous = segments.at(-1);
  if (previous !== undefined && previous.to === t && sameSegment(previous, want)) {
    previous.to = null;
  } else {
    segments.push(want);
  }
}

/** Index of the last segment with `from <= t`, or -1. */
function lastStartingAtOrBefore(segments: readonly BacklogSegmentState[], t: Instant): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid]!.from <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** The segment covering `t` (`from <= t < to`), if the ticket was in the backlog at `t`. */
export function backlogSegmentAt(
  segments: readonly BacklogSegmentState[],
  t: Instant,
): BacklogSegmentState | null {
  const seg = segments[lastStartingAtOrBefore(segments, t)];
  return seg !== undefined && (seg.to === null || t < seg.to) ? seg : null;
}

/** The ticket status at a past instant `t` (`solved` stands for any non-backlog status). */
export function statusAt(state: TicketState, t: Instant): TicketStatus {
  return backlogSegmentAt(state.backlog, t)?.status ?? 'solved';
}

/**
 * The status changes strictly inside `(from, to)`, in order, as `[at, status]` pairs
 * (`solved` for a span out of the backlog). Used to replay a clock attached late.
 */
export function statusChanges(
  state: TicketState,
  from: Instant,
  to: Instant,
): Array<[Instant, TicketStatus]> {
  const changes: Array<[Instant, TicketStatus]> = [];
  let current = statusAt(state, from);
  const push = (at: Instant, status: TicketStatus): void => {
    if (at > from && at < to && status !== current) {
      changes.push([at, status]);
      current = status;
    }
  };
  for (
    let i = Math.max(0, lastStartingAtOrBefore(state.backlog, from));
    i < state.backlog.length;
    i++
  ) {
    const seg = state.backlog[i]!;
    if (seg.from >= to) break;
    push(seg.from, seg.status);
    if (seg.to !== null && state.backlog[i + 1]?.from !== seg.to) push(seg.to, 'solved');
  }
  return changes;
}
