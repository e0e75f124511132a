/**
 * The demo's generated help desk (src/demo): the same seed gives the same events; every ticket's
 * history is strictly increasing in time and ends before "now"; the mix of lines, channels,
 * pauses, contacts, reopens and agents is what the profile promises; and folded by the core with
 * the demo's own calendars and SLA policies, some clocks breach (not none, not most) and some open
 * tickets are about to.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { alwaysOpenCalendar, compileCalendar } from '../../../src/core/calendar/index.js';
import type { SlaPolicy } from '../../../src/core/policy/types.js';
import { foldTicket, type FoldContext, type TicketState } from '../../../src/core/ticket/index.js';
import {
  OFFICE_CALENDAR_ID,
  OFFICE_HOURS,
  slaPoliciesBody,
} from '../../../src/demo/demo-config.js';
import { configFrom, DEMO_AGENTS, demoProfile } from '../../../src/demo/demo-profile.js';
import { generateEvents } from '../../../src/demo/generator.js';
import { toCoreEvent } from '../../../src/ingest/to-core-event.js';
import { validateEvent } from '../../../src/ingest/validate-event.js';

/** A Thursday, 11:17 in Warsaw. */
const NOW = Date.UTC(2026, 11, 3, 10, 17, 23, 456);
const TICKETS = 2_000;
const SEED = 15;

interface WireEvent {
  id: string;
  type: string;
  ticket_id: string;
  occurred_at: string;
  actor: { type: string; id?: string };
  data: Record<string, unknown>;
}

function generate(seed = SEED, tickets = TICKETS, now = NOW) {
  return [...generateEvents(demoProfile(now), { tickets, seed })];
}

let lines: string[];
let events: WireEvent[];
let byTicket: Map<string, WireEvent[]>;

beforeAll(() => {
  lines = generate().map((e) => e.line);
  events = lines.map((l) => JSON.parse(l) as WireEvent);
  byTicket = new Map();
  for (const e of events) byTicket.set(e.ticket_id, [...(byTicket.get(e.ticket_id) ?? []), e]);
});

const share = (n: number, of: number) => n / of;
const tickets = (test: (history: WireEvent[]) => boolean) =>
  [...byTicket.values()].filter(test).length;

