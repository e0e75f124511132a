/**
 * Aggregate contributions of one ticket (metrics.md "Compliance", "Attribution", "Volume",
 * "Backlog"): kinds, 15-minute buckets, attribution at the decision instant, withdrawal of a
 * decision by a later event through diffContributions. Monday = 2026-11-16.
 */
import { describe, expect, it } from 'vitest';
import { ticketContributions } from '../../../src/core/aggregate/contributions.js';
import { diffContributions, mergeContributions } from '../../../src/core/aggregate/merge.js';
import { BUCKET_MS, bucketOf, type Contribution } from '../../../src/core/aggregate/types.js';
import { ticket } from '../../factories/ticket-stream.js';
import { at } from '../../factories/time.js';
import { derive } from '../ticket/support/derive.js';

const T0 = at('2026-11-16T09:00');
const M = 60_000;
const created = (r: Contribution) => (r.measures as unknown as Record<string, number>).created;
const byKind = (rows: Contribution[], kind: Contribution['kind']) =>
  rows.filter((r) => r.kind === kind);

describe('15-minute UTC buckets', () => {
  it.each([
    ['2026-11-16T09:14:59.999Z', '2026-11-16T09:00:00Z'],
    ['2026-11-16T09:15:00Z', '2026-11-16T09:15:00Z'],
    ['1969-12-31T23:59:59.999Z', '1969-12-31T23:45:00Z'],
  ])('%s → %s', (t, b) => {
    expect(bucketOf(Date.parse(t))).toBe(Date.parse(b));
  });
  it('local midnights of +05:45, +12:45 and −09:30 zones are bucket boundaries', () => {
    for (const local of [
      '2026-11-16T00:00:00+05:45',
      '2026-11-16T00:00:00+12:45',
      '2026-11-16T00:00:00-09:30',
    ]) {
      expect(Date.parse(local) % BUCKET_MS).toBe(0);
    }
  });
});

