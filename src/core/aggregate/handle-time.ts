/**
 * Handle time contributions (spec: metrics.md, "Handle time"; definition in
 * core/ticket/contacts.ts): one row per contact at its end, attributed to the contact's agent,
 * its channel and the ticket's group at that instant. `aht = handle_ms / contacts`.
 */
import type { DerivedTicket } from '../ticket/derive.js';
import { toMs } from './dims.js';
import { sketchBin } from './sketch.js';
import { bucketOf, type Contribution } from './types.js';

export function handleTimeContributions(d: DerivedTicket): Contribution[] {
  const rows: Contribution[] = [];
  for (const c of d.contacts) {
    const talk = toMs(c.talk_seconds);
    const hold = toMs(c.hold_seconds);
    const wrap = toMs(c.wrap_seconds);
    const bucket = bucketOf(c.ended_at);
    const dims = {
      team: c.group ?? null,
      agent: c.agent_id ?? null,
      priority: c.priority ?? null,
      channel: c.channel ?? null,
      category: c.category ?? null,
      policy: c.policy_id ?? null,
    };
    const handle = talk + hold + wrap;
    rows.push({
      kind: 'handle_time',
      bucket,
      dims,
      measures: { contacts: 1, talk_ms: talk, hold_ms: hold, wrap_ms: wrap, handle_ms: handle },
    });
    rows.push({
      kind: 'handle_sketch',
      bucket,
      dims: { ...dims, bin: sketchBin(handle) },
      measures: { n: 1 },
    });
  }
  return rows;
}
