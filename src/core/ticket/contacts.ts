/**
 * Handle time (spec: metrics.md, "Handle time").
 *
 * Per `contact.completed`: `handle = talk + hold + wrap` seconds, attributed to the instant it
 * ended, to its `agent_id`, its `channel` (default: the ticket's at that instant) and the
 * ticket's `group` at that instant. `aht = Σ handle / contacts`; talk, hold and wrap are
 * reported apart. A contact before the first solve is also a touch (FCR).
 */
import type { ContactCompletedData, Instant } from '../events.js';
import { currentAttribution, type ContactRecord, type TicketState } from './state.js';

function seconds(x: number | null | undefined): number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : 0;
}

export function contactRecord(
  state: TicketState,
  t: Instant,
  data: ContactCompletedData,
): ContactRecord {
  const at = currentAttribution(state);
  return {
    ended_at: t,
    started_at: data.started_at ?? null,
    agent_id: data.agent_id,
    channel: data.channel ?? at.channel,
    group: at.group,
    priority: at.priority,
    category: at.category,
    policy_id: at.policy_id,
    talk_seconds: seconds(data.talk_seconds),
    hold_seconds: seconds(data.hold_seconds),
    wrap_seconds: seconds(data.wrap_seconds),
  };
}

export function handleSeconds(c: ContactRecord): number {
  return c.talk_seconds + c.hold_seconds + c.wrap_seconds;
}
