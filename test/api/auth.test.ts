/**
 * Auth on POST /v1/events (api.md, Auth and tenancy; Errors): no key, a malformed header, an
 * unknown or revoked key → 401; a key without `events:write` (and not `admin`) → 403; every error
 * is `{ error: { code, message } }`, and a refused request stores nothing — whatever its body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey, type Scope } from '../../src/storage/tenant.repository.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { prefixes } from '../factories/events.js';

let t: TestApp;
let revokedWriteKey: string;
let revokedAdminKey: string;
beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const write = await createApiKey(db, {
    tenantId: t.tenantId,
    name: 'revoked-write',
    scopes: ['events:write'],
  });
  const admin = await createApiKey(db, {
    tenantId: t.tenantId,
    name: 'revoked-admin',
    scopes: ['admin'],
  });
  expect(await revokeApiKey(db, write.keyId, t.tenantId)).toBe(1);
  expect(await revokeApiKey(db, admin.keyId, t.tenantId)).toBe(1);
  revokedWriteKey = write.key;
  revokedAdminKey = admin.key;
});
afterAll(async () => t.close());

const fresh = prefixes();

const event = (id: string) => ({
  id,
  type: 'ticket.created',
  ticket_id: `T-${id}`,
  occurred_at: '2026-11-20T09:15:00.250+01:00',
  data: { priority: 'high', channel: 'email' },
});

function post(authorization: string | null, payload: string, contentType = 'application/json') {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (authorization !== null) headers.authorization = authorization;
  return t.app.inject({ method: 'POST', url: '/v1/events', headers, payload });
}

async function storedIds(prefix: string): Promise<string[]> {
  const rows = await t.database.db
    .selectFrom('ticket_event')
    .select('event_id')
    .where('event_id', 'like', `${prefix}%`)
    .execute();
  return rows.map((r) => r.event_id);
}

const key = (scope: Scope) => t.keys[scope];
const envelope = (code: string, message: unknown = expect.stringMatching(/\S/)) => ({
  error: { code, message, request_id: expect.any(String) as string },
});

describe('who may POST /v1/events', () => {
  interface Row {
    name: string;
    authorization: () => string | null;
    status: number;
    code?: string;
    message?: RegExp;
  }
  const rows: Row[] = [
    {
      name: 'no Authorization header',
      authorization: () => null,
      status: 401,
      code: 'unauthorized',
      message: /Authorization: Bearer/,
    },
    { name: 'empty header', authorization: () => '', status: 401, code: 'unauthorized' },
    {
      name: 'Basic scheme',
      authorization: () => `Basic ${Buffer.from(`user:${key('events:write')}`).toString('base64')}`,
      status: 401,
      code: 'unauthorized',
    },
    {
      name: 'Token scheme with a valid key',
      authorization: () => `Token ${key('events:write')}`,
      status: 401,
      code: 'unauthorized',
    },
    {
      name: 'bare key without a scheme',
      authorization: () => key('events:write'),
      status: 401,
      code: 'unauthorized',
    },
    {
      name: '"Bearer" without a key',
      authorization: () => 'Bearer',
      status: 401,
      code: 'unauthorized',
    },
    {
      name: '"Bearer " and spaces only',
      authorization: () => 'Bearer    ',
      status: 401,
      code: 'unauthorized',
    },
    {
      name: 'two tokens',
      authorization: () => `Bearer ${key('events:write')} ${key('admin')}`,
      status: 401,
      code: 'unauthorized',
    },
    {
      name: 'unknown key',
      authorization: () => 'Bearer dm_thisKeyWasNeverIssuedToAnyone00',
      status: 401,
      code: 'unauthorized',
      message: /unknown, revoked or expired/,
    },
    {
      name: 'valid key with one character changed',
      authorization: () =>
        `Bearer ${key('events:write').slice(0, -1)}${key('events:write').endsWith('A') ? 'B' : 'A'}`,
      status: 401,
      code: 'unauthorized',
    },
    {
      name: 'valid key with a suffix',
      authorization: () => `Bearer ${key('events:write')}x`,
      status: 401,
      code: 'unauthorized',
    },
    {
      name: 'revoked events:write key',
      authorization: () => `Bearer ${revokedWriteKey}`,
      status: 401,
      code: 'unauthorized',
      message: /unknown, revoked or expired/,
    },
    {
      name: 'revoked admin key',
      authorization: () => `Bearer ${revokedAdminKey}`,
      status: 401,
      code: 'unauthorized',
    },
    {
      name: 'reports:read key',
      authorization: () => `Bearer ${key('reports:read')}`,
      status: 403,
      code: 'forbidden',
      message: /"events:write"/,
    },
    {
      name: 'config:write key',
      authorization: () => `Bearer ${key('config:write')}`,
      status: 403,
      code: 'forbidden',
      message: /"events:write"/,
    },
    {
      name: 'hr:read key',
      authorization: () => `Bearer ${key('hr:read')}`,
      status: 403,
      code: 'forbidden',
    },
    { name: 'events:write key', authorization: () => `Bearer ${key('events:write')}`, status: 200 },
    {
      name: 'admin key (implies every scope)',
      authorization: () => `Bearer ${key('admin')}`,
      status: 200,
    },
    {
      name: 'lowercase scheme (RFC 7235: case-insensitive)',
      authorization: () => `bearer ${key('events:write')}`,
      status: 200,
    },
    {
      name: 'several spaces after the scheme',
      authorization: () => `Bearer   ${key('events:write')}`,
      status: 200,
    },
  ];

  it.each(rows)('$name → $status', async ({ authorization, status, code, message }) => {
    const p = fresh('auth');
    const res = await post(authorization(), JSON.stringify([event(`${p}a`)]));
    expect(res.statusCode).toBe(status);
    if (status === 200) {
      expect(res.json()).toStrictEqual({ accepted: 1, duplicates: 0, rejected: 0, errors: [] });
      expect(await storedIds(p)).toEqual([`${p}a`]);
    } else {
      expect(res.json()).toStrictEqual(
        envelope(code!, message ? expect.stringMatching(message) : undefined),
      );
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(await storedIds(p)).toEqual([]);
    }
  });
});

describe('auth is decided before the body is read', () => {
  const tooBig = `[${' '.repeat(10 * 1024 * 1024 + 10)}]`;
  interface Row {
    name: string;
    authorization: () => string | null;
    contentType: string;
    body: string;
    status: number;
    code: string;
  }
  const rows: Row[] = [
    {
      name: 'no key, unsupported media type',
      authorization: () => null,
      contentType: 'application/xml',
      body: '<events/>',
      status: 401,
      code: 'unauthorized',
    },
    {
      name: 'no key, text/plain',
      authorization: () => null,
      contentType: 'text/plain',
      body: 'hello',
      status: 401,
      code: 'unauthorized',
    },
    {
      name: 'no key, malformed JSON',
      authorization: () => null,
      contentType: 'application/json',
      body: '[{',
      status: 401,
      code: 'unauthorized',
    },
    {
      name: 'no key, body over 10 MiB',
      authorization: () => null,
      contentType: 'application/json',
      body: tooBig,
      status: 401,
      code: 'unauthorized',
    },
    {
      name: 'unknown key, NDJSON',
      authorization: () => 'Bearer dm_nope',
      contentType: 'application/x-ndjson',
      body: '{"id":"x"}\n',
      status: 401,
      code: 'unauthorized',
    },
    {
      name: 'revoked key, malformed JSON',
      authorization: () => `Bearer ${revokedWriteKey}`,
      contentType: 'application/json',
      body: 'nope',
      status: 401,
      code: 'unauthorized',
    },
    {
      name: 'reports:read key, malformed JSON',
      authorization: () => `Bearer ${key('reports:read')}`,
      contentType: 'application/json',
      body: '[{',
      status: 403,
      code: 'forbidden',
    },
    {
      name: 'reports:read key, body over 10 MiB',
      authorization: () => `Bearer ${key('reports:read')}`,
      contentType: 'application/json',
      body: tooBig,
      status: 403,
      code: 'forbidden',
    },
  ];

  it.each(rows)('$name → $status', async ({ authorization, contentType, body, status, code }) => {
    const res = await post(authorization(), body, contentType);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toStrictEqual(envelope(code));
  });

  it('a refused NDJSON stream stores none of its lines', async () => {
    const p = fresh('authnd');
    const body = [event(`${p}1`), event(`${p}2`)].map((e) => JSON.stringify(e)).join('\n');
    const res = await post(`Bearer ${key('reports:read')}`, body, 'application/x-ndjson');
    expect(res.statusCode).toBe(403);
    expect(await storedIds(p)).toEqual([]);
  });
});

describe('the key decides the tenant', () => {
  it("events go to the key's tenant, whatever tenant the caller might name", async () => {
    const p = fresh('authtenant');
    const other = await t.addTenant('auth-other');
    const res = await post(`Bearer ${other.adminKey}`, JSON.stringify([event(`${p}a`)]));
    expect(res.statusCode).toBe(200);
    const rows = await t.database.db
      .selectFrom('ticket_event')
      .select(['tenant_id', 'event_id'])
      .where('event_id', 'like', `${p}%`)
      .execute();
    expect(rows).toEqual([{ tenant_id: other.tenantId, event_id: `${p}a` }]);
  });

  it("a revoked key stops working while the tenant's other keys go on", async () => {
    const p = fresh('authrev');
    const fresh1 = await createApiKey(t.database.db, {
      tenantId: t.tenantId,
      name: 'short-lived',
      scopes: ['events:write'],
    });
    expect((await post(`Bearer ${fresh1.key}`, JSON.stringify([event(`${p}a`)]))).statusCode).toBe(
      200,
    );
    expect(await revokeApiKey(t.database.db, fresh1.keyId, t.tenantId)).toBe(1);
    expect((await post(`Bearer ${fresh1.key}`, JSON.stringify([event(`${p}b`)]))).statusCode).toBe(
      401,
    );
    expect(
      (await post(`Bearer ${key('events:write')}`, JSON.stringify([event(`${p}c`)]))).statusCode,
    ).toBe(200);
    expect((await storedIds(p)).sort()).toEqual([`${p}a`, `${p}c`]);
  });
});
