/**
 * Policy changes mid-clock (metrics.md "SLA policies"; edge cases 12, 14).
 * `urgent` on 24x7 (first 15 min, resolution 4 h); `standard` on office = UTC Mon–Fri
 * 09:00–17:00 (first 4 h, resolution 24 h). Monday = 2026-11-16.
 */
import { describe, expect, it } from 'vitest';
import { ticket } from '../../factories/ticket-stream.js';
import { policyList, STANDARD, URGENT } from '../../factories/policies.js';
import { foldContext } from '../../factories/context.js';
import { at } from '../../factories/time.js';
import { clockOf, derive, hasClock } from '../ticket/support/derive.js';

describe('priority change mid-clock (edge case 12)', () => {
  it('raising priority keeps start and elapsed; the new, already exceeded target breaches at the change', () => {
    // standard: created Mon 09:00; 10:00 priority → urgent (24x7, first 15 min, resolution 4 h)
    const d = derive(
      ticket()
        .created(at('2026-11-16T09:00'))
        .updated(at('2026-11-16T10:00'), { priority: 'urgent' }).events,
    );
    const first = clockOf(d, 'first_response');
    expect(first).toMatchObject({
      started_at: at('2026-11-16T09:00'),
      policy_id: 'urgent',
      calendar_id: '24x7',
      target_seconds: 900,
      status: 'breached',
      breached_at: at('2026-11-16T10:00'),
      elapsed_business_seconds: 3600,
    });
    expect(first.decision).toMatchObject({ priority: 'urgent', policy_id: 'urgent' });
    const res = clockOf(d, 'resolution');
    // 1 h counted on office, 3 h left on 24x7 from 10:00
    expect(res).toMatchObject({
      status: 'active',
      due_at: at('2026-11-16T13:00'),
      target_seconds: 14400,
    });
    expect(res.segments.map((s) => [s.policy_id, s.calendar_id, s.from, s.to])).toEqual([
      ['standard', 'office', at('2026-11-16T09:00'), at('2026-11-16T10:00')],
      ['urgent', '24x7', at('2026-11-16T10:00'), null],
    ]);
  });

  it('lowering priority: elapsed so far stays as counted on the old calendar, the rest on the new', () => {
    // urgent: created Fri 16:00 (24x7); 16:10 → normal (office, first 4 h).
    // 10 min counted on 24x7; 3 h 50 min left on office from Fri 16:10: 50 min Friday,
    // 3 h Monday → due Mon 12:00. Reply Mon 11:00: elapsed 10 + 50 + 120 min = 3 h.
    const base = ticket()
      .created(at('2026-11-20T16:00'), { priority: 'urgent' })
      .updated(at('2026-11-20T16:10'), { priority: 'normal' });
    const running = clockOf(derive(base.events), 'first_response');
    expect(running).toMatchObject({
      status: 'active',
      due_at: at('2026-11-23T12:00'),
      policy_id: 'standard',
    });
    const d = derive(base.agentReply(at('2026-11-23T11:00')).events);
    expect(clockOf(d, 'first_response')).toMatchObject({
      status: 'achieved',
      elapsed_business_seconds: 3 * 3600,
      elapsed_calendar_seconds: (67 * 60 * 60) / 1,
    });
  });
});

describe('tickets without a matching policy', () => {
  const urgentOnly = foldContext([policyList([URGENT])]);

  it('no policy → no clocks', () => {
    const d = derive(ticket().created(at('2026-11-16T09:00')).events, urgentOnly);
    expect(d.clocks).toEqual([]);
    expect(d.ticket.policy_id).toBeNull();
  });

  it('a policy matching later applies with targets measured from the metric start (Zendesk reading)', () => {
    // created normal 09:00 (no policy), pending 09:20–09:40, priority → urgent at 10:00:
    // first response from 09:00, 1 h elapsed → past its 15-min deadline (09:15) → breached then;
    // resolution replayed from 09:00 with the pending pause: 40 min elapsed
    const d = derive(
      ticket()
        .created(at('2026-11-16T09:00'))
        .status(at('2026-11-16T09:20'), 'pending')
        .status(at('2026-11-16T09:40'), 'open')
        .updated(at('2026-11-16T10:00'), { priority: 'urgent' }).events,
      urgentOnly,
    );
    expect(clockOf(d, 'first_response')).toMatchObject({
      started_at: at('2026-11-16T09:00'),
      status: 'breached',
      breached_at: at('2026-11-16T09:15'),
      elapsed_business_seconds: 3600,
    });
    // decided at 09:15 with the ticket as it was then (normal), under the policy it was measured by
    expect(clockOf(d, 'first_response').decision).toMatchObject({
      at: at('2026-11-16T09:15'),
      priority: 'normal',
      policy_id: 'urgent',
    });
    const res = clockOf(d, 'resolution');
    expect(res).toMatchObject({
      status: 'active',
      elapsed_business_seconds: 40 * 60,
      paused_calendar_seconds: 20 * 60,
    });
    expect(res.due_at).toBe(at('2026-11-16T13:20'));
  });

  it('losing the policy drops undecided clocks and keeps decided ones', () => {
    // urgent: reply 09:05 (first response decided); 09:30 → normal: resolution dropped
    const d = derive(
      ticket()
        .created(at('2026-11-16T09:00'), { priority: 'urgent' })
        .agentReply(at('2026-11-16T09:05'))
        .updated(at('2026-11-16T09:30'), { priority: 'normal' }).events,
      urgentOnly,
    );
    expect(d.clocks.map((c) => [c.metric, c.status])).toEqual([['first_response', 'achieved']]);
  });
});

describe('policy versions (edge case 14)', () => {
  const v1 = policyList([STANDARD], Date.parse('2026-11-10T00:00:00Z'), 1);
  const v2 = policyList(
    [{ ...STANDARD, id: 'standard-v2', targets: { first_response: 60 } }],
    at('2026-11-17T00:00'),
    2,
  );
  const ctx = foldContext([v1, v2]);

  it.each([
    { created: '2026-11-16T09:00', policy: 'standard', version: 1 },
    { created: '2026-11-17T09:00', policy: 'standard-v2', version: 2 },
    // before the first version: the first version
    { created: '2026-11-01T09:00', policy: 'standard', version: 1 },
  ])(
    'created $created → $policy v$version, kept for the ticket life',
    ({ created, policy, version }) => {
      const d = derive(
        ticket().created(at(created)).updated(at('2026-11-18T09:00'), { group: 'L2' }).events,
        ctx,
      );
      expect(d.ticket).toMatchObject({ policy_id: policy, policy_version: version });
      expect(clockOf(d, 'first_response').policy_version).toBe(version);
    },
  );

  it('a ticket whose policy changes takes effect only on matched attributes', () => {
    const d = derive(
      ticket()
        .created(at('2026-11-16T09:00'))
        .updated(at('2026-11-16T09:30'), { assignee_id: 'a-9' }).events,
    );
    expect(clockOf(d, 'first_response').segments).toHaveLength(1);
    expect(hasClock(d, 'resolution')).toBe(true);
  });
});
