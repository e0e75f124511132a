/**
 * The fold of an ingest batch without a database (core/aggregate/fold-batch.ts): which tickets
 * continue their cached state, which are refolded from their log and which are new; every
 * ticket ends as a fold of its whole log would leave it; a ticket whose fold throws lands in the
 * failures while the others still fold; and the rollup deltas are each ticket's new
 * contributions minus its previous ones.
 */
import { describe, expect, it } from 'vitest';
import {
  contributionKey,
  MEASURE_NAMES,
  ticketContributions,
  type Contribution,
} from '../../../src/core/aggregate/index.js';
import {
  foldBatch,
  foldInstantRange,
  planFolds,
  recordsOf,
  type FoldBatchInput,
  type TicketRowState,
} from '../../../src/core/aggregate/fold-batch.js';
import type { TicketEvent } from '../../../src/core/events.js';
import { deriveTicket, foldTicket, type TicketState } from '../../../src/core/ticket/index.js';
import { foldContext } from '../../factories/context.js';
import { ticket } from '../../factories/ticket-stream.js';
import { at, MINUTE } from '../../factories/time.js';

const ctx = foldContext();
const REVISION = 3;
const T0 = at('2026-11-16T09:00');

/** Each ticket's stored log (`old`) and the events the batch brings (`fresh`). */
function logs(): Record<string, { old: TicketEvent[]; fresh: TicketEvent[] }> {
  const continued = ticket('continued')
    .created(T0, { priority: 'urgent' })
    .customerMessage(T0 + MINUTE)
    .agentReply(T0 + 30 * MINUTE)
    .status(T0 + 40 * MINUTE, 'solved').events;
  const late = ticket('late')
    .created(T0)
    .agentReply(T0 + 20 * MINUTE)
    .customerMessage(T0 + 10 * MINUTE).events;
  const fresh = ticket('new')
    .created(T0 + 5 * MINUTE)
    .agentReply(T0 + 6 * MINUTE).events;
  const reconfigured = ticket('reconfigured')
    .created(T0)
    .agentReply(T0 + 3 * MINUTE).events;
  // An event the calendar engine refuses (outside its range): the fold throws.
  const poisoned = ticket('poisoned').created(T0).customerMessage(at('9999-06-01T00:00')).events;
  return {
    continued: { old: continued.slice(0, 2), fresh: continued.slice(2) },
    late: { old: late.slice(0, 2), fresh: late.slice(2) },
    new: { old: [], fresh },
    reconfigured: { old: reconfigured, fresh: [] },
    poisoned: { old: poisoned.slice(0, 1), fresh: poisoned.slice(1) },
  };
}

const contributionsOf = (state: TicketState) =>
  ticketContributions(deriveTicket(state, ctx, { segments: false }));

/** What ingest's fold step would load for the batch, with every ticket's cache entry current. */
function inputs(): FoldBatchInput & { all: Map<string, TicketEvent[]> } {
  const byTicket = logs();
  const ids = Object.keys(byTicket);
  const all = new Map(ids.map((id) => [id, [...byTicket[id]!.old, ...byTicket[id]!.fresh]]));
  const newEvents = new Map(ids.map((id) => [id, byTicket[id]!.fresh]));
  const rows = new Map<string, TicketRowState>(
    ids.map((id) => [
      id,
      {
        created: id === 'new',
        configRevision: id === 'reconfigured' ? REVISION - 1 : REVISION,
        foldFailed: false,
      },
    ]),
  );
  const cached = new Map<string, { state: TicketState; contributions: Contribution[] }>();
  for (const id of ids) {
    if (id === 'new') continue;
    const state = foldTicket(byTicket[id]!.old, ctx);
    cached.set(id, { state, contributions: contributionsOf(state) });
  }
  const plan = planFolds(ids, rows, newEvents, cached, { revision: REVISION });
  const logsOf = new Map([...plan.refold].map((id) => [id, all.get(id)!]));
  const previous = new Map([...cached].map(([id, c]) => [id, c.contributions]));
  return { ids, rows, plan, logs: logsOf, ctx, revision: REVISION, previous, all };
}

/** Rows summed by cell, `sign` times; cells summing to zero are left out. */
function net(into: Map<string, Record<string, number>>, rows: readonly Contribution[], sign = 1) {
  for (const row of rows) {
    const key = contributionKey(row);
    const cell = into.get(key) ?? {};
    const measures = row.measures as unknown as Record<string, number>;
    for (const name of MEASURE_NAMES[row.kind]) {
      cell[name] = (cell[name] ?? 0) + sign * (measures[name] ?? 0);
    }
    into.set(key, cell);
  }
  return into;
}
const nonZero = (cells: Map<string, Record<string, number>>) =>
  new Map([...cells].filter(([, cell]) => Object.values(cell).some((v) => v !== 0)));

