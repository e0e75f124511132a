/**
 * prepareBatch (events.md, Ordering, lateness, duplicates): within one batch, a later copy of an id
 * with identical (normalised) content is a duplicate; with other content it is a conflict at
 * `/id`, and the first version stands. Errors carry the item's position and id.
 */
import { describe, expect, it } from 'vitest';
import {
  contentHash,
  prepareBatch,
  rejectedCount,
  type ReceivedItem,
} from '../../../src/ingest/prepare.js';
import { validateEvent } from '../../../src/ingest/validate-event.js';

type Raw = Record<string, unknown>;

function ev(id: string, over: Raw = {}): Raw {
  return {
    id,
    type: 'ticket.created',
    ticket_id: 't-1',
    occurred_at: '2026-11-20T09:15:00.250+01:00',
    actor: { type: 'customer', id: 'c-1' },
    data: { priority: 'high', channel: 'email' },
    ...over,
  };
}

/** Same content as ev('A'), written differently: keys in another order, another offset. */
const A_REWRITTEN: Raw = {
  data: { channel: 'email', priority: 'high' },
  occurred_at: '2026-11-20T06:15:00.250-02:00',
  actor: { id: 'c-1', type: 'customer' },
  ticket_id: 't-1',
  type: 'ticket.created',
  id: 'A',
};

const items = (...raws: unknown[]): ReceivedItem[] =>
  raws.map((raw, index) => ({ position: { index }, raw }));

interface Row {
  name: string;
  batch: unknown[];
  storedIds: string[];
  duplicates: number;
  errors: { index: number; id?: string; path: string }[];
}

const CONFLICT = /conflicts with an earlier event with the same id and other content/;

const rows: Row[] = [
  {
    name: 'distinct ids all kept, in order',
    batch: [ev('A'), ev('B'), ev('C')],
    storedIds: ['A', 'B', 'C'],
    duplicates: 0,
    errors: [],
  },
  {
    name: 'identical copy is a duplicate',
    batch: [ev('A'), ev('A')],
    storedIds: ['A'],
    duplicates: 1,
    errors: [],
  },
  {
    name: 'three copies: two duplicates',
    batch: [ev('A'), ev('A'), ev('A')],
    storedIds: ['A'],
    duplicates: 2,
    errors: [],
  },
  {
    name: 'keys reordered and another offset for the same instant is a duplicate',
    batch: [ev('A'), A_REWRITTEN],
    storedIds: ['A'],
    duplicates: 1,
    errors: [],
  },
  {
    name: 'sub-millisecond digits beyond the kept ms are a duplicate',
    batch: [ev('A'), ev('A', { occurred_at: '2026-11-20T08:15:00.250999Z' })],
    storedIds: ['A'],
    duplicates: 1,
    errors: [],
  },
  {
    name: 'other data is a conflict at /id; first stands',
    batch: [ev('A'), ev('A', { data: { priority: 'low', channel: 'email' } })],
    storedIds: ['A'],
    duplicates: 0,
    errors: [{ index: 1, id: 'A', path: '/id' }],
  },
  {
    name: 'other instant is a conflict',
    batch: [ev('A'), ev('A', { occurred_at: '2026-11-20T09:15:00.251+01:00' })],
    storedIds: ['A'],
    duplicates: 0,
    errors: [{ index: 1, id: 'A', path: '/id' }],
  },
  {
    name: 'other ticket is a conflict',
    batch: [ev('A'), ev('A', { ticket_id: 't-2' })],
    storedIds: ['A'],
    duplicates: 0,
    errors: [{ index: 1, id: 'A', path: '/id' }],
  },
  {
    name: 'other actor is a conflict',
    batch: [ev('A'), ev('A', { actor: { type: 'agent', id: 'c-1' } })],
    storedIds: ['A'],
    duplicates: 0,
    errors: [{ index: 1, id: 'A', path: '/id' }],
  },
  {
    name: 'other type is a conflict',
    batch: [
      ev('A', { type: 'ticket.updated', data: {} }),
      ev('A', { type: 'ticket.deleted', data: {} }),
    ],
    storedIds: ['A'],
    duplicates: 0,
    errors: [{ index: 1, id: 'A', path: '/id' }],
  },
  {
    name: 'conflict then a copy of the first: one conflict, one duplicate',
    batch: [ev('A'), ev('A', { ticket_id: 't-2' }), ev('A')],
    storedIds: ['A'],
    duplicates: 1,
    errors: [{ index: 1, id: 'A', path: '/id' }],
  },
  {
    name: 'two conflicting versions are two conflicts',
    batch: [ev('A'), ev('A', { ticket_id: 't-2' }), ev('A', { ticket_id: 't-3' })],
    storedIds: ['A'],
    duplicates: 0,
    errors: [
      { index: 1, id: 'A', path: '/id' },
      { index: 2, id: 'A', path: '/id' },
    ],
  },
  {
    name: 'an invalid first copy does not claim the id',
    batch: [ev('A', { occurred_at: '2026-11-20T09:15:00' }), ev('A')],
    storedIds: ['A'],
    duplicates: 0,
    errors: [{ index: 0, id: 'A', path: '/occurred_at' }],
  },
  {
    name: 'an invalid event between valid ones',
    batch: [ev('A'), ev('B', { type: 'ticket.nope' }), ev('C')],
    storedIds: ['A', 'C'],
    duplicates: 0,
    errors: [{ index: 1, id: 'B', path: '/type' }],
  },
  {
    name: 'an error without a string id carries no id',
    batch: [ev('A', { id: 5 })],
    storedIds: [],
    duplicates: 0,
    errors: [{ index: 0, path: '/id' }],
  },
  {
    name: 'not an object carries no id',
    batch: [null],
    storedIds: [],
    duplicates: 0,
    errors: [{ index: 0, path: '' }],
  },
];

