/**
 * The database goes away (issue 17): PostgreSQL cut off mid-ingest and mid-report — by a TCP
 * proxy between the service and the server, so that the machine's PostgreSQL keeps serving the
 * other tests. The service answers 503 with Retry-After (not a crash, not a hang), /readyz turns
 * 503, and once the database is back everything resumes without a restart and nothing that was
 * acknowledged is lost. PostgreSQL only: the embedded database cannot go away.
 */
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { createApiKey, createTenant } from '../../src/storage/tenant.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** A TCP proxy to PostgreSQL that can drop every connection and refuse new ones. */
async function pgProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) return client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(target.href);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.href,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const server = inject('testDatabase').mode !== 'pglite';

describe.skipIf(!server)('when the database goes away', () => {
  let direct: TestDatabase;
  let proxy: Awaited<ReturnType<typeof pgProxy>>;
  let database: Database;
  let app: FastifyInstance;
  let headers: Record<string, string>;
  const acknowledged = new Set<string>();

  const event = (n: number) => ({
    id: `outage-${n}`,
    type: 'ticket.created',
    ticket_id: `T-${Math.floor(n / 2)}-${n}`,
    occurred_at: new Date(Date.UTC(2026, 10, 2) + n * 60_000).toISOString(),
    actor: { type: 'customer', id: 'c-1' },
    data: { priority: 'normal', channel: 'email' },
  });
  const ndjson = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => JSON.stringify(event(from + i))).join('\n');

  async function ingest(from: number, to: number) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...headers, 'content-type': 'application/x-ndjson' },
      payload: ndjson(from, to),
    });
    if (res.statusCode === 200) {
      for (let n = from; n < to; n++) acknowledged.add(event(n).id);
    }
    return res;
  }

  beforeAll(async () => {
    direct = await createTestDatabase();
    proxy = await pgProxy(new URL(direct.url!));
    database = await openDatabase({ url: proxy.url, poolSize: 4 });
    const tenantId = await createTenant(direct.db, 'outage');
    const { key } = await createApiKey(direct.db, {
      tenantId,
      name: 'all',
      scopes: ['admin'],
    });
    headers = { authorization: `Bearer ${key}` };
    app = await buildApp({
      db: database.db,
      transaction: database.transaction,
      reserve: database.reserve,
      ndjsonBatchSize: 500,
      protection: { rateLimitReads: 0, rateLimitWrites: 0 },
    });
    expect((await ingest(0, 1000)).statusCode).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.close();
    await proxy?.close();
    await direct?.close();
  });

  it('answers 503 with Retry-After, quickly, to ingest, KPIs, reports and /readyz', async () => {
    proxy.cut();
    const started = performance.now();
    const answers = await Promise.all([
      ingest(1000, 1200),
      app.inject({
        url: '/v1/kpis/volume?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z',
        headers,
      }),
      app.inject({ url: '/v1/reports/tickets?format=csv', headers }),
      app.inject({ url: '/v1/tickets/T-0-0', headers }),
    ]);
    for (const res of answers) {
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json()).toEqual({
        error: {
          code: 'unavailable',
          message: 'the database is not answering now; retry shortly',
          request_id: expect.any(String) as string,
        },
      });
      expect(res.headers['retry-after']).toBe('5');
    }
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'unavailable', database: 'unreachable' });
    // Well inside any request timeout: a refused connection is not waited for.
    expect(performance.now() - started).toBeLessThan(15_000);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  }, 60_000);

  it('loses nothing acknowledged when it goes away in the middle of an ingest', async () => {
    proxy.restore();
    // 20,000 events in transactions of 500: cut while they are being committed.
    const body = ingest(2000, 22_000);
    // Cut once the request's first transactions have committed.
    const stored = () =>
      direct.db
        .selectFrom('ticket_event')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('event_id', 'like', 'outage-%')
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n));
    while ((await stored()) <= 1000) await new Promise((resolve) => setTimeout(resolve, 5));
    proxy.cut();
    const res = await body;
    // 20,000 events take seconds to ingest: the cut lands in the middle, after some of the
    // request's transactions committed and before the others.
    expect(res.statusCode, res.body).toBe(503);
    const partly = await stored();
    expect(partly).toBeGreaterThan(1000);
    expect(partly).toBeLessThan(21_000);
    proxy.restore();
    // The client retries what was not acknowledged, as a client of any queue would: the events
    // committed before the cut come back as duplicates, the others are accepted.
    const again = await ingest(2000, 22_000);
    expect(again.statusCode).toBe(200);
    const answer = again.json<{ accepted: number; duplicates: number }>();
    expect(answer.accepted + answer.duplicates).toBe(20_000);
    expect(answer.duplicates).toBe(partly - 1000);
  }, 120_000);

  it('resumes without a restart once the database is back, with every acknowledged event stored once', async () => {
    proxy.restore();
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    expect((await ingest(1000, 1200)).statusCode).toBe(200);
    const kpi = await app.inject({
      url: '/v1/kpis/volume?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z',
      headers,
    });
    expect(kpi.statusCode, kpi.body).toBe(200);
    const stored = await direct.db
      .selectFrom('ticket_event')
      .select(['event_id'])
      .where('event_id', 'like', 'outage-%')
      .execute();
    const ids = stored.map((r) => r.event_id);
    expect(new Set(ids).size).toBe(ids.length);
    const missing = [...acknowledged].filter((id) => !ids.includes(id));
    expect(missing).toEqual([]);
    expect(acknowledged.size).toBe(1000 + 200 + 20_000);
  }, 60_000);
});