describe('planFolds', () => {
  it('continues a current cached state, refolds a late event or another revision, and starts a new ticket from its events', () => {
    const { plan } = inputs();
    expect([...plan.continued.keys()]).toEqual(['continued', 'poisoned']);
    expect([...plan.fromNew.keys()]).toEqual(['new']);
    expect([...plan.refold]).toEqual(['late', 'reconfigured']);
  });

  it('refolds every ticket with `refold`, and a ticket whose last fold failed', () => {
    const { ids, rows, plan: _plan, ...rest } = inputs();
    const cached = new Map<string, { state?: TicketState }>();
    const all = planFolds(ids, rows, rest.all, cached, { revision: REVISION, refold: true });
    expect([...all.refold]).toEqual(ids);
    const failed = new Map(rows);
    failed.set('continued', { ...rows.get('continued')!, foldFailed: true });
    const state = foldTicket(logs().continued!.old, ctx);
    const plan = planFolds(['continued'], failed, rest.all, new Map([['continued', { state }]]), {
      revision: REVISION,
    });
    expect([...plan.refold]).toEqual(['continued']);
  });

  it('covers every instant the folds compute with', () => {
    const input = inputs();
    const [from, to] = foldInstantRange(input.plan, input.logs);
    expect(from).toBe(T0);
    expect(to).toBe(at('9999-06-01T00:00'));
  });
});

describe('foldBatch', () => {
  it('folds every ticket as its whole log would, and reports the one that fails', () => {
    const input = inputs();
    const batch = foldBatch(input);
    expect([...batch.failed.keys()]).toEqual(['poisoned']);
    expect(batch.failed.get('poisoned')).toMatch(/^RangeError: /);
    expect(batch.folded.map((f) => f.id)).toEqual(['continued', 'late', 'new', 'reconfigured']);
    for (const f of batch.folded) {
      const whole = foldTicket(input.all.get(f.id)!, ctx);
      expect(f.state).toEqual(whole);
      expect(f.derived).toEqual(deriveTicket(whole, ctx, { segments: false }));
      expect(f.contributions.rows).toEqual(contributionsOf(whole));
    }
  });

  it('continues the cached state in place', () => {
    const input = inputs();
    const cachedState = input.plan.continued.get('continued')!.state;
    const batch = foldBatch(input);
    expect(batch.folded.find((f) => f.id === 'continued')!.state).toBe(cachedState);
  });

  it('records what to write of each folded ticket', () => {
    const batch = foldBatch(inputs());
    const record = (id: string) => batch.records.find((r) => r.ticketId === id)!;
    expect(batch.records.map((r) => r.ticketId)).toEqual(batch.folded.map((f) => f.id));
    expect(record('new')).toMatchObject({ created: true, contributionsStored: false });
    expect(record('continued')).toMatchObject({ created: false, contributionsStored: false });
    // Refolded with the same events: its stored contributions already are the new ones.
    expect(record('reconfigured')).toMatchObject({ contributionsStored: true });
    for (const r of batch.records) expect(r.configRevision).toBe(REVISION);
  });

  it('adds each ticket new − old contributions to the rollup deltas', () => {
    const input = inputs();
    const batch = foldBatch(input);
    const expected = new Map<string, Record<string, number>>();
    for (const f of batch.folded) {
      net(expected, contributionsOf(foldTicket(input.all.get(f.id)!, ctx)));
      net(expected, input.previous.get(f.id) ?? [], -1);
    }
    expect(expected.size).toBeGreaterThan(0);
    expect(nonZero(net(new Map(), batch.deltas.rows()))).toEqual(nonZero(expected));
  });

  it('gives the records and deltas of a subset again, leaving its inputs as they were', () => {
    const input = inputs();
    const batch = foldBatch(input);
    const kept = batch.folded.filter((f) => f.id !== 'new');
    const again = recordsOf(kept, input);
    expect(again.records.map((r) => r.ticketId)).toEqual(['continued', 'late', 'reconfigured']);
    const expected = net(new Map(), batch.deltas.rows());
    net(expected, batch.folded.find((f) => f.id === 'new')!.contributions.rows, -1);
    expect(nonZero(net(new Map(), again.deltas.rows()))).toEqual(nonZero(expected));
  });
});
