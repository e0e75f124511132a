/**
 * Regression: hostile input (issue 11). A help desk's integration retries a failed batch forever,
 * so one bad event that answers 500 — or is stored and then breaks every later batch of its
 * ticket — loses every valid event travelling with it. Each input below was found answering 500
 * or freezing the service; each must now be a per-event rejection (or a 400) naming the field,
 * store nothing, and leave the ticket ingesting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { prefixes } from '../factories/events.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ logger: { level: 'error' } });
  const calendar = await t.configure('/v1/calendars/office', {
    timezone: 'Europe/Warsaw',
    weekly: { mon: [['09:00', '17:00']], thu: [['22:00', '06:00']] },
    holidays: { country: 'PL' },
    effective_from: '2020-01-01T00:00:00Z',
  });
  expect(calendar.statusCode).toBe(200);
  const policies = await t.configure('/v1/sla-policies', {
    effective_from: '2020-01-01T00:00:00Z',
    policies: [
      {
        id: 'all',
        calendar_id: 'office',
        targets: { first_response: 3600, resolution: 315_360_000 },
      },
    ],
  });
  expect(policies.statusCode).toBe(200);
});
afterAll(async () => t.close());

const fresh = prefixes();

function post(payload: unknown, contentType = 'application/json') {
  return t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...t.auth('events:write'), 'content-type': contentType },
    payload: typeof payload === 'string' ? payload : json(payload),
  });
}

async function storedIds(ticketId: string): Promise<string[]> {
  const rows = await t.database.db
    .selectFrom('ticket_event')
    .select('event_id')
    .where('tenant_id', '=', t.tenantId)
    .where('ticket_id', '=', ticketId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.event_id);
}

const created = (id: string, ticket: string, at = '2026-11-20T09:00:00Z') => ({
  id,
  type: 'ticket.created',
  ticket_id: ticket,
  occurred_at: at,
  data: { priority: 'high', channel: 'email' },
});
const contact = (id: string, ticket: string, data: Record<string, unknown>) => ({
  id,
  type: 'contact.completed',
  ticket_id: ticket,
  occurred_at: '2026-11-20T10:00:00Z',
  data: { agent_id: 'a-1', ...data },
});
const message = (id: string, ticket: string, data: Record<string, unknown> = {}) => ({
  id,
  type: 'ticket.message',
  ticket_id: ticket,
  occurred_at: '2026-11-20T11:00:00Z',
  actor: { type: 'agent', id: 'a-1' },
  data: { direction: 'outbound', ...data },
});

/** A marker that {@link post} replaces by JSON text nested `depth` objects deep. */
class Nested {
  constructor(readonly depth: number) {}
  toJSON() {
    return `@nested:${this.depth}@`;
  }
}
const nested = (depth: number) => new Nested(depth);

/** JSON.stringify itself overflows its stack on 5,000 levels: the text is written by hand. */
function json(value: unknown): string {
  return JSON.stringify(value).replace(/"@nested:(\d+)@"/g, (_m, n: string) => {
    const depth = Number(n);
    return '{"k":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);
  });
}

