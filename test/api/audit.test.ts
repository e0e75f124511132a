/**
 * The audit log (GET /v1/audit, admin) and the keys it watches (issue 17): who did what, when,
 * with which key — keys created and revoked, configuration changed, HR exports pulled with their
 * parameters and row count — recorded in the change's own transaction (or before an export's
 * first byte), readable in every export format, incrementally, by admin keys only and only the
 * tenant's own. Keys: optional expiry, last use recorded, never found by an index on the secret.
 */
import type * as NodeCrypto from 'node:crypto';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createApiKey,
  findApiKey,
  listApiKeys,
  revokeApiKey,
} from '../../src/storage/tenant.repository.js';
import { createTestApp, type TestApp } from '../support/app.js';

vi.mock('node:crypto', async (original) => {
  const crypto = await original<typeof NodeCrypto>();
  return { ...crypto, timingSafeEqual: vi.fn(crypto.timingSafeEqual) };
});
const { timingSafeEqual } = await import('node:crypto');

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ logger: false });
});
afterAll(async () => t?.close());

interface Entry {
  audit_id: string;
  at: string;
  actor: string;
  key_id: string | null;
  key_name: string | null;
  action: string;
  target: string | null;
  details: string;
  request_id: string | null;
}

async function audit(query = '', key = t.keys.admin): Promise<{ rows: Entry[]; cursor: string }> {
  const res = await t.app.inject({
    url: `/v1/audit?format=ndjson${query}`,
    headers: { authorization: `Bearer ${key}` },
  });
  expect(res.statusCode, res.body).toBe(200);
  const rows = res.body
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Entry & { _trailer?: boolean })
    .filter((r) => r._trailer !== true);
  return { rows, cursor: String(res.headers['x-next-cursor']) };
}

const keyIdOf = (key: string) => key.slice(3, 11);