describe('prepareBatch: duplicates and conflicts inside one batch', () => {
  it.each(rows)('$name', ({ batch, storedIds, duplicates, errors }) => {
    const prepared = prepareBatch(items(...batch), 'envelope');
    expect(prepared.events.map((e) => e.row.eventId)).toEqual(storedIds);
    expect(prepared.duplicates).toBe(duplicates);
    expect(
      prepared.errors.map(({ index, id, path }) => ({
        index,
        path,
        ...(id !== undefined ? { id } : {}),
      })),
    ).toEqual(errors);
    for (const e of prepared.errors) {
      expect('id' in e).toBe(e.id !== undefined);
      if (e.path === '/id' && errors.some((x) => x.id !== undefined && x.index === e.index))
        expect(e.message).toMatch(CONFLICT);
    }
  });

  it('the first version of a conflicting id is the one kept', () => {
    const prepared = prepareBatch(
      items(ev('A'), ev('A', { data: { priority: 'low', channel: 'chat' } })),
      'envelope',
    );
    expect(JSON.parse(prepared.events[0]!.row.dataJson)).toEqual({
      priority: 'high',
      channel: 'email',
      status: 'new',
      via: 'customer',
    });
  });

  it('NDJSON positions are reported as line numbers, never as index', () => {
    const prepared = prepareBatch(
      [
        { position: { line: 1 }, raw: ev('L1') },
        { position: { line: 7 }, raw: ev('L7', { occurred_at: '2026-11-20T09:15:00' }) },
        { position: { line: 9 }, raw: ev('L1', { ticket_id: 'other' }) },
      ],
      'envelope',
    );
    expect(prepared.errors).toEqual([
      {
        line: 7,
        id: 'L7',
        path: '/occurred_at',
        message: 'must include a UTC offset (Z or ±hh:mm)',
      },
      { line: 9, id: 'L1', path: '/id', message: expect.stringMatching(CONFLICT) },
    ]);
  });

  it('a row holds the normalised event and a sha256 hex of its content', () => {
    const prepared = prepareBatch(
      items(
        ev('A', { actor: undefined, type: 'ticket.message', data: { direction: 'inbound', x: 1 } }),
      ),
      'envelope',
    );
    const { dataJson, ...row } = prepared.events[0]!.row;
    expect(row).toStrictEqual({
      eventId: 'A',
      ticketId: 't-1',
      type: 'ticket.message',
      occurredAt: Date.UTC(2026, 10, 20, 8, 15, 0, 250),
      actorType: 'system',
      actorId: null,
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // The stored data: defaults applied, unknown keys kept (key order is not part of the contract).
    expect(JSON.parse(dataJson)).toStrictEqual({ direction: 'inbound', x: 1, public: true });
  });
});

describe('contentHash', () => {
  const hashOf = (raw: Raw) => {
    const result = validateEvent(raw);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return contentHash(result.event);
  };

  it.each<[string, Raw, boolean]>([
    ['same event', ev('A'), true],
    ['same content under another id (the id is the key, not content)', ev('Z'), true],
    ['keys reordered, other offset', A_REWRITTEN, true],
    ['other priority', ev('A', { data: { priority: 'low', channel: 'email' } }), false],
    [
      'an unknown data key added',
      ev('A', { data: { priority: 'high', channel: 'email', extra: 1 } }),
      false,
    ],
    ['one ms later', ev('A', { occurred_at: '2026-11-20T08:15:00.251Z' }), false],
    ['actor id differs', ev('A', { actor: { type: 'customer', id: 'c-2' } }), false],
  ])('%s → equal: %s', (_name, raw, equal) => {
    expect(hashOf(raw) === hashOf(ev('A'))).toBe(equal);
  });
});

describe('rejectedCount', () => {
  it.each<[string, { index?: number; line?: number }[], number]>([
    ['no errors', [], 0],
    ['one item with three errors counts once', [{ index: 2 }, { index: 2 }, { index: 2 }], 1],
    ['three items', [{ index: 0 }, { index: 1 }, { index: 5 }], 3],
    ['lines counted by line', [{ line: 3 }, { line: 3 }, { line: 4 }], 2],
    ['index 1 and line 1 are different items', [{ index: 1 }, { line: 1 }], 2],
  ])('%s → %i', (_name, positions, expected) => {
    expect(rejectedCount(positions.map((p) => ({ ...p, path: '', message: '' })))).toBe(expected);
  });
});
