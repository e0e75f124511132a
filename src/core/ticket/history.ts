/**
 * The ticket's attribution over time (metrics.md, "Attribution"): one entry each time the
 * group, assignee, priority, channel, category or policy changes, whatever the status, so a
 * figure decided at a past instant (a breach found when a segment closes, a clock attached
 * late) is attributed to the ticket as it was then. Several changes at one instant collapse
 * into the last: the state at an instant is the state after all of its events.
 */
import type { Instant } from '../events.js';
import { sameAttribution, type Attribution } from './attribution.js';
import { currentAttribution, type DatedFact, type TicketState } from './state.js';

/** Appends the attribution after an event at `t` when it changed. */
export function recordAttribution(state: TicketState, t: Instant): void {
  if (!state.exists) return;
  const history = state.attributions;
  const now: DatedFact = { at: t, ...currentAttribution(state) };
  const last = history.at(-1);
  if (last !== undefined && sameAttribution(last, now)) return;
  if (last !== undefined && last.at === t) {
    history.pop();
    const before = history.at(-1);
    if (before !== undefined && sameAttribution(before, now)) return;
  }
  history.push(now);
}

/** The attribution in force at `t` (before creation: the one at creation). */
export function attributionAt(state: TicketState, t: Instant): Attribution {
  const history = state.attributions;
  let lo = 0;
  let hi = history.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (history[mid]!.at <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  const entry = history[found];
  if (entry === undefined) return currentAttribution(state);
  return {
    group: entry.group,
    assignee_id: entry.assignee_id,
    priority: entry.priority,
    channel: entry.channel,
    category: entry.category,
    policy_id: entry.policy_id,
  };
}
