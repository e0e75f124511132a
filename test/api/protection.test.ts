/**
 * What protects a node from its callers (issue 17; src/http/plugins/protection.ts and
 * export-slots.ts): security headers with a strict CSP on every response, CORS only for the
 * configured origins, per-key rate limits answered with 429, Retry-After and RateLimit-*
 * headers, and a cap on a tenant's concurrent exports.
 */
import { EventEmitter } from 'node:events';
import type { FastifyReply } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/http/errors.js';
import { exportSlots } from '../../src/http/export-slots.js';
import { createTestApp, type TestApp } from '../support/app.js';

const STRICT_CSP =
  "default-src 'self';script-src 'self';style-src 'self';style-src-elem 'self';style-src-attr 'unsafe-inline';img-src 'self' data:;connect-src 'self';font-src 'self';object-src 'none';base-uri 'self';form-action 'self';frame-ancestors 'none'";

describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it.each([
    ['an API answer', '/v1/tenant', true, 200],
    ['an error', '/v1/tenant', false, 401],
    ['a route that does not exist', '/v1/nothing', true, 404],
    ['the dashboard', '/dashboard/', false, 200],
    ['health', '/healthz', false, 200],
  ])('are on %s', async (_what, url, authorized, status) => {
    const res = await t.app.inject({ url, headers: authorized ? t.auth('admin') : {} });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-security-policy']).toBe(STRICT_CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-request-id']).toMatch(/\S/);
    // No CORS unless configured.
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('give the API documentation page the policy its inline script needs, and no more', async () => {
    const res = await t.app.inject({ url: '/docs' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
  });
});

describe('CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      protection: {
        rateLimitReads: 0,
        rateLimitWrites: 0,
        corsOrigins: ['https://bi.example.com'],
      },
    });
  });
  afterAll(async () => t?.close());

  it('answers the configured origin, with the headers a BI page needs to read', async () => {
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/v1/reports/tickets',
      headers: {
        origin: 'https://bi.example.com',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://bi.example.com');
    expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
    const res = await t.app.inject({
      url: '/v1/tenant',
      headers: { ...t.auth('admin'), origin: 'https://bi.example.com' },
    });
    expect(res.headers['access-control-allow-origin']).toBe('https://bi.example.com');
    expect(res.headers['access-control-expose-headers']).toContain('x-next-cursor');
  });

  it('gives no other origin a CORS header', async () => {
    const res = await t.app.inject({
      url: '/v1/tenant',
      headers: { ...t.auth('admin'), origin: 'https://evil.example.com' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('rate limits per key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      protection: { rateLimitReads: 3, rateLimitWrites: 2, exportsPerTenant: 0 },
    });
  });
  afterAll(async () => t?.close());

  const get = (key: string) =>
    t.app.inject({ url: '/v1/tenant', headers: { authorization: `Bearer ${key}` } });

  it('answers past the budget with 429, Retry-After and the RateLimit headers', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await get(t.keys['reports:read']));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 429]);
    expect(answers[0]!.headers['ratelimit-limit']).toBe('3');
    expect(answers[0]!.headers['ratelimit-remaining']).toBe('2');
    const refused = answers[3]!;
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(refused.json<{ error: { message: string } }>().error.message).toMatch(
      /more than 3 requests a minute with this API key; retry in \d+ s/,
    );
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
  });

  it('keeps one budget per key, and one for ingest apart from reads', async () => {
    expect((await get(t.keys.admin)).statusCode).toBe(200);
    const ingest = () =>
      t.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { ...t.auth('events:write'), 'content-type': 'application/x-ndjson' },
        payload: '',
      });
    const statuses = [(await ingest()).statusCode, (await ingest()).statusCode];
    expect(statuses).not.toContain(429);
    expect((await ingest()).statusCode).toBe(429);
    expect((await get(t.keys['events:write'])).statusCode).toBe(403);
  });

  it('does not limit routes that need no key', async () => {
    for (let i = 0; i < 6; i++)
      expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('concurrent exports per tenant', () => {
  function fakeReply() {
    const raw = new EventEmitter();
    const headers: Record<string, string> = {};
    const reply = {
      raw,
      header(name: string, value: string) {
        headers[name] = value;
        return reply;
      },
    };
    return { reply: reply as unknown as FastifyReply, raw, headers };
  }

  it('refuses a tenant past its cap with 429 and Retry-After, and frees a slot when a response ends', () => {
    const slots = exportSlots(2);
    const a = fakeReply();
    const b = fakeReply();
    slots.take('t1', a.reply);
    slots.take('t1', b.reply);
    const c = fakeReply();
    let refused: unknown;
    try {
      slots.take('t1', c.reply);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ statusCode: 429, code: 'too_many_exports' });
    expect(c.headers['retry-after']).toBe('5');
    // Another tenant has its own slots.
    slots.take('t2', fakeReply().reply);
    // A client that went away gives its slot back (once, whatever else it emits).
    a.raw.emit('close');
    a.raw.emit('finish');
    slots.take('t1', fakeReply().reply);
    expect(() => slots.take('t1', fakeReply().reply)).toThrow(ApiError);
    b.raw.emit('finish');
    expect(() => slots.take('t1', fakeReply().reply)).not.toThrow();
  });
});