describe('ticket contributions', () => {
  // L1/a-1 urgent: created 09:00, reassigned to a-2 (L2) 09:10, reply 09:20 (first response
  // breached at 09:15 while still with a-2/L2? no: breach at 09:15 is after the 09:10 change)
  const events = ticket()
    .created(T0, { priority: 'urgent', group: 'L1', assignee_id: 'a-1', tier: 1 })
    .updated(T0 + 10 * M, { assignee_id: 'a-2', group: 'L2' })
    .agentReply(T0 + 20 * M)
    .contact(T0 + 25 * M, { agent_id: 'a-3', talk_seconds: 120.25, wrap_seconds: 30 })
    .updated(T0 + 26 * M, { tier: 2 })
    .status(T0 + 40 * M, 'solved').events;
  const rows = ticketContributions(derive(events));

  it('sla: one decided row per clock, attributed at the decision instant', () => {
    expect(byKind(rows, 'sla')).toEqual([
      {
        kind: 'sla',
        bucket: T0 + 15 * M,
        dims: {
          team: 'L2',
          agent: 'a-2',
          priority: 'urgent',
          channel: 'email',
          category: null,
          policy: 'urgent',
          metric: 'first_response',
        },
        measures: { achieved: 0, breached: 1, stopped: 1, elapsed_business_ms: 20 * M },
      },
      {
        kind: 'sla',
        bucket: T0 + 30 * M,
        dims: {
          team: 'L2',
          agent: 'a-2',
          priority: 'urgent',
          channel: 'email',
          category: null,
          policy: 'urgent',
          metric: 'resolution',
        },
        measures: { achieved: 1, breached: 0, stopped: 1, elapsed_business_ms: 40 * M },
      },
    ]);
  });

  it('fcr, volume, handle time, escalation, reassignment and backlog flow rows', () => {
    const l1 = {
      team: 'L1',
      agent: 'a-1',
      priority: 'urgent',
      channel: 'email',
      category: null,
      policy: 'urgent',
    };
    const l2 = { ...l1, team: 'L2', agent: 'a-2' };
    expect(byKind(rows, 'fcr')).toEqual([
      {
        kind: 'fcr',
        bucket: T0 + 30 * M,
        dims: l2,
        measures: { solved: 1, fcr: 0, zero_touch: 0, touched: 1, reopened: 0, escalated: 1 },
      },
    ]);
    expect(byKind(rows, 'volume').map((r) => [r.bucket, r.dims.team, r.measures])).toEqual([
      [T0, 'L1', { created: 1, solved: 0, reopens: 0, deleted: 0 }],
      [T0 + 30 * M, 'L2', { created: 0, solved: 1, reopens: 0, deleted: 0 }],
    ]);
    expect(byKind(rows, 'handle_time')).toEqual([
      {
        kind: 'handle_time',
        bucket: T0 + 15 * M,
        dims: { ...l2, agent: 'a-3' },
        measures: {
          contacts: 1,
          talk_ms: 120_250,
          hold_ms: 0,
          wrap_ms: 30_000,
          handle_ms: 150_250,
        },
      },
    ]);
    expect(byKind(rows, 'escalation')).toEqual([
      {
        kind: 'escalation',
        bucket: T0 + 15 * M,
        dims: { ...l2, from_tier: 1 },
        measures: { escalations: 1 },
      },
    ]);
    expect(byKind(rows, 'reassignment')).toEqual([
      { kind: 'reassignment', bucket: T0, dims: l1, measures: { reassignments: 1 } },
    ]);
    expect(byKind(rows, 'backlog_flow').map((r) => [r.bucket, r.measures])).toEqual([
      [T0, { entered: 1, left: 0 }],
      [T0 + 30 * M, { entered: 0, left: 1 }],
    ]);
  });

  it('a reopen withdraws the resolution decision and the FCR, at once (diff)', () => {
    const reopened = ticketContributions(
      derive([...events, ...ticket('T1').status(T0 + 60 * M, 'open').events]),
    );
    const delta = diffContributions(rows, reopened);
    expect(delta.filter((r) => r.kind === 'sla')).toEqual([
      expect.objectContaining({
        bucket: T0 + 30 * M,
        measures: { achieved: -1, breached: 0, stopped: -1, elapsed_business_ms: -40 * M },
      }),
    ]);
    expect(delta.filter((r) => r.kind === 'fcr')).toEqual([
      expect.objectContaining({
        measures: { solved: 0, fcr: 0, zero_touch: 0, touched: 0, reopened: 1, escalated: 0 },
      }),
    ]);
    expect(delta.filter((r) => r.kind === 'volume')).toEqual([
      expect.objectContaining({
        bucket: T0 + 60 * M,
        measures: { created: 0, solved: 0, reopens: 1, deleted: 0 },
      }),
    ]);
  });

  it('running clocks contribute nothing until decided', () => {
    const open = ticketContributions(derive(events.slice(0, 1)));
    expect(byKind(open, 'sla')).toEqual([]);
  });
});

describe('merge and diff', () => {
  const row = (bucket: number, team: string, count: number): Contribution => ({
    kind: 'volume',
    bucket,
    dims: { team, agent: null, priority: null, channel: null, category: null, policy: null },
    measures: { created: count, solved: 0, reopens: 0, deleted: 0 },
  });
  it('merge sums rows with equal kind, bucket and dims', () => {
    expect(
      mergeContributions([row(0, 'a', 1), row(0, 'a', 2), row(0, 'b', 1)]).map(created),
    ).toEqual([3, 1]);
  });
  it('diff is next − previous with zero rows dropped', () => {
    expect(
      diffContributions([row(0, 'a', 1), row(0, 'b', 1)], [row(0, 'a', 1), row(900_000, 'b', 1)]),
    ).toEqual([row(0, 'b', -1), row(900_000, 'b', 1)]);
    expect(diffContributions([row(0, 'a', 1)], [row(0, 'a', 1)])).toEqual([]);
  });
  it('merge does not alias its input', () => {
    const input = [row(0, 'a', 1)];
    (mergeContributions(input)[0]!.measures as unknown as Record<string, number>).created = 99;
    expect(created(input[0]!)).toBe(1);
  });
});
