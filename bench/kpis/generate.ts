/**
 * Deterministic ticket histories for the KPI benchmark: `tickets` tickets created over two years
 * (2024-12-01 – 2026-12-01, growing 35 % over the span, busier on weekdays and in office hours),
 * about 7 events each, yielded in global `occurred_at` order as a live help desk sends them.
 *
 * Each ticket: a priority, channel and category, a tier-1 team of the 20 and often an agent of its
 * 400; agent responses (public replies, some internal notes) delayed by priority and moved into
 * Warsaw office hours; customer follow-ups; pending and on-hold periods; phone and chat contacts
 * with talk, hold and wrap; escalations to a tier-2 or tier-3 team (a tier raise);
 * reassignments; priority changes; solves, some reopens, closes; spam and merge deletions; a few
 * agent-created tickets. Events after 2026-12-01 are not sent: tickets still open then are the
 * current backlog. Within a ticket instants are strictly increasing (ties would make "before
 * the first solve" depend on arrival order).
 *
 * Change GENERATOR_VERSION whenever the output changes: the loaded database is cached by it.
 */
import { agentsByTeam, TEAMS, type Team } from './config.js';

export const GENERATOR_VERSION = 1;
export const DATA_FROM = Date.UTC(2024, 11, 1);
export const DATA_TO = Date.UTC(2026, 11, 1);

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface GeneratedEvent {
  at: number;
  /** The ticket's number (creation order): the loader shards connections by it. */
  ticket: number;
  /** The event as one NDJSON line (no newline). */
  line: string;
}

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(items: ReadonlyArray<readonly [T, number]>): (random: () => number) => T {
  const total = items.reduce((n, [, w]) => n + w, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const [, w] of items) cumulative.push((sum += w / total));
  return (random) => {
    const r = random();
    for (let i = 0; i < cumulative.length; i++) if (r < cumulative[i]!) return items[i]![0];
    return items[items.length - 1]![0];
  };
}

const priorityOf = weighted([
  ['low', 15],
  ['normal', 55],
  ['high', 22],
  ['urgent', 8],
] as const);
const channelOf = weighted([
  ['email', 42],
  ['web', 23],
  ['chat', 17],
  ['phone', 13],
  ['api', 5],
] as const);
const categoryOf = weighted([
  ['how_to', 18],
  ['account', 12],
  ['billing', 11],
  ['bug', 10],
  ['login', 8],
  ['shipping', 8],
  ['refund', 7],
  ['integration', 6],
  ['feature_request', 6],
  ['performance', 5],
  ['outage', 3],
  ['other', 6],
] as const);
const firstLineTeam = weighted(TEAMS.filter((t) => t.tier === 1).map((t) => [t, t.weight]));
const secondLineTeam = weighted(TEAMS.filter((t) => t.tier === 2).map((t) => [t, t.weight]));
const thirdLineTeam = weighted(TEAMS.filter((t) => t.tier === 3).map((t) => [t, t.weight]));
const AGENTS = agentsByTeam();

/** Box–Muller. */
function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function lognormal(random: () => number, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(random));
}

// Europe/Warsaw: UTC+1, UTC+2 from the last Sunday of March to the last Sunday of October (01:00 UTC).
const dstCache = new Map<number, [number, number]>();
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
}
function warsawOffset(t: number): number {
  const year = new Date(t).getUTCFullYear();
  let dst = dstCache.get(year);
  if (dst === undefined) {
    dst = [lastSunday(year, 2), lastSunday(year, 9)];
    dstCache.set(year, dst);
  }
  return t >= dst[0] && t < dst[1] ? 2 * HOUR : HOUR;
}

/** `t` if it falls in Warsaw office hours (Mon–Fri 08:00–18:00), else soon after the next opening. */
function officeHours(t: number, random: () => number): number {
  const local = t + warsawOffset(t);
  const dow = new Date(local).getUTCDay();
  const dayStart = Math.floor(local / DAY) * DAY;
  const hour = (local - dayStart) / HOUR;
  if (dow >= 1 && dow <= 5 && hour >= 8 && hour < 18) return t;
  let opening = dayStart + 8 * HOUR;
  if (!(dow >= 1 && dow <= 5 && hour < 8)) {
    let next = dayStart + DAY;
    while ([0, 6].includes(new Date(next).getUTCDay())) next += DAY;
    opening = next + 8 * HOUR;
  }
  return opening - warsawOffset(opening) + Math.floor(random() * 90 * MINUTE);
}

/** Ticket arrivals per local hour of the day (Warsaw). */
const HOURS = weighted(
  [
    0.2, 0.15, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.6, 2, 2, 1.9, 1.6, 1.8, 1.9, 1.8, 1.6, 1.3, 1, 0.8,
    0.7, 0.6, 0.4, 0.3,
  ].map((w, h) => [h, w] as const),
);
const WEEKDAY = [0.3, 1.25, 1.15, 1.1, 1.05, 0.95, 0.35]; // Sun..Sat

interface Draft {
  at: number;
  type: string;
  actor: { type: string; id?: string };
  data: Record<string, unknown>;
}