/** An event out of the domain, and the path its rejection must name. */
const hostile: Array<[string, (p: string, ticket: string) => object, string]> = [
  [
    'talk_seconds 1e300',
    (p, k) => contact(`${p}-x`, k, { talk_seconds: 1e300 }),
    '/data/talk_seconds',
  ],
  [
    'hold_seconds 1e300',
    (p, k) => contact(`${p}-x`, k, { hold_seconds: 1e300 }),
    '/data/hold_seconds',
  ],
  ['wrap_seconds 4e8', (p, k) => contact(`${p}-x`, k, { wrap_seconds: 4e8 }), '/data/wrap_seconds'],
  [
    'started_at 9999-12-31',
    (p, k) => contact(`${p}-x`, k, { started_at: '9999-12-31T00:00:00Z' }),
    '/data/started_at',
  ],
  [
    'occurred_at 9999-12-02',
    (p, k) => ({ ...message(`${p}-x`, k), occurred_at: '9999-12-02T00:00:00Z' }),
    '/occurred_at',
  ],
  [
    'occurred_at 9999-11-30',
    (p, k) => ({ ...message(`${p}-x`, k), occurred_at: '9999-11-30T00:00:00Z' }),
    '/occurred_at',
  ],
  [
    'occurred_at 1000-01-01',
    (p, k) => ({ ...message(`${p}-x`, k), occurred_at: '1000-01-01T00:00:00Z' }),
    '/occurred_at',
  ],
  [
    'tier 1e300',
    (p, k) => ({ ...created(`${p}-x`, k), type: 'ticket.updated', data: { tier: 1e300 } }),
    '/data/tier',
  ],
  [
    'priority of 100,000 characters',
    (p, k) => ({
      ...created(`${p}-x`, k),
      type: 'ticket.updated',
      data: { priority: 'p'.repeat(100_000) },
    }),
    '/data/priority',
  ],
  [
    'an unknown data key nested 5,000 levels deep',
    (p, k) => message(`${p}-x`, k, { extra: nested(5000) }),
    '/data/extra' + '/k'.repeat(31),
  ],
  ['a NUL in a data key', (p, k) => message(`${p}-x`, k, { 'a\u0000b': 1 }), '/data/a\u0000b'],
];

describe('an out-of-domain event is rejected alone, stored nowhere, and its ticket keeps ingesting', () => {
  it.each(hostile)('%s', async (_name, make, path) => {
    const p = fresh('h');
    const ticket = `${p}-t`;
    const other = `${p}-o`;
    // Sent before its ticket's ticket.created: stored as an orphan, it used to poison the ticket.
    const first = await post([make(p, ticket), created(`${p}-o1`, other)]);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ accepted: 1, rejected: 1, errors: [{ index: 0, path }] });
    expect(await storedIds(ticket)).toEqual([]);
    // The ticket, and a batch mixing it with another ticket, go on as usual.
    const second = await post([
      created(`${p}-c`, ticket),
      message(`${p}-m`, ticket),
      message(`${p}-o2`, other),
    ]);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toStrictEqual({ accepted: 3, duplicates: 0, rejected: 0, errors: [] });
    const detail = await t.app.inject({
      url: `/v1/tickets/${ticket}`,
      headers: t.auth('reports:read'),
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().touches).toBe(1);
  });

  it('in an NDJSON stream too, reported by line', async () => {
    const p = fresh('nd');
    const lines = [
      created(`${p}-1`, `${p}-t`),
      contact(`${p}-2`, `${p}-t`, { talk_seconds: 1e300 }),
      message(`${p}-3`, `${p}-t`, { deep: nested(5000) }),
      message(`${p}-4`, `${p}-t`),
    ].map((e) => json(e));
    const res = await post(lines.join('\n'), 'application/x-ndjson');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 2, rejected: 2 });
    expect(res.json().errors.map((e: { line: number }) => e.line)).toEqual([2, 3]);
    expect(await storedIds(`${p}-t`)).toEqual([`${p}-1`, `${p}-4`]);
  });

  it.each([
    [
      'a deep unknown top-level key',
      (p: string) => ({ ...created(`${p}-1`, `${p}-t`), extra: nested(5000) }),
      '/extra',
    ],
    [
      'a deep actor',
      (p: string) => ({
        ...created(`${p}-1`, `${p}-t`),
        actor: { type: 'agent', id: nested(5000) },
      }),
      '/actor/id',
    ],
  ])('%s is a per-event rejection', async (_name, make, path) => {
    const p = fresh('deep');
    const res = await post([make(p), created(`${p}-2`, `${p}-u`)]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1, rejected: 1, errors: [{ index: 0, path }] });
  });

  it('CloudEvents with data nested 5,000 levels deep', async () => {
    const p = fresh('ce');
    const res = await post(
      [
        {
          specversion: '1.0',
          id: `${p}-1`,
          source: '/test',
          type: 'ticket.message',
          subject: `${p}-t`,
          time: '2026-11-20T09:00:00Z',
          data: { direction: 'inbound', x: nested(5000) },
        },
        {
          specversion: '1.0',
          id: `${p}-2`,
          source: '/test',
          type: 'ticket.created',
          subject: `${p}-t`,
          time: '2026-11-20T09:00:00Z',
          data: { priority: 'high', channel: 'email' },
        },
      ],
      'application/cloudevents-batch+json',
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1, rejected: 1 });
    expect(await storedIds(`${p}-t`)).toEqual([`${p}-2`]);
  });

  it('a ticket spanning the whole domain is accepted and folded', async () => {
    const p = fresh('span');
    const res = await post([
      created(`${p}-1`, `${p}-t`, '1970-01-01T00:00:00Z'),
      { ...message(`${p}-2`, `${p}-t`), occurred_at: '2199-12-31T23:59:59.999Z' },
    ]);
    expect(res.json()).toStrictEqual({ accepted: 2, duplicates: 0, rejected: 0, errors: [] });
    const detail = await t.app.inject({
      url: `/v1/tickets/${p}-t`,
      headers: t.auth('reports:read'),
    });
    expect(
      detail.json().sla.find((c: { metric: string }) => c.metric === 'first_response'),
    ).toMatchObject({
      status: 'breached',
      stopped_at: '2199-12-31T23:59:59.999Z',
    });
  });
});

