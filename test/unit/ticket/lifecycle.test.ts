/**
 * Ticket existence: deletion (edge case 22), events before `ticket.created` and a late created
 * event (events.md "Ordering"), a repeated `ticket.created`. Monday = 2026-11-16.
 */
import { describe, expect, it } from 'vitest';
import { ticketContributions } from '../../../src/core/aggregate/contributions.js';
import { arriveInOrder, ticket } from '../../factories/ticket-stream.js';
import { at } from '../../factories/time.js';
import { clockOf, derive } from './support/derive.js';

const T0 = at('2026-11-16T09:00');
const M = 60_000;

describe('ticket.deleted removes the ticket from every metric, for all history', () => {
  const events = ticket()
    .created(T0, { priority: 'urgent', group: 'L1' })
    .agentReply(T0 + M)
    .contact(T0 + 2 * M, { talk_seconds: 60 })
    .status(T0 + 3 * M, 'solved')
    .deleted(T0 + 10 * M, 'merged', 'T9').events;
  const d = derive(events);

  it('keeps the attributes, flagged deleted', () => {
    expect(d.ticket).toMatchObject({
      deleted: true,
      deleted_at: T0 + 10 * M,
      deleted_reason: 'merged',
      merged_into: 'T9',
      group: 'L1',
      status: 'solved',
    });
  });

  it('yields no clocks, contacts, backlog or facts, and only the deleted volume count', () => {
    expect(d.clocks).toEqual([]);
    expect(d.contacts).toEqual([]);
    expect(d.backlog_segments).toEqual([]);
    expect(d.facts).toMatchObject({ created: null, first_solve: null, reopens: [], solves: [] });
    const rows = ticketContributions(d);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'volume',
      bucket: T0,
      measures: { created: 0, solved: 0, reopens: 0, deleted: 1 },
    });
  });

  it('a second deletion does not move the deletion instant', () => {
    const again = derive([
      ...events,
      ...ticket('T1')
        .deleted(T0 + 20 * M)
        .events.map((e) => ({ ...e, id: 'x' })),
    ]);
    expect(again.ticket.deleted_at).toBe(T0 + 10 * M);
  });
});

describe('events before ticket.created', () => {
  it('are ignored and counted as orphans until a created event sorts before them', () => {
    const s = ticket()
      .customerMessage(T0 - M)
      .status(T0 - M / 2, 'open');
    expect(derive(s.events).ticket).toMatchObject({ exists: false, orphan_events: 2 });
    expect(ticketContributions(derive(s.events))).toEqual([]);
    // created arrives late but occurred before them: they take effect
    const late = derive(arriveInOrder([...s.events, ...ticket().created(T0 - 2 * M).events]));
    expect(late.ticket).toMatchObject({ exists: true, status: 'open', orphan_events: 0 });
  });

  it('events occurring before the created instant stay ignored', () => {
    const d = derive(
      arriveInOrder([...ticket().status(T0 - M, 'pending').events, ...ticket().created(T0).events]),
    );
    expect(d.ticket).toMatchObject({ status: 'new', orphan_events: 1 });
  });

  it('events at the created instant that arrived before it take effect after it', () => {
    // an agent-created ticket whose first customer message shares the creation instant
    const events = arriveInOrder([
      ...ticket().customerMessage(T0).events,
      ...ticket().created(T0, { via: 'agent', priority: 'urgent' }).events,
    ]);
    const d = derive(events);
    expect(d.ticket.orphan_events).toBe(0);
    expect(clockOf(d, 'first_response').started_at).toBe(T0);
  });
});

describe('a second ticket.created', () => {
  it('updates the attributes it carries; status, via and created_at stay', () => {
    const d = derive(
      ticket()
        .created(T0, { priority: 'normal', group: 'L1' })
        .status(T0 + M, 'open')
        .created(T0 + 2 * M, { priority: 'urgent', group: 'L2', status: 'new', via: 'agent' })
        .events,
    );
    expect(d.ticket).toMatchObject({
      created_at: T0,
      priority: 'urgent',
      group: 'L2',
      status: 'open',
      via: 'customer',
      policy_id: 'urgent',
    });
  });
});
