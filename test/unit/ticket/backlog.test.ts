/**
 * Backlog segments (metrics.md "Backlog"; edge case 20): maximal `[from, to)` spans in a
 * backlog status with the attributes at the time; a new one whenever status or attribution
 * changes; none while solved/closed; no empty span for several events at one instant.
 */
import { describe, expect, it } from 'vitest';
import { backlogSegmentAt } from '../../../src/core/ticket/backlog.js';
import { ticket } from '../../factories/ticket-stream.js';
import { at } from '../../factories/time.js';
import { derive } from './support/derive.js';

const T0 = at('2026-11-16T09:00');
const M = 60_000;

describe('backlog segments', () => {
  const d = derive(
    ticket()
      .created(T0, { group: 'L1', priority: 'normal' })
      .updated(T0 + M, { assignee_id: 'a-1' })
      .updated(T0 + 2 * M, { requester_id: 'r-1', tags: ['x'] }) // not an attribution change
      .status(T0 + 3 * M, 'pending')
      .updated(T0 + 4 * M, { priority: 'urgent' }) // policy changes too
      .status(T0 + 5 * M, 'solved')
      .updated(T0 + 6 * M, { group: 'L2' }) // while solved: no segment
      .status(T0 + 7 * M, 'open').events,
  );

  it('splits on status and attribution changes, with the attributes at the time', () => {
    expect(
      d.backlog_segments.map((s) => [
        s.from - T0,
        s.to === null ? null : s.to - T0,
        s.status,
        s.group,
        s.assignee_id,
        s.priority,
        s.policy_id,
        s.calendar_id,
      ]),
    ).toEqual([
      [0, M, 'new', 'L1', null, 'normal', 'standard', 'office'],
      [M, 3 * M, 'new', 'L1', 'a-1', 'normal', 'standard', 'office'],
      [3 * M, 4 * M, 'pending', 'L1', 'a-1', 'normal', 'standard', 'office'],
      [4 * M, 5 * M, 'pending', 'L1', 'a-1', 'urgent', 'urgent', '24x7'],
      [7 * M, null, 'open', 'L2', 'a-1', 'urgent', 'urgent', '24x7'],
    ]);
  });

  it('answers "in the backlog at T" by range lookup, half-open', () => {
    expect(backlogSegmentAt(d.backlog_segments, T0 + 5 * M - 1)?.status).toBe('pending');
    expect(backlogSegmentAt(d.backlog_segments, T0 + 5 * M)).toBeNull();
    expect(backlogSegmentAt(d.backlog_segments, T0 + 7 * M)?.group).toBe('L2');
    expect(backlogSegmentAt(d.backlog_segments, T0 - 1)).toBeNull();
  });

  it('leaves no empty segment for several events at one instant', () => {
    // created new, then at one instant: open, assigned, pending, open again
    const same = derive(
      ticket()
        .created(T0)
        .status(T0 + M, 'open')
        .updated(T0 + M, { assignee_id: 'a-1' })
        .status(T0 + M, 'pending')
        .status(T0 + M, 'open')
        .status(T0 + 2 * M, 'solved')
        .status(T0 + 2 * M, 'open').events,
    );
    expect(same.backlog_segments.map((s) => [s.from - T0, s.to, s.status, s.assignee_id])).toEqual([
      [0, T0 + M, 'new', null],
      [M, null, 'open', 'a-1'],
    ]);
    // the zero-length solve is still a left and a reopen an entered, so the identity holds
    expect(same.facts.solves).toHaveLength(1);
    expect(same.facts.reopens).toHaveLength(1);
  });

  it('a ticket created solved never enters the backlog', () => {
    const solved = derive(ticket().created(T0, { status: 'solved' }).events);
    expect(solved.backlog_segments).toEqual([]);
    expect(solved.ticket.first_solved_at).toBe(T0);
    expect(solved.facts.solves).toEqual([]);
  });
});
