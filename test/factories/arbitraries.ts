/**
 * fast-check generators of ticket event streams for the fold's invariants. Instants fall on a
 * 5-minute grid over two weeks from Monday 2026-11-16 00:00 UTC (so opening and closing times
 * are hit exactly), some with +1 ms, all distinct within a ticket. The created event is not
 * always the earliest, so orphans and late creations occur.
 */
import fc from 'fast-check';
import type {
  Actor,
  TicketCreatedData,
  TicketEvent,
  TicketStatus,
  TicketUpdatedData,
} from '../../src/core/events.js';
import { TICKET_STATUSES } from '../../src/core/events.js';
import type { PolicyListVersion } from '../../src/core/policy/types.js';
import { at, MINUTE } from './time.js';

export const GEN_BASE = at('2026-11-16T00:00');
const GRID = 5 * MINUTE;
const SLOTS = 4032; // 14 days of 5-minute slots

/** Policies that switch, attach and drop as attributes change, over two list versions. */
export const GEN_POLICIES: PolicyListVersion[] = [
  {
    version: 1,
    effectiveFrom: 0,
    policies: [
      {
        id: 'urgent',
        match: { priority: ['urgent'] },
        calendar_id: '24x7',
        targets: { first_response: 900, next_response: 1800, resolution: 14400 },
      },
      {
        id: 'vip',
        match: { tags: ['vip'] },
        calendar_id: 'office',
        targets: { first_response: 3600, next_response: 7200, resolution: 28800 },
        pause: { first_response: ['on_hold'], resolution: ['pending'] },
        at_risk: 0.5,
      },
      {
        id: 'l2',
        match: { group: ['L2'], tier: [2, 3] },
        calendar_id: 'office',
        targets: { resolution: 3600 },
      },
    ],
  },
  {
    version: 2,
    effectiveFrom: at('2026-11-23T00:00'),
    policies: [
      {
        id: 'urgent2',
        match: { priority: ['urgent'] },
        calendar_id: 'office',
        targets: { first_response: 1800, resolution: 7200 },
      },
      {
        id: 'standard',
        match: {},
        calendar_id: 'office',
        targets: { first_response: 14400, next_response: 28800, resolution: 86400 },
      },
    ],
  },
];

const priority = fc.constantFrom('urgent', 'normal', 'low');
const group = fc.constantFrom<string | null>('L1', 'L2', null);
const agent = fc.constantFrom<string | null>('a-1', 'a-2', 'a-3', null);
const tier = fc.constantFrom<number | null>(1, 2, 3, null);
const tags = fc.subarray(['vip', 'eu']);
const status = fc.constantFrom<TicketStatus>(...TICKET_STATUSES);

const createdData: fc.Arbitrary<TicketCreatedData> = fc.record({
  priority,
  channel: fc.constantFrom('email', 'phone'),
  status: fc.constantFrom<TicketStatus>('new', 'new', 'open', 'pending', 'solved'),
  group,
  assignee_id: agent,
  tier,
  tags,
  via: fc.constantFrom<'customer' | 'agent'>('customer', 'customer', 'agent'),
});

const updatedData: fc.Arbitrary<TicketUpdatedData> = fc.record(
  { priority, group, assignee_id: agent, tier, tags, category: fc.constantFrom('billing', 'tech') },
  { requiredKeys: [] },
);

/** An event without its envelope (id, ticket, instant, seq): one member per event type. */
type Body = {
  [K in TicketEvent['type']]: Pick<Extract<TicketEvent, { type: K }>, 'type' | 'data' | 'actor'>;
}[TicketEvent['type']];

const anyMessage: fc.Arbitrary<Body> = fc
  .record({
    direction: fc.constantFrom<'inbound' | 'outbound'>('inbound', 'outbound'),
    public: fc.boolean(),
    actor: fc.constantFrom<Actor>(
      { type: 'agent', id: 'a-1' },
      { type: 'customer' },
      { type: 'bot' },
      { type: 'system' },
    ),
  })
  .map(({ actor, ...data }): Body => ({ type: 'ticket.message', data, actor }));