describe('configuration and query parameters out of the domain are a 400 naming the field', () => {
  it.each([
    [
      'a target of 1e308',
      { policies: [{ id: 'x', calendar_id: '24x7', targets: { resolution: 1e308 } }] },
      '/policies/0/targets/resolution',
    ],
    [
      'effective_from in 9999',
      { effective_from: '9999-12-02T00:00:00Z', policies: [] },
      '/effective_from',
    ],
  ])('SLA policies: %s', async (_name, payload, path) => {
    const res = await t.configure('/v1/sla-policies', payload);
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'invalid_body', path } });
    // Nothing changed: a new ticket still ingests under the policy in force.
    const p = fresh('pol');
    const ingest = await post([created(`${p}-1`, `${p}-t`)]);
    expect(ingest.json()).toMatchObject({ accepted: 1 });
  });

  it('a calendar version effective in 9999 or with an exception in 2200', async () => {
    for (const [payload, path] of [
      [{ timezone: 'UTC', weekly: {}, effective_from: '9999-12-02T00:00:00Z' }, '/effective_from'],
      [
        { timezone: 'UTC', weekly: {}, exceptions: [{ date: '2200-01-01', hours: [] }] },
        '/exceptions/0/date',
      ],
    ] as const) {
      const res = await t.configure('/v1/calendars/far', payload);
      expect(res.statusCode).toBe(400);
      expect(res.body).toMatchObject({ error: { path } });
    }
  });

  it.each([
    [
      '/v1/calendars/office/business-time?from=1000-01-01T00:00:00Z&to=9999-12-31T00:00:00Z',
      '/from',
    ],
    ['/v1/calendars/office/business-time?from=2026-01-01T00:00:00Z&to=9999-12-31T00:00:00Z', '/to'],
    ['/v1/calendars/office/add?from=9999-11-30T00:00:00Z&seconds=1', '/from'],
    ['/v1/calendars/office/add?from=2026-01-01T00:00:00Z&seconds=315360001', '/seconds'],
    ['/v1/calendars/office/add?from=2026-01-01T00:00:00Z&seconds=1e300', '/seconds'],
  ])('GET %s', async (url, path) => {
    const res = await t.app.inject({ url, headers: t.auth('reports:read') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_parameter', path });
  });

  it('the edges of the domain answer', async () => {
    const span = await t.app.inject({
      url: '/v1/calendars/office/business-time?from=1970-01-01T00:00:00Z&to=2199-12-31T23:59:59.999Z',
      headers: t.auth('reports:read'),
    });
    expect(span.statusCode).toBe(200);
    expect(span.json().business_seconds).toBeGreaterThan(0);
    const add = await t.app.inject({
      url: '/v1/calendars/office/add?from=2199-12-31T23:59:59.999Z&seconds=315360000',
      headers: t.auth('reports:read'),
    });
    expect(add.statusCode).toBe(200);
    // About 80 years of a 17-hour week: past the engine's horizon (2300) it is null, never a 500.
    expect(add.json().due_at === null || add.json().due_at > '2199').toBe(true);
  });
});
