/**
 * Issue 11, errors: every 4xx/5xx answers `{ error: { code, message, path? } }`, on every route
 * and for the errors Fastify and Node raise before a route runs; bad input is never a 500.
 *
 * Regressions covered here:
 * - `GET /v1/tickets/a%00b` (and its timeline) answered 500: PostgreSQL rejects U+0000 in text;
 * - a bad path parameter was reported as `invalid_body`;
 * - `GET /v1/jobs/urn:uuid:…` answered 500: the `uuid` format accepts the prefix, PostgreSQL not;
 * - a crafted queue `cursor` (bad date, NUL, huge cycle) answered 500;
 * - a path parameter over 100 characters, or `%ff` in a path, answered Fastify's own body.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ logger: { level: 'fatal' } });
  // Routes that fail as unexpected errors do: a plain Error and a real PostgreSQL error.
  t.app.get('/test/throws', async () => {
    throw new Error('select * from secret where token = 42');
  });
  t.app.get('/test/sql-error', async () => sql`select * from secret`.execute(t.database.db));
  const res = await t.configure('/v1/sla-policies', {
    effective_from: '2020-01-01T00:00:00Z',
    policies: [{ id: 'all', calendar_id: '24x7', targets: { resolution: 86400 } }],
  });
  expect(res.statusCode).toBe(200);
});
afterAll(async () => t.close());

interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

function expectEnvelope(res: Answer, status: number, code: string, path?: string): void {
  expect({ status: res.statusCode, body: res.body }).toMatchObject({ status });
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  const body = JSON.parse(res.body) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  // Every answer from a request the service parsed names it, in the header and the body alike;
  // only the socket-level answers to requests Node could not parse have no id.
  const id = res.headers['x-request-id'];
  expect(body.error).toEqual({
    code,
    message: expect.any(String) as string,
    ...(path === undefined ? {} : { path }),
    ...(id === undefined ? {} : { request_id: id }),
  });
}

const get = (url: string, headers: Record<string, string> = t.auth('reports:read')) =>
  t.app.inject({ method: 'GET', url, headers });

async function postEvents(events: object[]) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: t.auth('events:write'),
    payload: events,
  });
  expect(res.json()).toMatchObject({ accepted: events.length });
}

const created = (id: string, ticketId: string, at: string) => ({
  id,
  type: 'ticket.created',
  ticket_id: ticketId,
  occurred_at: at,
  actor: { type: 'customer' },
  data: { priority: 'normal', channel: 'email' },
});

describe('path parameters', () => {
  it.each(['/v1/tickets/a%00b', '/v1/tickets/a%00b/timeline', '/v1/tickets/%00'])(
    'a NUL in ticket_id is a 400 naming it, not a 500: %s',
    async (url) => {
      expectEnvelope(await get(url), 400, 'invalid_parameter', '/ticket_id');
    },
  );

  it('a ticket_id over 256 characters is a 400 naming it', async () => {
    expectEnvelope(
      await get(`/v1/tickets/${'a'.repeat(257)}`),
      400,
      'invalid_parameter',
      '/ticket_id',
    );
    const timeline = await get(`/v1/tickets/${'a'.repeat(300)}/timeline`);
    expectEnvelope(timeline, 400, 'invalid_parameter', '/ticket_id');
  });

  it('a parameter past the router limit is a 400 invalid_parameter', async () => {
    expectEnvelope(await get(`/v1/tickets/${'a'.repeat(5000)}`), 400, 'invalid_parameter');
  });

  it('every valid 256-character id reaches its ticket, however long percent-encoded', async () => {
    const ids = ['€'.repeat(256), '/'.repeat(256), '😀'.repeat(128), 'x'.repeat(256)];
    await postEvents(ids.map((id, i) => created(`long-${i}`, id, '2026-01-05T08:00:00Z')));
    for (const id of ids) {
      const url = `/v1/tickets/${encodeURIComponent(id)}`;
      const res = await get(url);
      expect(res.statusCode, url.slice(0, 40)).toBe(200);
      expect(res.json()).toMatchObject({ ticket_id: id });
      expect((await get(`${url}/timeline`)).statusCode).toBe(200);
    }
    expectEnvelope(
      await get(`/v1/tickets/${encodeURIComponent('€'.repeat(255))}`),
      404,
      'not_found',
      '/ticket_id',
    );
  });

  it('job ids are UUIDs PostgreSQL reads', async () => {
    expectEnvelope(await get('/v1/jobs/nope'), 400, 'invalid_parameter', '/job_id');
    const urn = '/v1/jobs/urn:uuid:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
    expectEnvelope(await get(urn), 400, 'invalid_parameter', '/job_id');
    expectEnvelope(await get('/v1/jobs/a%00b'), 400, 'invalid_parameter', '/job_id');
    const upper = '/v1/jobs/A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11';
    expectEnvelope(await get(upper), 404, 'not_found', '/job_id');
  });

  it('a bad calendar_id is invalid_parameter, on reads and on PUT', async () => {
    expectEnvelope(await get('/v1/calendars/a%00b'), 400, 'invalid_parameter', '/calendar_id');
    const range = '/business-time?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z';
    const time = await get(`/v1/calendars/a%00b${range}`);
    expectEnvelope(time, 400, 'invalid_parameter', '/calendar_id');
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/calendars/no%20spaces',
      headers: t.auth('config:write'),
      payload: { timezone: 'UTC', weekly: {} },
    });
    expectEnvelope(put, 400, 'invalid_parameter', '/calendar_id');
  });

  it('a path that is not percent-encoded UTF-8 is a 400 invalid_parameter', async () => {
    for (const url of ['/v1/tickets/%ff', '/v1/tickets/%ED%A0%80', '/v1/nope/%', '/%zz']) {
      expectEnvelope(await get(url), 400, 'invalid_parameter');
    }
    const traced = await get('/v1/tickets/%ff', { 'x-request-id': 'trace-1' });
    expect(traced.headers['x-request-id']).toBe('trace-1');
    expect(JSON.parse(traced.body)).toMatchObject({ error: { request_id: 'trace-1' } });
  });

  it('every error body carries the request id of its header and its log lines', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logged = await createTestApp({
      logger: { level: 'info', stream: { write: (l: string) => lines.push(JSON.parse(l)) } },
    });
    try {
      const answers = [
        await logged.app.inject({ method: 'GET', url: '/v1/tickets/x' }), // 401
        await logged.app.inject({
          method: 'GET',
          url: '/nope',
          headers: { 'x-request-id': 'r-1' },
        }),
        await logged.app.inject({
          method: 'POST',
          url: '/v1/events',
          headers: { ...logged.auth('events:write'), 'content-type': 'application/json' },
          payload: '[{',
        }),
      ];
      expect(answers.map((a) => a.statusCode)).toEqual([401, 404, 400]);
      for (const answer of answers) {
        const id = answer.headers['x-request-id'] as string;
        expect(id).toMatch(/^[\w.-]+$/);
        expect(JSON.parse(answer.body).error.request_id).toBe(id);
        expect(lines.some((l) => l.reqId === id)).toBe(true);
      }
      expect(answers[1]!.headers['x-request-id']).toBe('r-1');
    } finally {
      await logged.close();
    }
  });
});

describe('the queue cursor', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  const cursor = (fields: Record<string, unknown>) =>
    b64(
      JSON.stringify({ d: '2026-01-05T08:00:00.000Z', t: 'x', m: 'resolution', c: 1, ...fields }),
    );

  it('pages with the cursors it returns, clocks without a due date included', async () => {
    // Q2 and Q3 wait on the customer: their resolution clocks pause, due at no instant.
    const pending = (id: string, ticketId: string) => ({
      ...created(id, ticketId, '2026-02-02T10:00:00Z'),
      type: 'ticket.status_changed',
      data: { status: 'pending' },
    });
    await postEvents([
      created('q1', 'Q1', '2026-02-02T08:00:00Z'),
      created('q2', 'Q2', '2026-02-02T09:00:00Z'),
      created('q3', 'Q3', '2026-02-02T09:00:00Z'),
      pending('q2p', 'Q2'),
      pending('q3p', 'Q3'),
    ]);
    const seen: string[] = [];
    const dues: unknown[] = [];
    let next: string | null = null;
    do {
      const url = `/v1/tickets?limit=1${next ? `&cursor=${next}` : ''}`;
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      const body = res.json<{ items: Array<{ ticket_id: string }>; next_cursor: string | null }>();
      seen.push(...body.items.map((i) => i.ticket_id));
      next = body.next_cursor;
      if (next)
        dues.push((JSON.parse(Buffer.from(next, 'base64url').toString()) as { d: unknown }).d);
    } while (next);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(-3)).toEqual(['Q1', 'Q2', 'Q3']);
    expect(dues.at(-1)).toBe('Infinity');
  });

  it.each([
    ['not base64', 'not base64!'],
    ['empty', ''],
    ['not JSON', b64('{"d":')],
    ['an array', b64('[1,2,3,4]')],
    ['null', b64('null')],
    ['a missing key', b64('{"d":"2026-01-05T08:00:00.000Z","t":"x","m":"resolution"}')],
    ['an extra key', cursor({ x: 1 })],
    ['a date that is not one', cursor({ d: 'yesterday' })],
    ['a date the calendar lacks', cursor({ d: '2026-02-30T00:00:00.000Z' })],
    ['a date with a six-digit year', cursor({ d: '+010000-01-01T00:00:00.000Z' })],
    ['the year 0', cursor({ d: '0000-01-01T00:00:00.000Z' })],
    ['a date as a number', cursor({ d: 1767600000000 })],
    ['a NUL in the ticket id', cursor({ t: 'a\u0000b' })],
    [
      'an unpaired surrogate',
      b64('{"d":"2026-01-05T08:00:00.000Z","t":"\\ud800","m":"resolution","c":1}'),
    ],
    ['an empty ticket id', cursor({ t: '' })],
    ['a ticket id over 256 characters', cursor({ t: 'x'.repeat(257) })],
    ['an unknown metric', cursor({ m: 'bogus' })],
    ['a fractional cycle', cursor({ c: 1.5 })],
    ['a negative cycle', cursor({ c: -1 })],
    ['a cycle past an integer column', cursor({ c: 1e20 })],
    ['a cycle as a string', cursor({ c: '1' })],
  ])('a cursor holding %s is a 400 naming it', async (_what, value) => {
    const res = await get(`/v1/tickets?sla_status=active&cursor=${encodeURIComponent(value)}`);
    expectEnvelope(res, 400, 'invalid_parameter', '/cursor');
  });
});

describe('errors Fastify raises', () => {
  it('an unknown route, or a method a route lacks, is a 404', async () => {
    expectEnvelope(await get('/v1/nope'), 404, 'not_found');
    for (const method of ['DELETE', 'PATCH', 'OPTIONS'] as const) {
      const res = await t.app.inject({ method, url: '/v1/tenant', headers: t.auth() });
      expectEnvelope(res, 404, 'not_found');
    }
  });

  it('HEAD answers the status of GET, without a body', async () => {
    const ok = await t.app.inject({ method: 'HEAD', url: '/v1/tenant', headers: t.auth() });
    expect(ok.statusCode).toBe(200);
    const bad = await t.app.inject({ method: 'HEAD', url: '/v1/tickets/a%00b', headers: t.auth() });
    expect([bad.statusCode, bad.body]).toEqual([400, '']);
    const anonymous = await t.app.inject({ method: 'HEAD', url: '/v1/tenant' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('a missing, unknown or underprivileged key is a 401 or 403', async () => {
    expectEnvelope(await get('/v1/tenant', {}), 401, 'unauthorized');
    expectEnvelope(await get('/v1/tenant', { authorization: 'Basic eDp5' }), 401, 'unauthorized');
    expectEnvelope(await get('/v1/tenant', { authorization: 'Bearer nope' }), 401, 'unauthorized');
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/tenant',
      headers: t.auth('reports:read'),
      payload: { name: 'x' },
    });
    expectEnvelope(put, 403, 'forbidden');
  });

  it('unknown or ill-typed query parameters are invalid_parameter', async () => {
    expectEnvelope(await get('/v1/tickets?bogus=1'), 400, 'invalid_parameter', '/bogus');
    expectEnvelope(await get('/v1/tickets?limit=abc'), 400, 'invalid_parameter', '/limit');
    expectEnvelope(await get('/v1/tickets?limit=0'), 400, 'invalid_parameter', '/limit');
    const metric = await get('/v1/tickets?metric=a%00b');
    expectEnvelope(metric, 400, 'invalid_parameter', '/metric');
    const time = await get('/v1/calendars/24x7/business-time?from=a%00b&to=x');
    expectEnvelope(time, 400, 'invalid_parameter', '/from');
    const ingest = await t.app.inject({
      method: 'POST',
      url: '/v1/events?atomic=maybe',
      headers: t.auth('events:write'),
      payload: [],
    });
    expectEnvelope(ingest, 400, 'invalid_parameter', '/atomic');
  });

  it('bodies: bad JSON or field 400, other media types 415, too large 413', async () => {
    const put = (payload: string, type = 'application/json') =>
      t.app.inject({
        method: 'PUT',
        url: '/v1/tenant',
        headers: { ...t.auth(), 'content-type': type },
        payload,
      });
    expectEnvelope(await put('{bad'), 400, 'invalid_body');
    expectEnvelope(await put(''), 400, 'invalid_body');
    expectEnvelope(await put('{"nope":1}'), 400, 'invalid_body', '/nope');
    expectEnvelope(
      await put('name=x', 'application/x-www-form-urlencoded'),
      415,
      'unsupported_media_type',
    );
    expectEnvelope(await put('x', 'text/plain'), 415, 'unsupported_media_type');
    const huge = JSON.stringify({ name: 'x'.repeat(11 * 1024 * 1024) });
    expectEnvelope(await put(huge), 413, 'payload_too_large');
  });

  it('a URL over 8 KiB is a 414, on routes and off them', async () => {
    const long = 'a'.repeat(9000);
    expectEnvelope(await get(`/v1/tickets?cursor=${long}`), 414, 'uri_too_long');
    expectEnvelope(await get(`/v1/nope?q=${long}`), 414, 'uri_too_long');
  });

  // Regression (issue 17, the contract fuzzer): a long path parameter answered 400 "a path
  // parameter is longer than 1024 characters" for a 9 KB URL — the router meets the parameter
  // before the onRequest hook that answers 414 sees the URL.
  it('a URL over 8 KiB is a 414 even when its length is in a path parameter', async () => {
    expectEnvelope(await get(`/v1/tickets/${'a'.repeat(9000)}`), 414, 'uri_too_long');
    expectEnvelope(await get(`/v1/calendars/${'%C5%BC'.repeat(1500)}/add`), 414, 'uri_too_long');
    expectEnvelope(await get(`/v1/tickets/${'a'.repeat(2000)}`), 400, 'invalid_parameter');
  });

  it('an unexpected error is a bare 500: no message, SQL or stack', async () => {
    for (const url of ['/test/throws', '/test/sql-error']) {
      const res = await get(url, {});
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({
        error: {
          code: 'internal_error',
          message: 'internal server error',
          request_id: expect.any(String) as string,
        },
      });
      expect(res.body).not.toMatch(/secret|select|at .*\.ts/i);
    }
  });
});

describe('over a real socket', () => {
  let port = 0;
  beforeAll(async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });

  function send(path: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, headers: t.auth() }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  }

  function raw(text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(text));
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (answer += chunk));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  it('a 10 KB URL is a 414 envelope', async () => {
    expectEnvelope(await send(`/v1/tickets?cursor=${'a'.repeat(10_000)}`), 414, 'uri_too_long');
  });

  it("a 20 KB URL, past Node's header limit, is a 431 envelope", async () => {
    expectEnvelope(
      await send(`/v1/tickets?cursor=${'a'.repeat(20_000)}`),
      431,
      'headers_too_large',
    );
  });

  it('bad percent-encoding and long parameters answer the envelope on the wire too', async () => {
    expectEnvelope(await send('/v1/tickets/%ff'), 400, 'invalid_parameter');
    expectEnvelope(await send(`/v1/tickets/${'a'.repeat(2000)}`), 400, 'invalid_parameter');
  });

  it('a request Node cannot parse is a 400 envelope', async () => {
    const answer = await raw('GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(body)).toEqual({
      error: { code: 'bad_request', message: 'malformed HTTP request' },
    });
  });
});
