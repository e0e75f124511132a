/**
 * Reassignments, functional escalations, reopens and handle time (metrics.md "Reopens and
 * escalations", "Handle time"; events.md "Derived meanings"). Monday = 2026-11-16.
 */
import { describe, expect, it } from 'vitest';
import { ticket } from '../../factories/ticket-stream.js';
import { at } from '../../factories/time.js';
import { derive } from './support/derive.js';

const T0 = at('2026-11-16T09:00');
const M = 60_000;

describe('reassignments', () => {
  it('count only changes from one agent to another, attributed to the agent it was taken from', () => {
    // null → a-1 (assignment), a-1 → a-2 (reassignment), a-2 → null, null → a-3, a-3 → a-3 (no change)
    const d = derive(
      ticket()
        .created(T0, { group: 'L1' })
        .updated(T0 + M, { assignee_id: 'a-1' })
        .updated(T0 + 2 * M, { assignee_id: 'a-2', group: 'L2' })
        .updated(T0 + 3 * M, { assignee_id: null })
        .updated(T0 + 4 * M, { assignee_id: 'a-3' })
        .updated(T0 + 5 * M, { assignee_id: 'a-3' }).events,
    );
    expect(d.ticket.reassignments).toBe(1);
    expect(d.facts.reassignments).toEqual([
      expect.objectContaining({
        at: T0 + 2 * M,
        from_agent: 'a-1',
        to_agent: 'a-2',
        assignee_id: 'a-1',
        group: 'L1',
      }),
    ]);
  });
});

describe('functional escalations', () => {
  it.each([
    // created at tier 1; 1 → 2 → 3 are two escalations; 3 → 1 → 2 is not (2 is not above 3)
    {
      tiers: [2, 3, 1, 2],
      expected: [
        [1, 2],
        [2, 3],
      ],
    },
    // the first tier a ticket gets is its baseline
    { created: null, tiers: [2, 3], expected: [[2, 3]] },
    // a cleared tier escalates from the highest tier before
    {
      tiers: [2, null, 3],
      expected: [
        [1, 2],
        [2, 3],
      ],
    },
  ])('tiers $tiers → $expected', ({ created, tiers, expected }) => {
    const s = ticket().created(T0, { tier: created === null ? null : 1 });
    tiers.forEach((tier, i) => s.updated(T0 + (i + 1) * M, { tier }));
    const d = derive(s.events);
    expect(d.facts.escalations.map((e) => [e.from_tier, e.to_tier])).toEqual(expected);
    expect(d.ticket.escalations).toBe(expected.length);
  });
});

describe('reopens', () => {
  it('every solved/closed → backlog transition is a reopen; solved → closed is not', () => {
    const d = derive(
      ticket()
        .created(T0)
        .status(T0 + M, 'solved')
        .status(T0 + 2 * M, 'closed')
        .status(T0 + 3 * M, 'pending')
        .status(T0 + 4 * M, 'solved')
        .status(T0 + 5 * M, 'open').events,
    );
    expect(d.facts.reopens.map((r) => [r.at, r.status])).toEqual([
      [T0 + 3 * M, 'pending'],
      [T0 + 5 * M, 'open'],
    ]);
    expect(d.facts.solves.map((r) => r.at)).toEqual([T0 + M, T0 + 4 * M]);
    expect(d.ticket).toMatchObject({
      reopens: 2,
      first_solved_at: T0 + M,
      last_solved_at: T0 + 4 * M,
    });
  });
});

describe('handle time', () => {
  it('handle = talk + hold + wrap per contact, with channel default and group at the contact end', () => {
    const d = derive(
      ticket()
        .created(T0, { channel: 'phone', group: 'L1' })
        .contact(T0 + 10 * M, {
          agent_id: 'a-1',
          talk_seconds: 300,
          hold_seconds: 60,
          wrap_seconds: 30.5,
          started_at: T0,
        })
        .updated(T0 + 20 * M, { group: 'L2' })
        .contact(T0 + 30 * M, { agent_id: 'a-2', channel: 'chat', talk_seconds: 100 }).events,
    );
    expect(d.contacts).toEqual([
      expect.objectContaining({
        ended_at: T0 + 10 * M,
        started_at: T0,
        agent_id: 'a-1',
        channel: 'phone',
        group: 'L1',
        handle_seconds: 390.5,
      }),
      expect.objectContaining({
        ended_at: T0 + 30 * M,
        agent_id: 'a-2',
        channel: 'chat',
        group: 'L2',
        handle_seconds: 100,
      }),
    ]);
    expect(d.ticket).toMatchObject({ contacts: 2, handle_seconds: 490.5, touches: 2 });
  });
});
