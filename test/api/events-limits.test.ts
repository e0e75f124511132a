/**
 * POST /v1/events limits and body handling (events.md, Transport; api.md, Errors): at most 10,000
 * events and 10 MB per JSON body, a 400 naming where an unparseable body failed, 415 for other
 * media types, and never a 5xx for bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_BODY_LIMIT } from '../../src/http/body-parsers.js';
import { MAX_JSON_EVENTS } from '../../src/http/routes/events.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { ev, prefixes } from '../factories/events.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const fresh = prefixes();

/** `contentType: null` sends no Content-Type header. */
function post(payload: string, contentType: string | null = 'application/json') {
  const headers: Record<string, string> = { ...t.auth('events:write') };
  if (contentType !== null) headers['content-type'] = contentType;
  return t.app.inject({ method: 'POST', url: '/v1/events', headers, payload });
}

async function storedIds(prefix: string): Promise<string[]> {
  const rows = await t.database.db
    .selectFrom('ticket_event')
    .select(['event_id', 'seq'])
    .where('tenant_id', '=', t.tenantId)
    .where('event_id', 'like', `${prefix}%`)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.event_id);
}

const errorEnvelope = (code: string) => ({
  error: { code, message: expect.any(String), request_id: expect.any(String) as string },
});
const many = (p: string, n: number) =>
  Array.from({ length: n }, (_, i) => ev(`${p}${String(i).padStart(5, '0')}`));

describe('event count per JSON body', () => {
  it('the limits are 10,000 events and 10 MiB', () => {
    expect(MAX_JSON_EVENTS).toBe(10_000);
    expect(JSON_BODY_LIMIT).toBe(10 * 1024 * 1024);
  });

  it('10,000 events (a body over the 1 MB default limit) → 200, all stored', async () => {
    const p = fresh('max');
    const body = JSON.stringify(many(p, 10_000));
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const res = await post(body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual({ accepted: 10_000, duplicates: 0, rejected: 0, errors: [] });
    expect(await storedIds(p)).toHaveLength(10_000);
  });

  it.each(['application/json', 'application/cloudevents-batch+json'])(
    '10,001 events as %s → 413, nothing stored',
    async (type) => {
      const p = fresh('over');
      const res = await post(JSON.stringify(many(p, 10_001)), type);
      expect(res.statusCode).toBe(413);
      expect(res.json()).toStrictEqual(errorEnvelope('payload_too_large'));
      expect(await storedIds(p)).toEqual([]);
    },
  );

  it('10,000 invalid events: every one counted, at most 1,000 errors listed, truncation flagged', async () => {
    const res = await post(JSON.stringify(Array.from({ length: 10_000 }, () => ({}))));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.accepted).toBe(0);
    expect(body.rejected).toBe(10_000);
    expect(body.errors).toHaveLength(1_000);
    expect(body.errors_truncated).toBe(true);
    // {} has four errors (id, ticket_id, type, occurred_at): 1,000 errors cover items 0–249.
    expect(body.errors[0]).toStrictEqual({ index: 0, path: '/id', message: 'is required' });
    expect(body.errors[999].index).toBe(249);
  });
});

describe('JSON body size', () => {
  it('a body over 10 MiB → 413 with the error envelope, nothing stored', async () => {
    const p = fresh('huge');
    const events = JSON.stringify([ev(`${p}a`), ev(`${p}b`)]);
    const body = `${events.slice(0, -1)}${' '.repeat(JSON_BODY_LIMIT + 1 - events.length)}]`;
    expect(Buffer.byteLength(body)).toBe(JSON_BODY_LIMIT + 1);
    const res = await post(body);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toStrictEqual(errorEnvelope('payload_too_large'));
    expect(await storedIds(p)).toEqual([]);
  });

  it('a body just under 10 MB (9,999,000 bytes) → 200, stored', async () => {
    const p = fresh('big');
    const events = JSON.stringify([ev(`${p}a`), ev(`${p}b`)]);
    const body = `${events.slice(0, -1)}${' '.repeat(9_999_000 - events.length)}]`;
    expect(Buffer.byteLength(body)).toBe(9_999_000);
    const res = await post(body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual({ accepted: 2, duplicates: 0, rejected: 0, errors: [] });
    expect(await storedIds(p)).toEqual([`${p}a`, `${p}b`]);
  });
});

describe('a JSON body that does not parse → 400 naming line, column and byte', () => {
  interface Row {
    name: string;
    body: string;
    line: number;
    column: number;
    byte: number;
  }
  const rows: Row[] = [
    { name: 'trailing comma in an object', body: '[{"a":1,}]', line: 1, column: 9, byte: 8 },
    { name: 'truncated array', body: '[1,2', line: 1, column: 5, byte: 4 },
    {
      name: 'junk after the value; byte counts UTF-8 (é is 2 bytes)',
      body: '["é"]]',
      line: 1,
      column: 6,
      byte: 6,
    },
    {
      name: 'missing comma on line 3 with CRLF endings',
      body: '[\r\n  1\r\n  2\r\n]',
      line: 3,
      column: 3,
      byte: 10,
    },
    {
      name: 'unexpected token on line 3',
      body: '[\n  {"a": 1},\n  {"b": x}\n]',
      line: 3,
      column: 9,
      byte: 22,
    },
    { name: 'unexpected token on line 1', body: 'not json', line: 1, column: 2, byte: 1 },
    {
      name: 'unexpected token after a multibyte character',
      body: '["é", x]',
      line: 1,
      column: 7,
      byte: 7,
    },
    { name: 'empty body', body: '', line: 1, column: 1, byte: 0 },
  ];

  it.each(rows)(
    '$name → line $line, column $column, byte $byte',
    async ({ body, line, column, byte }) => {
      const res = await post(body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toStrictEqual(errorEnvelope('invalid_body'));
      expect(res.json().error.message).toContain(`line ${line}, column ${column} (byte ${byte})`);
    },
  );

  it('a body that does not parse stores nothing, even when it starts with valid events', async () => {
    const p = fresh('broken');
    const res = await post(`[${JSON.stringify(ev(`${p}a`))},`);
    expect(res.statusCode).toBe(400);
    expect(await storedIds(p)).toEqual([]);
  });
});

describe('a JSON body that is not an array → 400', () => {
  it.each([
    ['an object', '{}'],
    ['one event object', JSON.stringify(ev('single'))],
    ['a string', '"events"'],
    ['a number', '42'],
    ['null', 'null'],
    ['true', 'true'],
  ])('%s', async (_name, body) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: {
        code: 'invalid_body',
        message: 'the body must be a JSON array of events',
        request_id: expect.any(String) as string,
      },
    });
    expect(await storedIds('single')).toEqual([]);
  });
});

