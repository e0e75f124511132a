/**
 * POST /v1/events with JSON arrays (events.md, Transport and duplicates): counts in the response,
 * the rows the event log holds afterwards, duplicates and conflicts within a batch and across
 * requests, partial acceptance, `?atomic=true` and tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

let prefixes = 0;
/** A fresh id prefix per test, so every test reads back only its own rows. */
const fresh = (name: string) => `${name}${++prefixes}:`;

/** A wire envelope (events.md); `over` replaces fields, `undefined` leaves one out. */
interface WireEvent {
  id: string;
  type: string;
  ticket_id: string;
  occurred_at: string;
  actor?: { type: string; id?: string } | undefined;
  data?: Record<string, unknown> | undefined;
}

function ev(id: string, over: Partial<WireEvent> = {}): WireEvent {
  return {
    id,
    type: 'ticket.created',
    ticket_id: `T-${id}`,
    occurred_at: '2026-11-20T09:15:00.250+01:00',
    actor: { type: 'customer', id: 'c-1' },
    data: { priority: 'high', channel: 'email' },
    ...over,
  };
}

function post(body: unknown, options: { query?: string; authorization?: string } = {}) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/events${options.query ?? ''}`,
    headers: {
      authorization: options.authorization ?? t.auth('events:write').authorization,
      'content-type': 'application/json',
    },
    payload: JSON.stringify(body),
  });
}

interface StoredRow {
  event_id: string;
  ticket_id: string;
  type: string;
  occurred_at: string;
  actor_type: string;
  actor_id: string | null;
  data: unknown;
  seq: number;
}

/** The tenant's stored events whose id starts with `prefix`, in arrival (seq) order. */
async function stored(prefix: string, tenantId = t.tenantId): Promise<StoredRow[]> {
  const rows = await t.database.db
    .selectFrom('ticket_event')
    .select([
      'event_id',
      'ticket_id',
      'type',
      'occurred_at',
      'actor_type',
      'actor_id',
      'data',
      'seq',
    ])
    .where('tenant_id', '=', tenantId)
    .where('event_id', 'like', `${prefix}%`)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ ...r, occurred_at: r.occurred_at.toISOString(), seq: Number(r.seq) }));
}

const ok = (accepted: number, duplicates = 0, rejected = 0, errors: unknown[] = []) => ({
  accepted,
  duplicates,
  rejected,
  errors,
});

describe('accepted events are stored normalised', () => {
  interface Row {
    name: string;
    event: (id: string) => WireEvent;
    row: Omit<StoredRow, 'event_id' | 'seq'>;
  }
  const rows: Row[] = [
    {
      name: 'created with defaults; +01:00 stored as UTC to the ms',
      event: (id) => ev(id, { ticket_id: 'T-1', occurred_at: '2026-11-20T09:15:00.250+01:00' }),
      row: {
        ticket_id: 'T-1',
        type: 'ticket.created',
        occurred_at: '2026-11-20T08:15:00.250Z',
        actor_type: 'customer',
        actor_id: 'c-1',
        data: { priority: 'high', channel: 'email', status: 'new', via: 'customer' },
      },
    },
    {
      name: 'created keeps unknown data keys and explicit values',
      event: (id) =>
        ev(id, {
          ticket_id: 'T-2',
          occurred_at: '2026-11-20T08:15:00Z',
          data: {
            priority: 'low',
            channel: 'chat',
            status: 'open',
            via: 'agent',
            tier: 2,
            tags: ['a'],
            zd: { brand: 7 },
          },
        }),
      row: {
        ticket_id: 'T-2',
        type: 'ticket.created',
        occurred_at: '2026-11-20T08:15:00.000Z',
        actor_type: 'customer',
        actor_id: 'c-1',
        data: {
          priority: 'low',
          channel: 'chat',
          status: 'open',
          via: 'agent',
          tier: 2,
          tags: ['a'],
          zd: { brand: 7 },
        },
      },
    },
    {
      name: 'updated with assignee_id null; actor omitted → system',
      event: (id) => ({
        id,
        type: 'ticket.updated',
        ticket_id: 'T-1',
        occurred_at: '2026-11-20T08:16:00z',
        data: { assignee_id: null, tier: 3 },
      }),
      row: {
        ticket_id: 'T-1',
        type: 'ticket.updated',
        occurred_at: '2026-11-20T08:16:00.000Z',
        actor_type: 'system',
        actor_id: null,
        data: { assignee_id: null, tier: 3 },
      },
    },
    {
      name: 'status_changed with -05:30 offset',
      event: (id) =>
        ev(id, {
          ticket_id: 'T-1',
          type: 'ticket.status_changed',
          occurred_at: '2026-11-20T02:47:00.001-05:30',
          actor: { type: 'agent', id: 'a-17' },
          data: { status: 'pending' },
        }),
      row: {
        ticket_id: 'T-1',
        type: 'ticket.status_changed',
        occurred_at: '2026-11-20T08:17:00.001Z',
        actor_type: 'agent',
        actor_id: 'a-17',
        data: { status: 'pending' },
      },
    },
    {
      name: 'message: public defaults to true; nanoseconds truncated',
      event: (id) =>
        ev(id, {
          ticket_id: 'T-1',
          type: 'ticket.message',
          occurred_at: '2026-11-20T08:18:00.123456789Z',
          actor: { type: 'agent' },
          data: { direction: 'outbound' },
        }),
      row: {
        ticket_id: 'T-1',
        type: 'ticket.message',
        occurred_at: '2026-11-20T08:18:00.123Z',
        actor_type: 'agent',
        actor_id: null,
        data: { direction: 'outbound', public: true },
      },
    },
    {
      name: 'contact: seconds default to 0',
      event: (id) =>
        ev(id, {
          ticket_id: 'T-1',
          type: 'contact.completed',
          occurred_at: '2026-11-20T08:19:00Z',
          actor: { type: 'agent', id: 'a-17' },
          data: { agent_id: 'a-17', talk_seconds: 42.5 },
        }),
      row: {
        ticket_id: 'T-1',
        type: 'contact.completed',
        occurred_at: '2026-11-20T08:19:00.000Z',
        actor_type: 'agent',
        actor_id: 'a-17',
        data: { agent_id: 'a-17', talk_seconds: 42.5, hold_seconds: 0, wrap_seconds: 0 },
      },
    },
    {
      name: 'deleted without data: reason deleted',
      event: (id) => ({
        id,
        type: 'ticket.deleted',
        ticket_id: 'T-2',
        occurred_at: '2026-11-20T08:20:00Z',
        actor: { type: 'bot', id: 'b-1' },
      }),
      row: {
        ticket_id: 'T-2',
        type: 'ticket.deleted',
        occurred_at: '2026-11-20T08:20:00.000Z',
        actor_type: 'bot',
        actor_id: 'b-1',
        data: { reason: 'deleted' },
      },
    },
  ];

  it('one request with one event of each row: counts, rows, seq in arrival order', async () => {
    const p = fresh('store');
    const ids = rows.map((_, i) => `${p}${String(i).padStart(2, '0')}`);
    // Posted in reverse id order, so seq order ≠ id order ≠ occurred_at order.
    const order = [...rows.keys()].reverse();
    const res = await post(order.map((i) => rows[i]!.event(ids[i]!)));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual(ok(rows.length));

    const got = await stored(p);
    expect(got.map((r) => r.event_id)).toEqual(order.map((i) => ids[i]));
    for (const [k, i] of order.entries()) {
      const { seq: _seq, ...row } = got[k]!;
      expect(row, rows[i]!.name).toStrictEqual({ event_id: ids[i], ...rows[i]!.row });
    }
    const seqs = got.map((r) => r.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('an instant before the year 1000 is rejected at /occurred_at, not stored as 1999', async () => {
    const p = fresh('y99');
    const res = await post([ev(`${p}a`, { occurred_at: '0099-12-31T23:59:59.999+00:00' })]);
    expect(res.json().rejected).toBe(1);
    expect(res.json().errors[0].path).toBe('/occurred_at');
    expect(await stored(p)).toEqual([]);
  });

  it('a later request gets higher seq than every event of an earlier one', async () => {
    const p = fresh('seq');
    expect((await post([ev(`${p}a`), ev(`${p}b`)])).json()).toStrictEqual(ok(2));
    expect((await post([ev(`${p}c`)])).json()).toStrictEqual(ok(1));
    const got = await stored(p);
    expect(got.map((r) => r.event_id)).toEqual([`${p}a`, `${p}b`, `${p}c`]);
    expect(got[2]!.seq).toBeGreaterThan(got[1]!.seq);
    expect(got[1]!.seq).toBeGreaterThan(got[0]!.seq);
  });

  it('an empty array is accepted with all counts 0', async () => {
    const res = await post([]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual(ok(0));
  });
});

describe('duplicates: same id, same content → counted, no new row', () => {
  interface Row {
    name: string;
    first: (id: string) => unknown;
    again: (id: string) => unknown;
  }
  const base = (id: string) =>
    ev(id, {
      ticket_id: 'T-dup',
      occurred_at: '2026-11-20T09:15:00.250+01:00',
      actor: { type: 'agent', id: 'a-1' },
      data: { priority: 'high', channel: 'email', tags: ['x', 'y'], extra: { b: 1, a: 2 } },
    });
  const rows: Row[] = [
    { name: 'byte-identical resend', first: base, again: base },
    {
      name: 'keys in another order (envelope, actor, data, nested)',
      first: base,
      again: (id) => ({
        data: { extra: { a: 2, b: 1 }, tags: ['x', 'y'], channel: 'email', priority: 'high' },
        actor: { id: 'a-1', type: 'agent' },
        occurred_at: '2026-11-20T09:15:00.250+01:00',
        ticket_id: 'T-dup',
        type: 'ticket.created',
        id,
      }),
    },
    {
      name: 'same instant written in Z',
      first: base,
      again: (id) => ({ ...base(id), occurred_at: '2026-11-20T08:15:00.250Z' }),
    },
    {
      name: 'same instant written in -03:30',
      first: base,
      again: (id) => ({ ...base(id), occurred_at: '2026-11-20T04:45:00.250-03:30' }),
    },
  ];

  it.each(rows)('across requests: $name', async ({ first, again }) => {
    const p = fresh('dupx');
    const id = `${p}e`;
    expect((await post([first(id)])).json()).toStrictEqual(ok(1));
    const res = await post([again(id)]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual(ok(0, 1));
    const got = await stored(p);
    expect(got).toHaveLength(1);
    expect(got[0]!.occurred_at).toBe('2026-11-20T08:15:00.250Z');
  });

  it.each(rows)('within one batch: $name', async ({ first, again }) => {
    const p = fresh('dupb');
    const id = `${p}e`;
    const res = await post([first(id), again(id)]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual(ok(1, 1));
    expect(await stored(p)).toHaveLength(1);
  });

  it('a batch mixing new events, in-batch duplicates and stored duplicates counts each', async () => {
    const p = fresh('dupmix');
    expect((await post([ev(`${p}a`), ev(`${p}b`)])).json()).toStrictEqual(ok(2));
    const a = (await stored(p))[0]!;
    const res = await post(
      [ev(`${p}c`), ev(`${p}a`), ev(`${p}c`), ev(`${p}b`), ev(`${p}d`), ev(`${p}a`)].map((e) => ({
        ...e,
        ticket_id: `T-${e.id}`,
      })),
    );
    expect(res.json()).toStrictEqual(ok(2, 4));
    const got = await stored(p);
    expect(got.map((r) => r.event_id)).toEqual([`${p}a`, `${p}b`, `${p}c`, `${p}d`]);
    expect(got[0]!.seq).toBe(a.seq);
  });
});

describe('conflicts: same id, other content → rejected at /id, first version stands', () => {
  const first = (id: string) =>
    ev(id, {
      ticket_id: 'T-c',
      occurred_at: '2026-11-20T08:15:00.250Z',
      actor: { type: 'agent', id: 'a-1' },
      data: { priority: 'high', channel: 'email' },
    });
  const rows: { name: string; change: Partial<WireEvent> }[] = [
    { name: 'other data value', change: { data: { priority: 'low', channel: 'email' } } },
    {
      name: 'an extra unknown data key',
      change: { data: { priority: 'high', channel: 'email', x: 1 } },
    },
    { name: 'one millisecond later', change: { occurred_at: '2026-11-20T08:15:00.251Z' } },
    { name: 'other ticket', change: { ticket_id: 'T-other' } },
    { name: 'other actor id', change: { actor: { type: 'agent', id: 'a-2' } } },
    { name: 'actor omitted (system)', change: { actor: undefined } },
    {
      name: 'other type',
      change: { type: 'ticket.updated', data: { priority: 'high', channel: 'email' } },
    },
  ];
  const CONFLICT = expect.stringMatching(/conflicts with/);

  it.each(rows)('across requests: $name', async ({ change }) => {
    const p = fresh('cfx');
    const id = `${p}e`;
    expect((await post([first(id)])).json()).toStrictEqual(ok(1));
    const before = await stored(p);
    const res = await post([ev(`${p}new`), { ...first(id), ...change }]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual(
      ok(1, 0, 1, [{ index: 1, id, path: '/id', message: CONFLICT }]),
    );
    const after = await stored(p);
    expect(after.map((r) => r.event_id)).toEqual([id, `${p}new`]);
    expect(after[0]).toStrictEqual(before[0]);
  });

  it.each(rows)('within one batch: $name', async ({ change }) => {
    const p = fresh('cfb');
    const id = `${p}e`;
    const res = await post([first(id), { ...first(id), ...change }]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual(
      ok(1, 0, 1, [{ index: 1, id, path: '/id', message: CONFLICT }]),
    );
    const got = await stored(p);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      ticket_id: 'T-c',
      occurred_at: '2026-11-20T08:15:00.250Z',
      actor_type: 'agent',
      actor_id: 'a-1',
      data: { priority: 'high', channel: 'email' },
    });
  });
});

describe('rejected events: errors name index, id, path', () => {
  interface Row {
    name: string;
    bad: (id: string) => unknown;
    errors: { path: string; message: RegExp }[];
    /** false when the bad event has no usable string id. */
    hasId?: boolean;
  }
  const rows: Row[] = [
    {
      name: 'missing offset',
      bad: (id) => ev(id, { occurred_at: '2026-11-20T09:15:00.250' }),
      errors: [{ path: '/occurred_at', message: /^must include a UTC offset/ }],
    },
    {
      name: 'invalid date 2026-02-30',
      bad: (id) => ev(id, { occurred_at: '2026-02-30T09:15:00Z' }),
      errors: [{ path: '/occurred_at', message: /^is not a valid date and time$/ }],
    },
    {
      name: 'unknown type',
      bad: (id) => ev(id, { type: 'ticket.exploded' }),
      errors: [{ path: '/type', message: /^must be one of / }],
    },
    {
      name: 'unknown top-level field',
      bad: (id) => ({ ...ev(id), priority: 'high' }),
      errors: [{ path: '/priority', message: /^is not allowed$/ }],
    },
    {
      name: 'wrong data type',
      bad: (id) => ev(id, { data: { priority: 'high', channel: 'email', tier: '2' } }),
      errors: [{ path: '/data/tier', message: /integer/ }],
    },
    {
      name: 'tag of the wrong type',
      bad: (id) => ev(id, { data: { priority: 'high', channel: 'email', tags: ['a', 1] } }),
      errors: [{ path: '/data/tags/1', message: /^must be a string$/ }],
    },
    {
      name: 'unknown actor type',
      bad: (id) => ev(id, { actor: { type: 'robot' } }),
      errors: [{ path: '/actor/type', message: /^must be one of / }],
    },
    {
      name: 'required data missing',
      bad: (id) => ev(id, { type: 'ticket.status_changed', data: {} }),
      errors: [{ path: '/data/status', message: /^is required$/ }],
    },
    {
      name: 'id of 257 chars',
      bad: (id) => ev(`${id}${'x'.repeat(257 - id.length)}`, { ticket_id: 'T-long' }),
      errors: [{ path: '/id', message: /^must be 1–256 characters$/ }],
    },
    {
      name: 'id missing',
      bad: (id) => ({ ...ev(id), id: undefined }),
      errors: [{ path: '/id', message: /^is required$/ }],
      hasId: false,
    },
    {
      name: 'id a number',
      bad: (id) => ({ ...ev(id), id: 17 }),
      errors: [{ path: '/id', message: /^must be a string$/ }],
      hasId: false,
    },
    {
      name: 'not an object',
      bad: () => 'ticket.created',
      errors: [{ path: '', message: /^must be an object$/ }],
      hasId: false,
    },
    {
      name: 'several errors in one event: every one listed, rejected counted once',
      bad: (id) => ({ ...ev(id, { occurred_at: 'now', data: { channel: 'email' } }), extra: 1 }),
      errors: [
        { path: '/extra', message: /^is not allowed$/ },
        { path: '/occurred_at', message: /RFC 3339/ },
        { path: '/data/priority', message: /^is required$/ },
      ],
    },
  ];

  it.each(rows)(
    '$name: the valid events around it are stored',
    async ({ bad, errors, hasId = true }) => {
      const p = fresh('rej');
      const badEvent = bad(`${p}bad`);
      const res = await post([ev(`${p}a`), badEvent, ev(`${p}b`)]);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject(ok(2, 0, 1, expect.any(Array)));
      const id = hasId ? (badEvent as { id: string }).id : undefined;
      expect(
        body.errors.map((e: Record<string, unknown>) => ({ ...e, message: undefined })),
      ).toEqual(
        errors.map(({ path }) => ({
          index: 1,
          ...(id !== undefined ? { id } : {}),
          path,
          message: undefined,
        })),
      );
      errors.forEach((e, i) => expect(body.errors[i].message).toMatch(e.message));
      expect((await stored(p)).map((r) => r.event_id)).toEqual([`${p}a`, `${p}b`]);
    },
  );

  it('partial acceptance over a larger batch: every valid event stored, each error at its index', async () => {
    const p = fresh('partial');
    const batch: unknown[] = [];
    const expectedErrors: unknown[] = [];
    const expectedIds: string[] = [];
    for (let i = 0; i < 50; i++) {
      const id = `${p}${String(i).padStart(2, '0')}`;
      if (i % 7 === 3) {
        batch.push(ev(id, { occurred_at: '2026-11-20T09:15:00' }));
        expectedErrors.push({
          index: i,
          id,
          path: '/occurred_at',
          message: 'must include a UTC offset (Z or ±hh:mm)',
        });
      } else {
        batch.push(ev(id));
        expectedIds.push(id);
      }
    }
    const res = await post(batch);
    expect(res.json()).toStrictEqual(
      ok(expectedIds.length, 0, expectedErrors.length, expectedErrors),
    );
    expect(expectedErrors).toHaveLength(7);
    expect((await stored(p)).map((r) => r.event_id)).toEqual(expectedIds);
  });
});

describe('?atomic=true: all or nothing', () => {
  const REJECTED = {
    code: 'batch_rejected',
    message: expect.stringContaining('nothing was stored'),
    request_id: expect.any(String) as string,
  };

  it('one invalid event → 422 with the errors, nothing stored', async () => {
    const p = fresh('atomic-bad');
    const res = await post(
      [ev(`${p}a`), ev(`${p}b`, { occurred_at: '2026-11-20T09:15:00' }), ev(`${p}c`)],
      { query: '?atomic=true' },
    );
    expect(res.statusCode).toBe(422);
    expect(res.json()).toStrictEqual({
      error: REJECTED,
      ...ok(0, 0, 1, [
        {
          index: 1,
          id: `${p}b`,
          path: '/occurred_at',
          message: 'must include a UTC offset (Z or ±hh:mm)',
        },
      ]),
    });
    expect(await stored(p)).toEqual([]);
  });

  it('every error of an atomic batch is reported, not just the first', async () => {
    const p = fresh('atomic-all');
    const res = await post(
      [ev(`${p}a`, { type: 'nope' }), ev(`${p}b`), ev(`${p}c`, { occurred_at: 'x' })],
      { query: '?atomic=true' },
    );
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.rejected).toBe(2);
    expect(body.accepted).toBe(0);
    expect(body.errors.map((e: { index: number; path: string }) => [e.index, e.path])).toEqual([
      [0, '/type'],
      [2, '/occurred_at'],
    ]);
    expect(await stored(p)).toEqual([]);
  });

  it('a conflict with a stored event → 422, nothing stored, the stored version stands', async () => {
    const p = fresh('atomic-cfx');
    expect((await post([ev(`${p}a`, { ticket_id: 'T-1' })])).json()).toStrictEqual(ok(1));
    const before = await stored(p);
    const res = await post([ev(`${p}b`), ev(`${p}a`, { ticket_id: 'T-2' }), ev(`${p}c`)], {
      query: '?atomic=true',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error: REJECTED,
      accepted: 0,
      rejected: 1,
      errors: [{ index: 1, id: `${p}a`, path: '/id' }],
    });
    expect(await stored(p)).toStrictEqual(before);
  });

  it('a conflict inside the atomic batch → 422, nothing stored', async () => {
    const p = fresh('atomic-in');
    const res = await post(
      [ev(`${p}a`, { ticket_id: 'T-1' }), ev(`${p}b`), ev(`${p}a`, { ticket_id: 'T-2' })],
      { query: '?atomic=true' },
    );
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error: REJECTED,
      accepted: 0,
      rejected: 1,
      errors: [{ index: 2, id: `${p}a`, path: '/id' }],
    });
    expect(await stored(p)).toEqual([]);
  });

  it('an all-valid atomic batch → 200, all stored; duplicates still counted', async () => {
    const p = fresh('atomic-ok');
    expect((await post([ev(`${p}a`)])).json()).toStrictEqual(ok(1));
    const res = await post([ev(`${p}a`), ev(`${p}b`), ev(`${p}c`), ev(`${p}b`)], {
      query: '?atomic=true',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual(ok(2, 2));
    expect((await stored(p)).map((r) => r.event_id)).toEqual([`${p}a`, `${p}b`, `${p}c`]);
  });

  it.each(['?atomic=false', ''])('%s keeps partial acceptance', async (query) => {
    const p = fresh('atomic-off');
    const res = await post([ev(`${p}a`), ev(`${p}b`, { type: 'nope' })], { query });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject(ok(1, 0, 1, [{ index: 1, path: '/type' }]));
    expect(await stored(p)).toHaveLength(1);
  });

  it('?atomic=maybe → 400 invalid_parameter at /atomic, nothing stored', async () => {
    const p = fresh('atomic-param');
    const res = await post([ev(`${p}a`)], { query: '?atomic=maybe' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_parameter', path: '/atomic' } });
    expect(await stored(p)).toEqual([]);
  });
});

describe('tenant isolation', () => {
  it('the same id in two tenants is accepted in both, and each keeps its own row', async () => {
    const p = fresh('tenant');
    const other = await t.addTenant('other');
    const id = `${p}shared`;
    const mine = ev(id, { ticket_id: 'T-mine', data: { priority: 'high', channel: 'email' } });
    const theirs = ev(id, { ticket_id: 'T-theirs', data: { priority: 'low', channel: 'phone' } });

    expect((await post([mine])).json()).toStrictEqual(ok(1));
    // Other content under the same id: not a conflict, and not a duplicate, in another tenant.
    const res = await post([theirs], { authorization: `Bearer ${other.adminKey}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual(ok(1));
    // And identical content too is new in a third tenant.
    const third = await t.addTenant('third');
    expect(
      (await post([mine], { authorization: `Bearer ${third.adminKey}` })).json(),
    ).toStrictEqual(ok(1));

    const a = await stored(p, t.tenantId);
    const b = await stored(p, other.tenantId);
    expect(a.map((r) => [r.event_id, r.ticket_id, r.data])).toEqual([
      [id, 'T-mine', { priority: 'high', channel: 'email', status: 'new', via: 'customer' }],
    ]);
    expect(b.map((r) => [r.event_id, r.ticket_id, r.data])).toEqual([
      [id, 'T-theirs', { priority: 'low', channel: 'phone', status: 'new', via: 'customer' }],
    ]);
    expect(await stored(p, third.tenantId)).toHaveLength(1);

    // Duplicates and conflicts are judged within the sender's tenant only.
    expect(
      (await post([theirs], { authorization: `Bearer ${other.adminKey}` })).json(),
    ).toStrictEqual(ok(0, 1));
    expect((await post([theirs])).json()).toMatchObject(
      ok(0, 0, 1, [{ index: 0, id, path: '/id' }]),
    );
    expect((await stored(p, t.tenantId))[0]!.ticket_id).toBe('T-mine');
  });
});