/** Mostly customer messages and agent replies, some notes, bots and odd combinations. */
const message: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constant<Body>({
      type: 'ticket.message',
      data: { direction: 'inbound', public: true },
      actor: { type: 'customer' },
    }),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom('a-1', 'a-2').map((id): Body => ({
      type: 'ticket.message',
      data: { direction: 'outbound', public: true },
      actor: { type: 'agent', id },
    })),
  },
  { weight: 2, arbitrary: anyMessage },
);

const body: fc.Arbitrary<Body> = fc.oneof(
  {
    weight: 4,
    arbitrary: updatedData.map((data): Body => ({
      type: 'ticket.updated',
      data,
      actor: { type: 'agent' },
    })),
  },
  {
    weight: 6,
    arbitrary: status.map((s): Body => ({
      type: 'ticket.status_changed',
      data: { status: s },
      actor: { type: 'agent' },
    })),
  },
  { weight: 8, arbitrary: message },
  {
    weight: 2,
    arbitrary: fc
      .record({
        agent_id: fc.constantFrom('a-1', 'a-2'),
        talk_seconds: fc.integer({ min: 0, max: 900 }),
        hold_seconds: fc.constantFrom(0, 30.5),
        wrap_seconds: fc.integer({ min: 0, max: 60 }),
      })
      .map((data): Body => ({ type: 'contact.completed', data, actor: { type: 'agent' } })),
  },
  {
    weight: 1,
    arbitrary: fc.constant<Body>({
      type: 'ticket.deleted',
      data: { reason: 'spam' },
      actor: { type: 'agent' },
    }),
  },
  {
    weight: 1,
    arbitrary: createdData.map((data): Body => ({
      type: 'ticket.created',
      data,
      actor: { type: 'customer' },
    })),
  },
);

/**
 * Events of one ticket, sorted by occurred_at, with seq in that order (in-order delivery).
 * The span varies (a day, half a week, two weeks); created comes first 70% of the time.
 */
export function ticketStream(ticketId: string, maxEvents = 24): fc.Arbitrary<TicketEvent[]> {
  return fc.array(body, { maxLength: maxEvents }).chain((bodies) =>
    fc
      .tuple(
        createdData,
        fc.constantFrom(288, 1008, SLOTS).chain((span) =>
          fc.uniqueArray(fc.integer({ min: 0, max: span }), {
            minLength: bodies.length + 1,
            maxLength: bodies.length + 1,
          }),
        ),
        fc.integer({ min: 0, max: 9 }),
      )
      .map(([created, slots, dice]) => {
        if (dice < 7) slots.sort((a, b) => a - b);
        const all: Body[] = [
          { type: 'ticket.created', data: created, actor: { type: 'customer' } },
          ...bodies,
        ];
        const events = all.map((b, i) => ({
          ...b,
          id: `${ticketId}-${i}`,
          ticketId,
          occurredAt: GEN_BASE + slots[i]! * GRID + (slots[i]! % 7 === 0 ? 1 : 0),
          seq: 0,
        }));
        return events
          .sort((a, b) => a.occurredAt - b.occurredAt)
          .map((e, i) => ({ ...e, seq: i + 1 }));
      }),
  );
}

/** Several tickets' streams. */
export function ticketStreams(maxTickets = 4, maxEvents = 16): fc.Arbitrary<TicketEvent[][]> {
  return fc
    .integer({ min: 1, max: maxTickets })
    .chain((n) =>
      fc.tuple(...Array.from({ length: n }, (_, i) => ticketStream(`T${i}`, maxEvents))),
    );
}

/** A permutation of `items` (an arrival order). */
export function permutationOf<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
}

/** Events in the given arrival order, seq = arrival index. */
export function arrive(events: readonly TicketEvent[]): TicketEvent[] {
  return events.map((e, i) => ({ ...e, seq: i + 1 }));
}