describe('media types', () => {
  it.each([
    ['text/plain'],
    ['application/xml'],
    ['application/x-www-form-urlencoded'],
    ['application/octet-stream'],
    ['multipart/form-data; boundary=x'],
    ['application/jsonl'],
    [null],
  ])('%s → 415 with the error envelope, nothing stored', async (type) => {
    const p = fresh('mt');
    const res = await post(JSON.stringify([ev(`${p}a`)]), type);
    expect(res.statusCode).toBe(415);
    expect(res.json()).toStrictEqual(errorEnvelope('unsupported_media_type'));
    expect(await storedIds(p)).toEqual([]);
  });

  it.each([
    ['application/json; charset=utf-8', (p: string) => JSON.stringify([ev(`${p}a`)])],
    ['APPLICATION/JSON', (p: string) => JSON.stringify([ev(`${p}a`)])],
    ['application/x-ndjson; charset=utf-8', (p: string) => JSON.stringify(ev(`${p}a`))],
    [
      'application/cloudevents-batch+json; charset=utf-8',
      (p: string) =>
        JSON.stringify([
          {
            specversion: '1.0',
            id: `${p}a`,
            source: '/s',
            type: 'ticket.deleted',
            subject: 'T',
            time: '2026-11-20T09:15:00Z',
          },
        ]),
    ],
  ])('%s is accepted', async (type, body) => {
    const p = fresh('mtok');
    const res = await post(body(p), type);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual({ accepted: 1, duplicates: 0, rejected: 0, errors: [] });
    expect(await storedIds(p)).toEqual([`${p}a`]);
  });
});

describe('bad input is never a 5xx, and never costs the valid events next to it', () => {
  // JSON allows these; PostgreSQL text and jsonb do not hold U+0000 or unpaired surrogates, and
  // timestamptz has no year 0000 or 10000. Each is either rejected for its own event (with a
  // path) or stored faithfully — the valid event in the same batch is stored either way.
  interface Row {
    name: string;
    bad: (id: string) => Record<string, unknown>;
  }
  const rows: Row[] = [
    { name: 'U+0000 in id', bad: (id) => ev(`${id}\u0000x`, { ticket_id: 'T-nul' }) },
    { name: 'U+0000 in ticket_id', bad: (id) => ev(id, { ticket_id: 'T\u0000' }) },
    {
      name: 'U+0000 in a data string',
      bad: (id) => ev(id, { data: { priority: 'high\u0000', channel: 'email' } }),
    },
    {
      name: 'U+0000 in an unknown data key',
      bad: (id) => ev(id, { data: { priority: 'high', channel: 'email', 'k\u0000': 1 } }),
    },
    {
      name: 'U+0000 in actor id',
      bad: (id) => ev(id, { actor: { type: 'agent', id: 'a\u0000' } }),
    },
    {
      name: 'unpaired surrogate in a data string',
      bad: (id) => ev(id, { data: { priority: 'high\ud800', channel: 'email' } }),
    },
    { name: 'unpaired surrogate in id', bad: (id) => ev(`${id}\udc00`, { ticket_id: 'T-sur' }) },
    {
      name: 'occurred_at in year 0000',
      bad: (id) => ev(id, { occurred_at: '0000-06-01T00:00:00Z' }),
    },
    {
      name: 'occurred_at 9999-12-31 at -01:00 (year 10000 in UTC)',
      bad: (id) => ev(id, { occurred_at: '9999-12-31T23:30:00-01:00' }),
    },
  ];

  it.each(rows)('$name', async ({ bad }) => {
    const p = fresh('bad');
    const badEvent = bad(`${p}bad`);
    const res = await post(JSON.stringify([ev(`${p}good`), badEvent]));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.accepted + body.rejected).toBe(2);
    const ids = await storedIds(p);
    expect(ids).toContain(`${p}good`);
    if (body.rejected === 1) {
      // Rejected: reported at index 1 with a path, and really not stored.
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0]).toMatchObject({ index: 1, path: expect.stringMatching(/^\//) });
      expect(ids).toEqual([`${p}good`]);
    } else {
      // Stored: exactly as sent.
      expect(ids).toEqual([`${p}good`, badEvent.id]);
    }
  });
});
