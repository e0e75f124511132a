/**
 * Resolution clock scenarios (metrics.md "SLA clocks"; edge cases 9, 10, 11, 19).
 * Policies: `urgent` on 24x7 (first 15 min, next 30 min, resolution 4 h); `standard` on
 * `office` = UTC Mon–Fri 09:00–17:00 (first 4 h, next 8 h, resolution 24 business hours).
 * Monday = 2026-11-16.
 */
import { describe, expect, it } from 'vitest';
import { ticket } from '../../factories/ticket-stream.js';
import { at, HOUR, MINUTE } from '../../factories/time.js';
import { clockOf, derive } from '../ticket/support/derive.js';

const S = 1000;

describe('resolution clock', () => {
  it.each([
    // rule: pending pauses resolution only; first response keeps running while pending
    {
      name: 'pending pauses resolution, not first response',
      status: 'pending' as const,
    },
    // rule: on_hold pauses resolution the same way
    { name: 'on_hold pauses resolution, not first response', status: 'on_hold' as const },
  ])('$name', ({ status }) => {
    // urgent 24x7: created 09:00, paused 09:05–10:05, reply 10:10, solved 10:20
    const d = derive(
      ticket()
        .created(at('2026-11-16T09:00'), { priority: 'urgent' })
        .status(at('2026-11-16T09:05'), status)
        .status(at('2026-11-16T10:05'), 'open')
        .agentReply(at('2026-11-16T10:10'))
        .status(at('2026-11-16T10:20'), 'solved').events,
    );
    const first = clockOf(d, 'first_response');
    expect(first.elapsed_business_seconds).toBe(70 * 60);
    expect(first.paused_calendar_seconds).toBe(0);
    expect(first.status).toBe('breached');
    expect(first.breached_at).toBe(at('2026-11-16T09:15'));
    const res = clockOf(d, 'resolution');
    // 09:00–09:05 + 10:05–10:20 = 20 minutes; 60 minutes paused
    expect(res.elapsed_business_seconds).toBe(20 * 60);
    expect(res.elapsed_calendar_seconds).toBe(20 * 60);
    expect(res.paused_calendar_seconds).toBe(60 * 60);
    expect(res.status).toBe('achieved');
    expect(res.segments.map((s) => [s.state, s.status])).toEqual([
      ['running', 'new'],
      ['paused', status],
      ['running', 'open'],
    ]);
  });

  it('reopen resumes with elapsed kept; time spent solved never counts (edge cases 10, 11)', () => {
    // urgent 24x7, target 4 h: runs 09:00–11:00 (2 h), solved 11:00–15:00, reopened 15:00,
    // runs until solved again at 17:30: 2 h + 2.5 h = 4.5 h > 4 h → breached at 17:00
    const events = ticket()
      .created(at('2026-11-16T09:00'), { priority: 'urgent' })
      .status(at('2026-11-16T11:00'), 'solved')
      .status(at('2026-11-16T15:00'), 'open')
      .status(at('2026-11-16T17:30'), 'solved').events;
    const afterFirstSolve = clockOf(derive(events.slice(0, 2)), 'resolution');
    expect(afterFirstSolve).toMatchObject({
      status: 'achieved',
      elapsed_business_seconds: 2 * 3600,
    });
    const reopened = clockOf(derive(events.slice(0, 3)), 'resolution');
    expect(reopened).toMatchObject({
      status: 'active',
      stopped_at: null,
      decision: null,
      running_since: at('2026-11-16T15:00'),
      due_at: at('2026-11-16T17:00'),
      elapsed_business_seconds: 2 * 3600,
    });
    const res = clockOf(derive(events), 'resolution');
    expect(res).toMatchObject({
      status: 'breached',
      breached_at: at('2026-11-16T17:00'),
      stopped_at: at('2026-11-16T17:30'),
      elapsed_business_seconds: 4.5 * 3600,
      elapsed_calendar_seconds: 4.5 * 3600,
      paused_calendar_seconds: 0,
    });
    expect(res.segments.map((s) => [s.from, s.to])).toEqual([
      [at('2026-11-16T09:00'), at('2026-11-16T11:00')],
      [at('2026-11-16T15:00'), at('2026-11-16T17:30')],
    ]);
  });

  it('ticket created outside business hours starts counting at the next opening (edge case 19)', () => {
    // standard/office: created Saturday 10:00, reply Monday 09:30
    const d = derive(
      ticket().created(at('2026-11-21T10:00')).agentReply(at('2026-11-23T09:30')).events,
    );
    const first = clockOf(d, 'first_response');
    expect(first.elapsed_business_seconds).toBe(30 * 60);
    expect(first.elapsed_calendar_seconds).toBe((47 * HOUR + 30 * MINUTE) / S);
    expect(first.status).toBe('achieved');
  });
});

describe('breach at a closing time (metrics.md; edge case 13)', () => {
  // standard/office, resolution 24 business hours: created Mon 09:00 → due Wed 17:00 (a close)
  const created = ticket().created(at('2026-11-16T09:00')).agentReply(at('2026-11-16T09:10'));
  it.each([
    // elapsed = target exactly at the close: within target
    { solvedAt: '2026-11-18T17:00:00Z', status: 'achieved', breachedAt: null, elapsed: 86400 },
    // still running after the close: breaches at the close, though no business time passed
    {
      solvedAt: '2026-11-18T17:30:00Z',
      status: 'breached',
      breachedAt: '2026-11-18T17:00:00Z',
      elapsed: 86400,
    },
    // a millisecond into the next day: breached at Wednesday's close
    {
      solvedAt: '2026-11-19T09:00:00.001Z',
      status: 'breached',
      breachedAt: '2026-11-18T17:00:00Z',
      elapsed: 86400.001,
    },
  ])('solved at $solvedAt → $status', ({ solvedAt, status, breachedAt, elapsed }) => {
    const events = [...created.events];
    const solve = ticket('T1').status(at(solvedAt), 'solved').events[0]!;
    const res = clockOf(derive([...events, { ...solve, id: 'solve' }]), 'resolution');
    expect(res.status).toBe(status);
    expect(res.breached_at).toBe(breachedAt === null ? null : at(breachedAt));
    expect(res.elapsed_business_seconds).toBe(elapsed);
    expect(res.decision?.at).toBe(breachedAt === null ? at(solvedAt) : at(breachedAt));
  });
});