describe('the demo generator', () => {
  it('gives the same events for the same seed and "now", and others for another seed', () => {
    expect(generate().map((e) => e.line)).toEqual(lines);
    expect(generate(SEED + 1).map((e) => e.line)).not.toEqual(lines);
  });

  it('creates exactly the tickets asked for, each with one ticket.created, ids unique', () => {
    expect(byTicket.size).toBe(TICKETS);
    for (const history of byTicket.values()) {
      expect(history.filter((e) => e.type === 'ticket.created')).toHaveLength(1);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('sends events in time order; each ticket strictly increasing, created first', () => {
    const at = events.map((e) => Date.parse(e.occurred_at));
    for (let i = 1; i < at.length; i++) expect(at[i]).toBeGreaterThanOrEqual(at[i - 1]!);
    for (const history of byTicket.values()) {
      expect(history[0]!.type).toBe('ticket.created');
      const times = history.map((e) => Date.parse(e.occurred_at));
      for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]!);
    }
  });

  it('spans the six months up to "now" and nothing at or after it', () => {
    const at = events.map((e) => Date.parse(e.occurred_at));
    const from = demoProfile(NOW).from;
    expect(Math.max(...at)).toBeLessThan(NOW);
    expect(Math.min(...at)).toBeGreaterThanOrEqual(from - 86_400_000);
    expect(Math.min(...at)).toBeLessThan(from + 3 * 86_400_000);
    expect(Math.max(...at)).toBeGreaterThan(NOW - 86_400_000);
    expect(new Date(from).toISOString()).toBe('2026-06-03T00:00:00.000Z');
  });

  it('is accepted, event by event, by the ingest validation', () => {
    const invalid = events.filter((e) => !validateEvent(e).ok);
    expect(invalid).toEqual([]);
  });

  it('routes new tickets to the first line and escalates some to the second and third', () => {
    for (const history of byTicket.values()) {
      expect(history[0]!.data.tier).toBe(1);
      expect(String(history[0]!.data.group)).toMatch(/^l1-/);
    }
    const reached = (tier: number) =>
      tickets((h) => h.some((e) => e.type === 'ticket.updated' && e.data.tier === tier));
    expect(share(reached(2), TICKETS)).toBeGreaterThan(0.06);
    expect(share(reached(2), TICKETS)).toBeLessThan(0.18);
    expect(share(reached(3), TICKETS)).toBeGreaterThan(0.01);
    expect(share(reached(3), TICKETS)).toBeLessThan(0.06);
  });

  it('has email, portal, chat and phone tickets in about the profile’s proportions', () => {
    const counts = new Map<string, number>();
    for (const history of byTicket.values()) {
      const channel = String(history[0]!.data.channel);
      counts.set(channel, (counts.get(channel) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['chat', 'email', 'phone', 'portal']);
    const expected = { email: 0.4, portal: 0.25, chat: 0.2, phone: 0.15 };
    for (const [channel, want] of Object.entries(expected)) {
      expect(Math.abs(share(counts.get(channel)!, TICKETS) - want)).toBeLessThan(0.04);
    }
  });

  it('has pauses, contacts with handle time, reassignments, reopens and deletions', () => {
    const status = (s: string) => (h: WireEvent[]) =>
      h.some((e) => e.type === 'ticket.status_changed' && e.data.status === s);
    expect(share(tickets(status('pending')), TICKETS)).toBeGreaterThan(0.2);
    expect(share(tickets(status('on_hold')), TICKETS)).toBeGreaterThan(0.02);
    expect(share(tickets(status('on_hold')), TICKETS)).toBeLessThan(0.12);
    const live = [...byTicket.values()].filter((h) =>
      ['phone', 'chat'].includes(String(h[0]!.data.channel)),
    );
    const contacted = live.filter((h) =>
      h.some((e) => e.type === 'contact.completed' && Number(e.data.talk_seconds) > 0),
    );
    expect(share(contacted.length, live.length)).toBeGreaterThan(0.95);
    // events.md: a reassignment changes a non-null assignee to another; a reopen leaves solved.
    const reassigned = tickets((h) => {
      let assignee: unknown = null;
      return h.some((e) => {
        if (!('assignee_id' in e.data)) return false;
        const changed = assignee !== null && e.data.assignee_id !== assignee;
        assignee = e.data.assignee_id;
        return changed && !('tier' in e.data);
      });
    });
    expect(share(reassigned, TICKETS)).toBeGreaterThan(0.02);
    expect(share(reassigned, TICKETS)).toBeLessThan(0.12);
    const reopened = tickets((h) =>
      h.some(
        (e, i) =>
          e.type === 'ticket.status_changed' &&
          e.data.status === 'open' &&
          h.slice(0, i).some((p) => p.data.status === 'solved'),
      ),
    );
    expect(share(reopened, TICKETS)).toBeGreaterThan(0.03);
    expect(share(reopened, TICKETS)).toBeLessThan(0.12);
    const deleted = tickets((h) => h.some((e) => e.type === 'ticket.deleted'));
    expect(share(deleted, TICKETS)).toBeGreaterThan(0.002);
    expect(share(deleted, TICKETS)).toBeLessThan(0.03);
  });

  it('spreads the work over the 40 agents and no one else', () => {
    const known = new Set([...DEMO_AGENTS.values()].flat());
    expect(known.size).toBe(40);
    const seen = new Set(events.flatMap((e) => (e.actor.type === 'agent' ? [e.actor.id] : [])));
    expect([...seen].filter((id) => !known.has(id!))).toEqual([]);
    expect(seen.size).toBe(40);
  });
});

describe('the demo help desk folded with its own calendars and policies', () => {
  let states: TicketState[];

  beforeAll(() => {
    const effectiveFrom = configFrom(demoProfile(NOW).from);
    const office = compileCalendar([{ version: 1, effectiveFrom, definition: OFFICE_HOURS }]);
    const ctx: FoldContext = {
      policyVersions: [
        {
          version: 1,
          effectiveFrom,
          policies: slaPoliciesBody(effectiveFrom).policies as SlaPolicy[],
        },
      ],
      calendar: (id) =>
        id === OFFICE_CALENDAR_ID ? office : id === '24x7' ? alwaysOpenCalendar() : undefined,
      defaultCalendarId: OFFICE_CALENDAR_ID,
      fcrWindowDays: 7,
    };
    let seq = 0;
    states = [...byTicket.values()].map((history) =>
      foldTicket(
        history.map((e) => {
          const checked = validateEvent(e);
          if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
          return toCoreEvent(checked.event, ++seq);
        }),
        ctx,
      ),
    );
  });

  it('breaches some decided clocks, not none and not most', () => {
    const clocks = states.flatMap((s) => (s.deleted ? [] : s.clocks));
    const breached = clocks.filter(
      (c) => c.breachedAt !== null || (c.dueAt !== null && c.dueAt <= NOW),
    ).length;
    const achieved = clocks.filter((c) => c.stoppedAt !== null && c.breachedAt === null).length;
    const breachShare = breached / (breached + achieved);
    expect(breachShare).toBeGreaterThan(0.04);
    expect(breachShare).toBeLessThan(0.3);
  });

  it('leaves a backlog at "now" with clocks due within the next day', () => {
    const open = states.filter(
      (s) => !s.deleted && ['new', 'open', 'pending', 'on_hold'].includes(s.status),
    );
    expect(open.length).toBeGreaterThan(0);
    expect(share(open.length, TICKETS)).toBeLessThan(0.1);
    const dueSoon = open.flatMap((s) =>
      s.clocks.filter(
        (c) =>
          c.phase === 'running' && c.dueAt !== null && c.dueAt > NOW && c.dueAt < NOW + 86_400_000,
      ),
    );
    expect(dueSoon.length).toBeGreaterThan(0);
  });
});
