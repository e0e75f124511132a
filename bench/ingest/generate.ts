/**
 * Deterministic, realistic ticket event streams for benchmarks: tickets created over a year,
 * with customer and agent replies, internal notes, pending/on-hold pauses, priority and group
 * changes, escalations, contacts, solves and some reopens — about 10 events a ticket. Events come
 * out in global `occurred_at` order (as a live help desk sends them); `late` moves a share of
 * them later in the stream, as a flaky sender would.
 */
import { rng } from '../../src/demo/random.js';

export interface BenchEvent {
  id: string;
  type: string;
  ticket_id: string;
  occurred_at: string;
  actor: { type: string; id?: string };
  data: Record<string, unknown>;
}

/** mulberry32, shared with the demo's generator. */
export { rng };

const PRIORITIES = ['low', 'normal', 'normal', 'high', 'urgent'];
const CHANNELS = ['email', 'email', 'web', 'phone', 'chat'];
const GROUPS = ['L1', 'L1', 'L1', 'L2', 'billing'];
const HOUR = 3_600_000;

interface Draft {
  at: number;
  type: string;
  actor: BenchEvent['actor'];
  data: Record<string, unknown>;
}

function ticketDrafts(random: () => number, created: number): Draft[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const agent = `a-${Math.floor(random() * 200)}`;
  const customer = { type: 'customer', id: `c-${Math.floor(random() * 50_000)}` };
  const agentActor = { type: 'agent', id: agent };
  const drafts: Draft[] = [];
  let t = created;
  const step = (maxHours: number) => (t += Math.floor(random() * maxHours * HOUR) + 60_000);
  const channel = pick(CHANNELS);
  drafts.push({
    at: t,
    type: 'ticket.created',
    actor: customer,
    data: {
      priority: pick(PRIORITIES),
      channel,
      group: pick(GROUPS),
      assignee_id: agent,
      tier: 1,
      requester_id: customer.id,
    },
  });
  drafts.push({
    at: step(6),
    type: 'ticket.message',
    actor: agentActor,
    data: { direction: 'outbound', public: true },
  });
  if (random() < 0.3)
    drafts.push({
      at: step(2),
      type: 'ticket.message',
      actor: agentActor,
      data: { direction: 'outbound', public: false },
    });
  // Follow-up questions answered by the agent, a second customer message before the reply,
  // reassignments and tag edits: what makes real tickets about 10 events long.
  const message = (direction: 'inbound' | 'outbound', maxHours: number): Draft => ({
    at: step(maxHours),
    type: 'ticket.message',
    actor: direction === 'inbound' ? customer : agentActor,
    data: { direction, public: true },
  });
  if (random() < 0.5) drafts.push(message('inbound', 1));
  if (random() < 0.7) drafts.push(message('inbound', 12), message('outbound', 4));
  if (random() < 0.2) {
    const to = `a-${Math.floor(random() * 200)}`;
    drafts.push({
      at: step(2),
      type: 'ticket.updated',
      actor: agentActor,
      data: { assignee_id: to },
    });
  }
  if (random() < 0.3) {
    drafts.push({
      at: step(1),
      type: 'ticket.updated',
      actor: agentActor,
      data: { tags: ['followup'] },
    });
  }
  if (random() < 0.4) {
    drafts.push({
      at: step(1),
      type: 'ticket.status_changed',
      actor: agentActor,
      data: { status: 'pending' },
    });
    drafts.push({
      at: step(24),
      type: 'ticket.message',
      actor: customer,
      data: { direction: 'inbound', public: true },
    });
    drafts.push({
      at: step(0.1),
      type: 'ticket.status_changed',
      actor: { type: 'system' },
      data: { status: 'open' },
    });
    drafts.push({
      at: step(4),
      type: 'ticket.message',
      actor: agentActor,
      data: { direction: 'outbound', public: true },
    });
  }
  if (random() < 0.15)
    drafts.push({
      at: step(3),
      type: 'ticket.updated',
      actor: agentActor,
      data: { priority: pick(PRIORITIES) },
    });
  if (random() < 0.1)
    drafts.push({
      at: step(3),
      type: 'ticket.updated',
      actor: agentActor,
      data: { tier: 2, group: 'L2' },
    });
  if (random() < 0.1)
    drafts.push({
      at: step(3),
      type: 'ticket.status_changed',
      actor: agentActor,
      data: { status: 'on_hold' },
    });
  if (random() < 0.5 || channel === 'phone' || channel === 'chat') {
    drafts.push({
      at: step(2),
      type: 'contact.completed',
      actor: agentActor,
      data: {
        agent_id: agent,
        talk_seconds: Math.floor(random() * 900),
        hold_seconds: Math.floor(random() * 120),
        wrap_seconds: Math.floor(random() * 180),
      },
    });
  }
  drafts.push({
    at: step(8),
    type: 'ticket.status_changed',
    actor: agentActor,
    data: { status: 'solved' },
  });
  if (random() < 0.08) {
    drafts.push({
      at: step(72),
      type: 'ticket.message',
      actor: customer,
      data: { direction: 'inbound', public: true },
    });
    drafts.push({
      at: step(0.1),
      type: 'ticket.status_changed',
      actor: { type: 'system' },
      data: { status: 'open' },
    });
    drafts.push({
      at: step(4),
      type: 'ticket.message',
      actor: agentActor,
      data: { direction: 'outbound', public: true },
    });
    drafts.push({
      at: step(4),
      type: 'ticket.status_changed',
      actor: agentActor,
      data: { status: 'solved' },
    });
  }
  drafts.push({
    at: step(96),
    type: 'ticket.status_changed',
    actor: { type: 'system' },
    data: { status: 'closed' },
  });
  return drafts;
}

/** About `events` events (whole tickets) over `tickets` tickets, in occurred_at order. */
export function generateEvents(options: {
  events: number;
  seed?: number;
  late?: number;
}): BenchEvent[] {
  const random = rng(options.seed ?? 42);
  const start = Date.UTC(2026, 0, 1);
  const out: Array<BenchEvent & { at: number }> = [];
  for (let ticket = 0; out.length < options.events; ticket += 1) {
    const created = start + Math.floor(random() * 365 * 24 * HOUR);
    ticketDrafts(random, created).forEach((d, i) => {
      out.push({
        id: `t${ticket}-${i}`,
        type: d.type,
        ticket_id: `T${ticket}`,
        occurred_at: new Date(d.at).toISOString(),
        actor: d.actor,
        data: d.data,
        at: d.at,
      });
    });
  }
  out.length = options.events;
  out.sort((a, b) => a.at - b.at);
  const late = options.late ?? 0;
  if (late > 0) delayShare(out, late, random);
  return out.map(({ at: _at, ...event }) => event);
}

/** Moves a share of the events 500–50,500 places later in the stream (they arrive after events that follow them). */
function delayShare<T>(events: T[], share: number, random: () => number): void {
  const keyed = events.map((event, index) => ({
    key: random() < share ? index + 500 + Math.floor(random() * 50_000) + 0.5 : index,
    event,
  }));
  keyed.sort((a, b) => a.key - b.key);
  keyed.forEach((k, i) => (events[i] = k.event));
}
