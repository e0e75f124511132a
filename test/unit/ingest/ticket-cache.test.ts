import { describe, expect, it } from 'vitest';
import type { TicketState } from '../../../src/core/ticket/index.js';
import { initialState } from '../../../src/core/ticket/index.js';
import { keepsState, TicketCache, type CachedTicket } from '../../../src/ingest/ticket-cache.js';
import { decodeContributions, encodeContributions } from '../../../src/storage/derived-rows.js';

const entry = (rev: string): CachedTicket => ({
  rev,
  state: { rev } as unknown as TicketState,
  contributions: [],
  rows: { clocks: '', contacts: '', segments: '' },
});

describe('TicketCache', () => {
  it('gives an entry only for the rev it was written at, and takes it out', () => {
    const cache = new TicketCache(10);
    const e = entry('100');
    cache.put('t', 'a', e);
    expect(cache.take('t', 'a', '100')).toEqual(e);
    expect(cache.take('t', 'a', '100')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('gives back contributions equal to those put, as the stored encoding reads them', () => {
    const cache = new TicketCache(10);
    const contributions = decodeContributions(
      encodeContributions([
        {
          kind: 'volume',
          bucket: 19_700,
          dims: { team: 'L1', agent: 'a1', priority: 'high', channel: null },
          measures: { created: 1, reopens: 2 },
        },
        {
          kind: 'sla',
          bucket: 19_701,
          dims: { team: 'L1', priority: 'high', channel: 'email', metric: 'first_response' },
          measures: { breached: 1, elapsed_business_ms: 3_600_000 },
        },
      ] as never),
    );
    const state = initialState();
    cache.put('t', 'a', { ...entry('7'), state, contributions });
    contributions[0]!.measures = { created: 5 } as never;
    const taken = cache.take('t', 'a', '7')!;
    expect(taken.state).toBe(state);
    expect(taken.contributions).toEqual(
      decodeContributions(
        encodeContributions([
          { ...contributions[0]!, measures: { created: 1, reopens: 2 } },
        ] as never),
      ).concat(contributions.slice(1)),
    );
    expect(taken.contributions[1]!.measures).toMatchObject({ breached: 1, achieved: 0 });
  });

  it.each([
    ['another rev', '101'],
    ['a ticket never written', null],
  ])('drops the entry when the stored row has %s', (_what, rev) => {
    const cache = new TicketCache(10);
    cache.put('t', 'a', entry('100'));
    expect(cache.take('t', 'a', rev)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps tenants apart', () => {
    const cache = new TicketCache(10);
    cache.put('t1', 'a', entry('1'));
    expect(cache.take('t2', 'a', '1')).toBeUndefined();
    expect(cache.take('t1', 'a', '1')?.rev).toBe('1');
  });

  it('evicts the least recently written entry past its size', () => {
    const cache = new TicketCache(2);
    cache.put('t', 'a', entry('1'));
    cache.put('t', 'b', entry('2'));
    cache.put('t', 'a', entry('3'));
    cache.put('t', 'c', entry('4'));
    expect(cache.size).toBe(2);
    expect(cache.take('t', 'b', '2')).toBeUndefined();
    expect(cache.take('t', 'a', '3')?.rev).toBe('3');
    expect(cache.take('t', 'c', '4')?.rev).toBe('4');
  });

  it('holds nothing with size 0', () => {
    const cache = new TicketCache(0);
    cache.put('t', 'a', entry('1'));
    expect(cache.size).toBe(0);
  });

  it.each([
    ['new', null, true],
    ['solved', null, true],
    ['pending', null, true],
    ['closed', null, false],
    ['open', 'deleted', false],
  ] as const)('keeps the fold state of a %s ticket (deleted: %s): %s', (status, deleted, kept) => {
    const state = initialState();
    state.status = status;
    if (deleted !== null) state.deleted = { reason: deleted, merged_into: null } as never;
    expect(keepsState(state)).toBe(kept);
  });
});
