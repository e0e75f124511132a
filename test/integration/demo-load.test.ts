/**
 * The demo loader (src/demo/demo-load.ts) at a small size on the test database (a server with
 * TEST_DATABASE_URL, else PGlite): configured and loaded through the API only, its help desk has
 * figures in every KPI the dashboard shows — SLA decisions with some (not all) breached, a
 * backlog, an at-risk queue, escalations and reopens, agents with handle time.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadDemo, type DemoLoadResult } from '../../src/demo/demo-load.js';
import { demoProfile } from '../../src/demo/demo-profile.js';
import { createApiKey, createTenant } from '../../src/storage/tenant.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** A Thursday, 11:17 in Warsaw; KPI windows end at the next quarter hour. */
const NOW = Date.UTC(2026, 11, 3, 10, 17, 23, 456);
const QUARTER = 15 * 60_000;
const FROM = new Date(demoProfile(NOW).from - 86_400_000).toISOString();
const TO = new Date(Math.ceil(NOW / QUARTER) * QUARTER).toISOString();
const TICKETS = 300;

let database: TestDatabase;
let app: FastifyInstance;
let viewer: string;
let loaded: DemoLoadResult;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp({
    db: database.db,
    transaction: database.transaction,
    reserve: database.reserve,
    now: () => NOW,
  });
  const tenantId = await createTenant(database.db, 'demo');
  const admin = await createApiKey(database.db, { tenantId, name: 'admin', scopes: ['admin'] });
  viewer = (
    await createApiKey(database.db, {
      tenantId,
      name: 'viewer',
      scopes: ['reports:read', 'hr:read'],
    })
  ).key;
  loaded = await loadDemo(app, admin.key, {
    tickets: TICKETS,
    seed: 15,
    now: NOW,
    batchSize: 1000,
  });
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

async function get<T>(url: string): Promise<T> {
  const res = await app.inject({ url, headers: { authorization: `Bearer ${viewer}` } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<T>();
}

type Rows<T> = { rows: T[] };
const window = `from=${FROM}&to=${TO}`;

describe('the demo help desk loaded through the API', () => {
  it('stored every event, none rejected or left unfolded', () => {
    expect(loaded.events).toBeGreaterThan(TICKETS * 5);
    expect(loaded.refoldPending).toBe(0);
  });

  it('is configured as the demo says: Warsaw time, office calendar, three policies', async () => {
    const tenant = await get<{ timezone: string; default_calendar_id: string }>('/v1/tenant');
    expect(tenant).toMatchObject({
      timezone: 'Europe/Warsaw',
      default_calendar_id: 'warsaw-office',
    });
    const policies = await get<{ current: { policies: Array<{ id: string }> } }>(
      '/v1/sla-policies',
    );
    expect(policies.current.policies.map((p) => p.id)).toEqual([
      'critical-24x7',
      'priority',
      'standard',
    ]);
  });

  it('has SLA decisions, some breached and most achieved', async () => {
    const { rows } = await get<Rows<{ achieved: number; breached: number }>>(
      `/v1/kpis/sla?${window}`,
    );
    const { achieved, breached } = rows[0]!;
    expect(breached).toBeGreaterThan(0);
    expect(achieved).toBeGreaterThan(breached);
  });

  it('has a backlog now, and open tickets in the work queue', async () => {
    const { rows } = await get<Rows<{ total: number; actionable: number }>>('/v1/kpis/backlog');
    expect(rows[0]!.total).toBeGreaterThan(0);
    const queue = await get<{ items: unknown[] }>('/v1/tickets?sort=due_at&limit=50');
    expect(queue.items.length).toBeGreaterThan(0);
  });

  it('has escalations and reopens among the solved tickets', async () => {
    const { rows } = await get<Rows<{ solved: number; escalated: number; reopened: number }>>(
      `/v1/kpis/fcr?${window}`,
    );
    expect(rows[0]!.solved).toBeGreaterThan(TICKETS / 2);
    expect(rows[0]!.escalated).toBeGreaterThan(0);
    expect(rows[0]!.reopened).toBeGreaterThan(0);
  });

  it('has agents with contacts and handle time, and every channel', async () => {
    const agents = await get<Rows<{ agent: string; contacts: number; aht_seconds: number }>>(
      `/v1/kpis/handle-time?${window}&group_by=agent`,
    );
    expect(agents.rows.length).toBeGreaterThan(10);
    expect(agents.rows.some((r) => r.contacts > 0 && r.aht_seconds > 0)).toBe(true);
    const volume = await get<Rows<{ channel: string; created: number }>>(
      `/v1/kpis/volume?${window}&group_by=channel`,
    );
    expect(volume.rows.map((r) => r.channel).sort()).toEqual(['chat', 'email', 'phone', 'portal']);
    // Spam and merged tickets leave every figure (ticket.deleted).
    const created = volume.rows.reduce((n, r) => n + r.created, 0);
    expect(created).toBeGreaterThan(TICKETS * 0.95);
    expect(created).toBeLessThanOrEqual(TICKETS);
  });
});
