/**
 * Handle time contributions (spec: metrics.md, "Handle time"; definition in
 * core/ticket/contacts.ts): one row per contact at its end, attributed to the contact's agent,
 * its channel and the ticket's group at that instant. `aht = handle_ms / contacts`.
 */
import type { DerivedTicket } from '../ticket/derive.js';
import { toMs } from './dims.js';
import { bucketOf, type Contribution } from './types.js';

export function handleTimeContributions(d: DerivedTicket): Contribution[] {
  return d.contacts.map((c) => {
    const talk = toMs(c.talk_seconds);
    const hold = toMs(c.hold_seconds);
    const wrap = toMs(c.wrap_seconds);
    return {
      kind: 'handle_time',
      bucket: bucketOf(c.ended_at),
      dims: {
        team: c.group ?? null,
        agent: c.agent_id ?? null,
        priority: c.priority ?? null,
        channel: c.channel ?? null,
        category: c.category ?? null,
        policy: c.policy_id ?? null,
      },
      measures: {
        contacts: 1,
        talk_ms: talk,
        hold_ms: hold,
        wrap_ms: wrap,
        handle_ms: talk + hold + wrap,
      },
    };
  });
}