describe('the audit log', () => {
  it('records the keys created for the tenant, by the command line', async () => {
    const { rows } = await audit('&action=key.created');
    // createTestApp made one key per scope.
    expect(rows.map((r) => r.target)).toEqual(Object.values(t.keys).map(keyIdOf));
    expect(rows[0]).toMatchObject({ actor: 'cli', key_id: null, action: 'key.created' });
    expect(JSON.parse(rows[0]!.details)).toMatchObject({ scopes: ['events:write'] });
  });

  it('records a configuration change with the key, its name and the request id', async () => {
    const { cursor } = await audit();
    const res = await t.app.inject({
      method: 'PUT',
      url: '/v1/calendars/office',
      headers: { authorization: `Bearer ${t.keys['config:write']}` },
      payload: {
        name: 'Office',
        timezone: 'Europe/Warsaw',
        weekly: { mon: [['09:00', '17:00']] },
        effective_from: '2026-01-01T00:00:00Z',
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const policies = await t.app.inject({
      method: 'PUT',
      url: '/v1/sla-policies',
      headers: t.auth('config:write'),
      payload: {
        policies: [{ id: 'std', match: {}, calendar_id: 'office', targets: { resolution: 3600 } }],
      },
    });
    expect(policies.statusCode, policies.body).toBe(200);
    const tenant = await t.app.inject({
      method: 'PUT',
      url: '/v1/tenant',
      headers: t.auth('admin'),
      payload: { timezone: 'Europe/Warsaw' },
    });
    expect(tenant.statusCode, tenant.body).toBe(200);
    const { rows } = await audit(`&after=${cursor}`);
    expect(rows.map((r) => [r.action, r.target, r.actor, r.key_id, r.key_name])).toEqual([
      ['calendar.changed', 'office', 'key', keyIdOf(t.keys['config:write']), 'config:write'],
      ['sla_policies.changed', null, 'key', keyIdOf(t.keys['config:write']), 'config:write'],
      ['tenant.changed', null, 'key', keyIdOf(t.keys.admin), 'admin'],
    ]);
    expect(rows[0]!.request_id).toBe(res.headers['x-request-id'] ?? rows[0]!.request_id);
    expect(rows[0]!.request_id).toMatch(/\S/);
    expect(JSON.parse(rows[0]!.details)).toEqual({ effective_from: '2026-01-01T00:00:00.000Z' });
    expect(JSON.parse(rows[1]!.details)).toMatchObject({ policies: ['std'] });
    expect(JSON.parse(rows[2]!.details)).toEqual({ timezone: 'Europe/Warsaw' });
  });

  it('records nothing for a refused change', async () => {
    const { cursor } = await audit();
    const res = await t.app.inject({
      method: 'PUT',
      url: '/v1/tenant',
      headers: t.auth('admin'),
      payload: { timezone: 'Mars/Olympus' },
    });
    expect(res.statusCode).toBe(400);
    expect((await audit(`&after=${cursor}`)).rows).toEqual([]);
  });

  it('records an HR export, with its parameters and row count, before sending it', async () => {
    const { cursor } = await audit();
    const query = 'from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z&timezone=UTC&interval=day';
    const res = await t.app.inject({
      url: `/v1/exports/agent-productivity?${query}&format=csv`,
      headers: t.auth('hr:read'),
    });
    expect(res.statusCode, res.body).toBe(200);
    const lines = res.body.trim().split('\n');
    const { rows } = await audit(`&after=${cursor}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'hr_export.pulled',
      target: 'agent-productivity',
      key_id: keyIdOf(t.keys['hr:read']),
      key_name: 'hr:read',
    });
    expect(JSON.parse(rows[0]!.details)).toEqual({
      query: {
        from: '2026-11-16T00:00:00Z',
        to: '2026-11-23T00:00:00Z',
        timezone: 'UTC',
        interval: 'day',
        format: 'csv',
      },
      format: 'csv',
      rows: lines.length - 1,
    });
  });

  it('is incremental: the cursor of a response gives only what was written after it', async () => {
    const first = await audit('&limit=2');
    expect(first.rows).toHaveLength(2);
    expect(first.cursor).toBe(first.rows[1]!.audit_id);
    const rest = await audit(`&after=${first.cursor}`);
    const all = await audit();
    expect([...first.rows, ...rest.rows]).toEqual(all.rows);
    expect((await audit(`&after=${all.cursor}`)).rows).toEqual([]);
    expect((await audit(`&after=${all.cursor}`)).cursor).toBe(all.cursor);
  });

  it('is exported like the other reports (Arrow here), with the same columns', async () => {
    const res = await t.app.inject({ url: '/v1/audit?format=arrow', headers: t.auth('admin') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(res.rawPayload);
    expect(table.schema.fields.map((f) => f.name)).toEqual([
      'audit_id',
      'at',
      'actor',
      'key_id',
      'key_name',
      'action',
      'target',
      'details',
      'request_id',
    ]);
    expect(table.numRows).toBe((await audit()).rows.length);
  });

  it('is for admin keys only, and answers bad parameters with a 400 naming them', async () => {
    for (const scope of ['reports:read', 'hr:read', 'config:write', 'events:write'] as const) {
      const res = await t.app.inject({ url: '/v1/audit', headers: t.auth(scope) });
      expect(res.statusCode).toBe(403);
    }
    const cases: Array<[string, string]> = [
      ['action=key.deleted', '/action'],
      ['after=abc', '/after'],
      ['limit=0', '/limit'],
      ['limit=10001', '/limit'],
      ['from=yesterday', '/from'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', '/to'],
    ];
    for (const [query, path] of cases) {
      const res = await t.app.inject({ url: `/v1/audit?${query}`, headers: t.auth('admin') });
      expect(res.statusCode, query).toBe(400);
      expect(res.json<{ error: { path: string } }>().error.path, query).toBe(path);
    }
  });

  it("never shows another tenant's entries, whatever the cursor", async () => {
    const other = await t.addTenant('other');
    const mine = await audit('', other.adminKey);
    expect(mine.rows.map((r) => [r.action, r.target])).toEqual([
      ['key.created', keyIdOf(other.adminKey)],
    ]);
    expect((await audit('&after=0', other.adminKey)).rows).toHaveLength(1);
  });
});

describe('API keys', () => {
  it('compares the stored hash in constant time, found by the public prefix', async () => {
    vi.mocked(timingSafeEqual).mockClear();
    const found = await findApiKey(t.database.db, t.keys.admin);
    expect(found?.tenantId).toBe(t.tenantId);
    expect(timingSafeEqual).toHaveBeenCalled();
    // Same prefix, another secret: found by prefix, refused by the comparison.
    const forged = `${t.keys.admin.slice(0, 11)}${'x'.repeat(t.keys.admin.length - 11)}`;
    expect(await findApiKey(t.database.db, forged)).toBeUndefined();
  });

  it('expires: a key past its expiry is refused as unknown', async () => {
    const soon = new Date(Date.now() + 60_000);
    const { key } = await createApiKey(t.database.db, {
      tenantId: t.tenantId,
      name: 'short-lived',
      scopes: ['reports:read'],
      expiresAt: soon,
    });
    const ok = await t.app.inject({
      url: '/v1/tenant',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(await findApiKey(t.database.db, key, new Date(soon.getTime() + 1))).toBeUndefined();
    const later = await createTestAppAt(soon.getTime() + 1);
    try {
      const res = await later.app.inject({
        url: '/v1/tenant',
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: {
          code: 'unauthorized',
          message: 'unknown, revoked or expired API key',
          request_id: expect.any(String) as string,
        },
      });
    } finally {
      await later.app.close();
    }
  });

  it('records when a key was last used, and lists keys by prefix only', async () => {
    const { key, keyId } = await createApiKey(t.database.db, {
      tenantId: t.tenantId,
      name: 'tracked',
      scopes: ['reports:read'],
    });
    const before = (await listApiKeys(t.database.db, t.tenantId)).find((k) => k.key_id === keyId);
    expect(before?.last_used_at).toBeNull();
    const res = await t.app.inject({
      url: '/v1/tenant',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.statusCode).toBe(200);
    await vi.waitFor(async () => {
      const after = (await listApiKeys(t.database.db, t.tenantId)).find((k) => k.key_id === keyId);
      expect(after?.last_used_at).toBeInstanceOf(Date);
    });
    const listed = await listApiKeys(t.database.db, t.tenantId);
    expect(JSON.stringify(listed)).not.toContain(key);
    await revokeApiKey(t.database.db, keyId, t.tenantId);
    const { rows } = await audit('&action=key.revoked');
    expect(rows.map((r) => [r.target, r.actor])).toContainEqual([keyId, 'cli']);
  });
});

/** An app on the same database whose clock reads `at`. */
async function createTestAppAt(at: number) {
  const { buildApp } = await import('../../src/app.js');
  return {
    app: await buildApp({
      db: t.database.db,
      transaction: t.database.transaction,
      reserve: t.database.reserve,
      now: () => at,
    }),
  };
}
