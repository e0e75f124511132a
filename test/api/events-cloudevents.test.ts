/**
 * POST /v1/events with CloudEvents 1.0 (events.md, Transport): batch
 * (`application/cloudevents-batch+json`) and structured (`application/cloudevents+json`) mode,
 * the attribute mapping, and errors named by the CloudEvents attribute the sender wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { prefixes } from '../factories/events.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const fresh = prefixes();

const BATCH = 'application/cloudevents-batch+json';
const STRUCTURED = 'application/cloudevents+json';

type Raw = Record<string, unknown>;

function ce(id: string, over: Raw = {}): Raw {
  const raw: Raw = {
    specversion: '1.0',
    id,
    source: '/zendesk/acme',
    type: 'com.acme.ticket.created',
    subject: `T-${id}`,
    time: '2026-11-20T09:15:00.250+01:00',
    datacontenttype: 'application/json',
    data: { priority: 'high', channel: 'email' },
    ...over,
  };
  for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];
  return raw;
}

function post(body: unknown, contentType: string, query = '') {
  return t.app.inject({
    method: 'POST',
    url: `/v1/events${query}`,
    headers: { ...t.auth('events:write'), 'content-type': contentType },
    payload: JSON.stringify(body),
  });
}

async function stored(prefix: string) {
  const rows = await t.database.db
    .selectFrom('ticket_event')
    .select(['event_id', 'ticket_id', 'type', 'occurred_at', 'actor_type', 'actor_id', 'data'])
    .where('tenant_id', '=', t.tenantId)
    .where('event_id', 'like', `${prefix}%`)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ ...r, occurred_at: r.occurred_at.toISOString() }));
}

const ok = (accepted: number, duplicates = 0, rejected = 0, errors: unknown[] = []) => ({
  accepted,
  duplicates,
  rejected,
  errors,
});

describe('CloudEvents mapping: the stored row', () => {
  interface Row {
    name: string;
    over: Raw;
    row: Raw;
  }
  const rows: Row[] = [
    {
      name: 'reverse-DNS type, subject → ticket_id, time → occurred_at (UTC, ms), no actor → system',
      over: {},
      row: {
        type: 'ticket.created',
        occurred_at: '2026-11-20T08:15:00.250Z',
        actor_type: 'system',
        actor_id: null,
        data: { priority: 'high', channel: 'email', status: 'new', via: 'customer' },
      },
    },
    {
      name: 'actortype/actorid → actor',
      over: {
        type: 'io.example.helpdesk.ticket.message',
        actortype: 'agent',
        actorid: 'a-17',
        data: { direction: 'outbound' },
      },
      row: {
        type: 'ticket.message',
        occurred_at: '2026-11-20T08:15:00.250Z',
        actor_type: 'agent',
        actor_id: 'a-17',
        data: { direction: 'outbound', public: true },
      },
    },
    {
      name: 'actorid alone → system actor with that id',
      over: { type: 'ticket.status_changed', actorid: 'job-9', data: { status: 'solved' } },
      row: {
        type: 'ticket.status_changed',
        occurred_at: '2026-11-20T08:15:00.250Z',
        actor_type: 'system',
        actor_id: 'job-9',
        data: { status: 'solved' },
      },
    },
    {
      name: 'contact.completed with defaults, Z time',
      over: {
        type: 'com.acme.contact.completed',
        time: '2026-11-20T10:00:00Z',
        actortype: 'agent',
        actorid: 'a-1',
        data: { agent_id: 'a-1' },
      },
      row: {
        type: 'contact.completed',
        occurred_at: '2026-11-20T10:00:00.000Z',
        actor_type: 'agent',
        actor_id: 'a-1',
        data: { agent_id: 'a-1', talk_seconds: 0, hold_seconds: 0, wrap_seconds: 0 },
      },
    },
    {
      name: 'ticket.deleted without data; extra CloudEvents attributes and extensions ignored',
      over: {
        type: 'org.example.ticket.deleted',
        data: undefined,
        datacontenttype: undefined,
        dataschema: 'https://x/schema',
        traceparent: '00-1-2-01',
        partitionkey: 'p',
      },
      row: {
        type: 'ticket.deleted',
        occurred_at: '2026-11-20T08:15:00.250Z',
        actor_type: 'system',
        actor_id: null,
        data: { reason: 'deleted' },
      },
    },
    {
      name: 'unknown data keys kept',
      over: { type: 'com.acme.ticket.updated', data: { tier: 2, zendesk: { via: 'web' } } },
      row: {
        type: 'ticket.updated',
        occurred_at: '2026-11-20T08:15:00.250Z',
        actor_type: 'system',
        actor_id: null,
        data: { tier: 2, zendesk: { via: 'web' } },
      },
    },
  ];

  it('a batch of one event per row is stored as the rows say, in order', async () => {
    const p = fresh('cemap');
    const ids = rows.map((_, i) => `${p}${i}`);
    const res = await post(
      rows.map((r, i) => ce(ids[i]!, r.over)),
      BATCH,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual(ok(rows.length));
    const got = await stored(p);
    expect(got).toStrictEqual(
      rows.map((r, i) => ({ event_id: ids[i], ticket_id: `T-${ids[i]}`, ...r.row })),
    );
  });

  it('structured mode: one CloudEvent → 200, stored', async () => {
    const p = fresh('cestr');
    const res = await post(ce(`${p}a`, { actortype: 'customer', actorid: 'c-9' }), STRUCTURED);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual(ok(1));
    expect(await stored(p)).toStrictEqual([
      {
        event_id: `${p}a`,
        ticket_id: `T-${p}a`,
        type: 'ticket.created',
        occurred_at: '2026-11-20T08:15:00.250Z',
        actor_type: 'customer',
        actor_id: 'c-9',
        data: { priority: 'high', channel: 'email', status: 'new', via: 'customer' },
      },
    ]);
  });

  it('an empty CloudEvents batch → 200 with all counts 0', async () => {
    const res = await post([], BATCH);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual(ok(0));
  });
});

describe('CloudEvents errors name the CloudEvents attribute', () => {
  interface Row {
    name: string;
    over: Raw;
    errors: { path: string; message?: RegExp }[];
    hasId?: boolean;
  }
  const rows: Row[] = [
    {
      name: 'time without offset → /time',
      over: { time: '2026-11-20T09:15:00' },
      errors: [{ path: '/time', message: /^must include a UTC offset/ }],
    },
    {
      name: 'time missing → /time',
      over: { time: undefined },
      errors: [{ path: '/time', message: /^is required$/ }],
    },
    {
      name: 'subject missing → /subject',
      over: { subject: undefined },
      errors: [{ path: '/subject', message: /^is required$/ }],
    },
    {
      name: 'actortype unknown → /actortype',
      over: { actortype: 'robot' },
      errors: [{ path: '/actortype' }],
    },
    {
      name: 'actorid empty → /actorid',
      over: { actortype: 'agent', actorid: '' },
      errors: [{ path: '/actorid' }],
    },
    {
      name: 'specversion 0.3 → /specversion',
      over: { specversion: '0.3' },
      errors: [{ path: '/specversion', message: /1\.0/ }],
    },
    {
      name: 'unknown type → /type',
      over: { type: 'com.acme.ticket.exploded' },
      errors: [{ path: '/type' }],
    },
    {
      name: 'data_base64 → /data_base64',
      over: { data: undefined, data_base64: 'e30=' },
      errors: [{ path: '/data_base64' }, { path: '/data/priority' }, { path: '/data/channel' }],
    },
    {
      name: 'wrong data type → /data/tier',
      over: { data: { priority: 'high', channel: 'email', tier: 'one' } },
      errors: [{ path: '/data/tier' }],
    },
    {
      name: 'id missing → /id, no id in the error',
      over: { id: undefined },
      errors: [{ path: '/id', message: /^is required$/ }],
      hasId: false,
    },
  ];

  it.each(rows)(
    'batch: $name; the valid event next to it is stored',
    async ({ over, errors, hasId = true }) => {
      const p = fresh('ceerr');
      const bad = ce(`${p}bad`, over);
      const res = await post([ce(`${p}good`), bad], BATCH);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject(ok(1, 0, 1, expect.any(Array)));
      expect(body.errors.map((e: Raw) => e.path).sort()).toEqual(errors.map((e) => e.path).sort());
      for (const e of body.errors) {
        expect(e.index).toBe(1);
        expect(e.id).toBe(hasId ? `${p}bad` : undefined);
      }
      for (const expected of errors) {
        if (expected.message)
          expect(body.errors.find((e: Raw) => e.path === expected.path).message).toMatch(
            expected.message,
          );
      }
      expect((await stored(p)).map((r) => r.event_id)).toEqual([`${p}good`]);
    },
  );

  it('structured: an invalid CloudEvent → 200 rejected 1 at index 0', async () => {
    const p = fresh('cestrbad');
    const res = await post(ce(`${p}a`, { time: '2026-11-20T09:15:00' }), STRUCTURED);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual(
      ok(0, 0, 1, [
        {
          index: 0,
          id: `${p}a`,
          path: '/time',
          message: 'must include a UTC offset (Z or ±hh:mm)',
        },
      ]),
    );
    expect(await stored(p)).toEqual([]);
  });

  it('structured with ?atomic=true: an invalid CloudEvent → 422, nothing stored', async () => {
    const p = fresh('cestrat');
    const res = await post(ce(`${p}a`, { subject: undefined }), STRUCTURED, '?atomic=true');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error: { code: 'batch_rejected' },
      ...ok(0, 0, 1, [{ index: 0, id: `${p}a`, path: '/subject' }]),
    });
    expect(await stored(p)).toEqual([]);
  });

  it('batch with ?atomic=true: one invalid CloudEvent → 422, nothing stored', async () => {
    const p = fresh('ceat');
    const res = await post(
      [ce(`${p}a`), ce(`${p}b`, { actortype: 'robot' }), ce(`${p}c`)],
      BATCH,
      '?atomic=true',
    );
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error: { code: 'batch_rejected' },
      ...ok(0, 0, 1, [{ index: 1, id: `${p}b`, path: '/actortype' }]),
    });
    expect(await stored(p)).toEqual([]);
  });

  it.each([
    ['an object', { specversion: '1.0' }],
    ['a string', 'events'],
    ['null', null],
  ])('a CloudEvents batch body that is %s → 400 invalid_body', async (_name, body) => {
    const res = await post(body, BATCH);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: {
        code: 'invalid_body',
        message: expect.stringMatching(/array/),
        request_id: expect.any(String) as string,
      },
    });
  });

  it('structured body that is an array → rejected at path "" (not an object)', async () => {
    const p = fresh('cestrarr');
    const res = await post([ce(`${p}a`)], STRUCTURED);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual(
      ok(0, 0, 1, [{ index: 0, path: '', message: 'must be an object' }]),
    );
    expect(await stored(p)).toEqual([]);
  });
});

describe('CloudEvents duplicates and conflicts', () => {
  it('the same CloudEvent again is a duplicate; the envelope form of the same event is too', async () => {
    const p = fresh('cedup');
    const event = ce(`${p}a`, { actortype: 'agent', actorid: 'a-1' });
    expect((await post([event], BATCH)).json()).toStrictEqual(ok(1));
    expect((await post(event, STRUCTURED)).json()).toStrictEqual(ok(0, 1));
    const envelope = {
      id: `${p}a`,
      type: 'ticket.created',
      ticket_id: `T-${p}a`,
      occurred_at: '2026-11-20T08:15:00.250Z',
      actor: { type: 'agent', id: 'a-1' },
      data: { channel: 'email', priority: 'high' },
    };
    expect((await post([envelope], 'application/json')).json()).toStrictEqual(ok(0, 1));
    // Another source or CloudEvents-only attribute is not part of the event's content.
    expect(
      (await post([{ ...event, source: '/other', traceparent: 'x' }], BATCH)).json(),
    ).toStrictEqual(ok(0, 1));
    expect(await stored(p)).toHaveLength(1);
  });

  it('the same id with other data is a conflict at /id; the first stands', async () => {
    const p = fresh('cecfx');
    expect((await post([ce(`${p}a`)], BATCH)).json()).toStrictEqual(ok(1));
    const res = await post([ce(`${p}a`, { data: { priority: 'low', channel: 'email' } })], BATCH);
    expect(res.json()).toStrictEqual(
      ok(0, 0, 1, [
        { index: 0, id: `${p}a`, path: '/id', message: expect.stringMatching(/conflicts with/) },
      ]),
    );
    expect((await stored(p))[0]!.data).toEqual({
      priority: 'high',
      channel: 'email',
      status: 'new',
      via: 'customer',
    });
  });

  it('duplicates and conflicts within one CloudEvents batch', async () => {
    const p = fresh('cein');
    const res = await post([ce(`${p}a`), ce(`${p}a`), ce(`${p}a`, { subject: 'T-other' })], BATCH);
    expect(res.json()).toStrictEqual(
      ok(1, 1, 1, [
        { index: 2, id: `${p}a`, path: '/id', message: expect.stringMatching(/conflicts with/) },
      ]),
    );
    expect(await stored(p)).toHaveLength(1);
  });
});