const pick = <T>(random: () => number, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)]!;

/** One ticket's events, in order, strictly increasing instants. */
function ticketDrafts(random: () => number, created: number, ticket: number): Draft[] {
  const drafts: Draft[] = [];
  let t = created;
  /** Moves the ticket's clock forward (at least a second) and returns it. */
  const at = (next: number) => (t = Math.max(t + SECOND, Math.round(next)));
  const push = (type: string, actor: Draft['actor'], data: Record<string, unknown>) =>
    drafts.push({ at: t, type, actor, data });

  let team: Team = firstLineTeam(random);
  const priority = priorityOf(random);
  const channel = channelOf(random);
  const category = categoryOf(random);
  const urgent = priority === 'urgent';
  const customer = { type: 'customer', id: `cust-${Math.floor(random() * 250_000)}` };
  const viaAgent = random() < 0.04;
  let agent: string | null = random() < 0.7 || viaAgent ? pick(random, AGENTS.get(team.id)!) : null;
  const agentActor = () => ({ type: 'agent', id: agent ?? AGENTS.get(team.id)![0]! });
  /** An agent's reaction time by priority, in office hours unless urgent or overtime. */
  const agentDelay = (scale = 1) => {
    const median = { urgent: 20 * MINUTE, high: 90 * MINUTE, normal: 4 * HOUR, low: 8 * HOUR }[
      priority
    ];
    const next = t + lognormal(random, median * scale, 1.1);
    return urgent || random() < 0.1 ? next : officeHours(next, random);
  };
  const customerDelay = (median: number) => t + lognormal(random, median, 1.2);

  push('ticket.created', viaAgent ? agentActor() : customer, {
    priority,
    channel,
    group: team.id,
    category,
    tier: 1,
    requester_id: customer.id,
    ...(agent !== null ? { assignee_id: agent } : {}),
    ...(viaAgent ? { via: 'agent' } : {}),
    ...(random() < 0.05 ? { tags: ['vip'] } : {}),
  });
  if (random() < 0.006) {
    at(t + 5 * MINUTE + random() * 2 * HOUR);
    push('ticket.deleted', agentActor(), { reason: 'spam' });
    return drafts;
  }
  let status = 'new';
  const setStatus = (next: string, actor: Draft['actor']) => {
    at(t + SECOND + random() * 20 * SECOND);
    push('ticket.status_changed', actor, { status: next });
    status = next;
  };
  const reply = () => {
    at(agentDelay());
    push('ticket.message', agentActor(), { direction: 'outbound', public: true });
  };
  const contact = (talkMedian: number) => {
    const talk = Math.round(lognormal(random, talkMedian, 0.7));
    const hold = random() < 0.4 ? Math.round(random() * 300) : 0;
    const wrap = Math.round(30 + random() * 210);
    at(t + (talk + hold + wrap) * SECOND);
    push('contact.completed', agentActor(), {
      agent_id: agentActor().id,
      talk_seconds: talk,
      hold_seconds: hold,
      wrap_seconds: wrap,
    });
  };

  if (agent === null) {
    at(officeHours(t + lognormal(random, 30 * MINUTE, 1), random));
    agent = pick(random, AGENTS.get(team.id)!);
    push('ticket.updated', { type: 'agent', id: AGENTS.get(team.id)![0]! }, { assignee_id: agent });
  }
  if (viaAgent) {
    // Outbound: the customer's first message starts the first-response clock.
    if (random() < 0.7) {
      at(customerDelay(3 * HOUR));
      push('ticket.message', customer, { direction: 'inbound', public: true });
    }
  }
  // First touch.
  if (channel === 'phone') {
    contact(6 * 60);
  } else if (channel === 'chat') {
    at(t + 30 * SECOND + random() * 3 * MINUTE);
    push('ticket.message', agentActor(), { direction: 'outbound', public: true });
    contact(11 * 60);
  } else {
    if (random() < 0.15) {
      at(agentDelay(0.5));
      push('ticket.message', agentActor(), { direction: 'outbound', public: false });
    }
    reply();
  }
  const quick = (channel === 'phone' || channel === 'chat') && random() < 0.6;
  if (!quick) setStatus(random() < 0.35 ? 'pending' : 'open', agentActor());

  if (!quick) {
    // Escalation to the second line (sometimes on to the third), reassignment, priority change.
    if (team.tier === 1 && random() < 0.06) {
      team = secondLineTeam(random);
      agent = pick(random, AGENTS.get(team.id)!);
      at(agentDelay(0.5));
      push('ticket.updated', agentActor(), { tier: 2, group: team.id, assignee_id: agent });
      if (random() < 0.2) {
        team = thirdLineTeam(random);
        agent = pick(random, AGENTS.get(team.id)!);
        at(agentDelay(2));
        push('ticket.updated', agentActor(), { tier: 3, group: team.id, assignee_id: agent });
      }
    } else if (random() < 0.07) {
      const other = pick(random, AGENTS.get(team.id)!);
      if (other !== agent) {
        at(agentDelay(0.5));
        agent = other;
        push('ticket.updated', agentActor(), { assignee_id: agent });
      }
    }
    if (random() < 0.04 && priority !== 'urgent') {
      at(agentDelay(0.3));
      push('ticket.updated', agentActor(), { priority: priority === 'high' ? 'urgent' : 'high' });
    }
    // Customer follow-ups, each answered.
    for (let round = 0; random() < (round === 0 ? 0.45 : 0.3) && round < 4; round++) {
      at(customerDelay(status === 'pending' ? 20 * HOUR : 6 * HOUR));
      push('ticket.message', customer, { direction: 'inbound', public: true });
      if (status === 'pending') setStatus('open', { type: 'system' });
      if (channel === 'phone' && random() < 0.5) contact(5 * 60);
      else reply();
      if (random() < 0.3) setStatus('pending', agentActor());
    }
    if (random() < 0.05) {
      setStatus('on_hold', agentActor());
      at(t + lognormal(random, 3 * DAY, 1));
      setStatus('open', agentActor());
    }
    if (random() < 0.3 && channel !== 'phone' && channel !== 'chat') contact(4 * 60);
    if (random() < 0.004) {
      at(agentDelay());
      push('ticket.deleted', agentActor(), {
        reason: 'merged',
        merged_into: `T${ticket > 0 ? Math.floor(random() * ticket) : 1}`,
      });
      return drafts;
    }
    if (random() < 0.005) return drafts; // forgotten: stays in the backlog
  }
  // Solve, sometimes a reopen and a second solve, then the automatic close.
  const solve = () => {
    at(status === 'pending' ? t + lognormal(random, 3 * DAY, 0.5) : agentDelay(0.4));
    push('ticket.status_changed', agentActor(), { status: 'solved' });
    status = 'solved';
  };
  solve();
  if (random() < 0.08) {
    at(t + lognormal(random, 30 * HOUR, 1));
    push('ticket.message', customer, { direction: 'inbound', public: true });
    setStatus('open', { type: 'system' });
    reply();
    solve();
  }
  if (random() < 0.85) {
    at(t + 4 * DAY + random() * HOUR);
    push('ticket.status_changed', { type: 'system' }, { status: 'closed' });
  }
  return drafts;
}

/** Tickets per day: growth over the span, weekly rhythm, a December dip. Sums to `tickets`. */
function dailyCounts(tickets: number): number[] {
  const days = Math.round((DATA_TO - DATA_FROM) / DAY);
  const weights: number[] = [];
  for (let d = 0; d < days; d++) {
    const date = new Date(DATA_FROM + d * DAY);
    const december = date.getUTCMonth() === 11 && date.getUTCDate() > 20 ? 0.7 : 1;
    weights.push((1 + (0.35 * d) / days) * WEEKDAY[date.getUTCDay()]! * december);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const counts: number[] = [];
  let cumulative = 0;
  let given = 0;
  for (const w of weights) {
    cumulative += (w / total) * tickets;
    const upTo = Math.round(cumulative);
    counts.push(upTo - given);
    given = upTo;
  }
  counts[counts.length - 1]! += tickets - given;
  return counts;
}

/** A min-heap of pending events by (instant, push order). */
class EventHeap {
  private items: Array<GeneratedEvent & { order: number }> = [];
  private order = 0;
  get size(): number {
    return this.items.length;
  }
  peekAt(): number {
    return this.items[0]?.at ?? Infinity;
  }
  push(e: GeneratedEvent): void {
    const item = { ...e, order: this.order++ };
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }
  pop(): GeneratedEvent {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.less(items[l]!, items[m]!)) m = l;
        if (r < items.length && this.less(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return { at: top.at, ticket: top.ticket, line: top.line };
  }
  private less(a: { at: number; order: number }, b: { at: number; order: number }): boolean {
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }
}

/** The events of `tickets` tickets, in `occurred_at` order (see the module doc). */
export function* generateEvents(options: {
  tickets: number;
  seed: number;
}): Generator<GeneratedEvent> {
  const random = rng(options.seed);
  const heap = new EventHeap();
  const counts = dailyCounts(options.tickets);
  let ticket = 0;
  for (let d = 0; d < counts.length; d++) {
    const dayStart = DATA_FROM + d * DAY;
    const created: number[] = [];
    for (let k = 0; k < counts[d]!; k++) {
      const hour = HOURS(random);
      const local = hour * HOUR + Math.floor(random() * HOUR);
      created.push(dayStart + local - warsawOffset(dayStart + 12 * HOUR));
    }
    created.sort((a, b) => a - b);
    for (const c of created) {
      while (heap.peekAt() < c) yield heap.pop();
      const id = `T${ticket}`;
      ticketDrafts(random, c, ticket).forEach((draft, i) => {
        if (draft.at >= DATA_TO) return;
        const line = JSON.stringify({
          id: `${id}-${i}`,
          type: draft.type,
          ticket_id: id,
          occurred_at: new Date(draft.at).toISOString(),
          actor: draft.actor,
          data: draft.data,
        });
        heap.push({ at: draft.at, ticket, line });
      });
      ticket++;
    }
  }
  while (heap.size > 0) yield heap.pop();
}
