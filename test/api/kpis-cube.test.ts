/**
 * The KPI cube kept current by commits: after its one load, ingest (per batch and atomic),
 * recomputation jobs and compaction each move it to the new data version with no reload, and
 * the answers equal SQL's; a writer that does not report (another process) makes reads fall back
 * to SQL until the cube is reloaded — never a stale answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactRollups } from '../../src/storage/rollup.repository.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let sqlOnly: TestApp;
const now = Date.parse('2026-11-20T12:00:00Z');

const created = (id: string, at: string, data: object = {}) => ({
  id: `${id}-c`,
  type: 'ticket.created',
  ticket_id: id,
  occurred_at: at,
  actor: { type: 'customer' },
  data: { priority: 'normal', channel: 'email', group: 'L1', assignee_id: 'ag-1', ...data },
});
const solved = (id: string, at: string) => ({
  id: `${id}-s`,
  type: 'ticket.status_changed',
  ticket_id: id,
  occurred_at: at,
  actor: { type: 'agent', id: 'ag-1' },
  data: { status: 'solved' },
});
const reply = (id: string, at: string) => ({
  id: `${id}-r`,
  type: 'ticket.message',
  ticket_id: id,
  occurred_at: at,
  actor: { type: 'agent', id: 'ag-1' },
  data: { direction: 'outbound' },
});

async function post(app: TestApp, events: object[], query = '') {
  const res = await app.app.inject({
    method: 'POST',
    url: `/v1/events${query}`,
    headers: app.auth('events:write'),
    payload: events,
  });
  expect(res.statusCode, res.body).toBe(200);
}

const QUESTIONS = [
  'volume?from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z&interval=day&group_by=team',
  'sla?from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z&group_by=metric,policy',
  'fcr?from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z&group_by=agent',
  'backlog?as_of=2026-11-17T12:00:00Z&group_by=team',
  'backlog?as_of=2026-11-19T12:00:00Z&age=business&buckets=1h,1d',
  'backlog-trend?from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z&group_by=agent',
];

async function ask(app: TestApp, path: string) {
  const res = await app.app.inject({
    method: 'GET',
    url: `/v1/kpis/${path}`,
    headers: app.auth('reports:read'),
  });
  expect(res.statusCode, res.body).toBe(200);
  return { source: String(res.headers['server-timing']).split(';')[0], body: res.json<unknown>() };
}

/** Every question answered by both apps: the cube's source, and SQL's numbers. */
async function expectCubeEqualsSql(source: 'cube' | 'sql') {
  for (const q of QUESTIONS) {
    const [a, b] = [await ask(t, q), await ask(sqlOnly, q)];
    expect(a.source, q).toBe(source);
    expect(b.source).toBe('sql');
    expect(a.body, q).toEqual(b.body);
  }
}

/** Both apps share one database: the same events go in once, through `t`. */
beforeAll(async () => {
  t = await createTestApp({ now: () => now, logger: { level: 'error' }, rollupCompactRows: 0 });
  sqlOnly = {
    ...t,
    app: await (
      await import('../../src/app.js')
    ).buildApp({
      db: t.database.db,
      transaction: t.database.transaction,
      now: () => now,
      logger: { level: 'error' },
      kpiCubeBytes: 0,
    }),
  };
  await post(t, [created('A', '2026-11-16T09:00:00Z'), reply('A', '2026-11-16T09:20:00Z')]);
});
afterAll(async () => {
  await sqlOnly.app.close();
  await t.close();
});

describe('the KPI cube', () => {
  it('answers from SQL while it loads, then from memory', async () => {
    const cubes = t.app.services.cubes!;
    expect((await ask(t, QUESTIONS[0]!)).source).toBe('sql');
    await cubes.idle();
    expect(cubes.loads).toBe(1);
    await expectCubeEqualsSql('cube');
  });

  it('follows ingest, per batch and atomic, without reloading', async () => {
    await post(t, [solved('A', '2026-11-16T11:00:00Z'), created('B', '2026-11-17T10:00:00Z')]);
    await expectCubeEqualsSql('cube');
    await post(t, [solved('B', '2026-11-18T10:00:00Z')], '?atomic=true');
    await expectCubeEqualsSql('cube');
    // A late event: past periods change.
    await post(t, [reply('B', '2026-11-17T10:05:00Z')]);
    await expectCubeEqualsSql('cube');
    expect(t.app.services.cubes!.loads).toBe(1);
  });

  it('follows a recomputation (a policy change) without reloading', async () => {
    const res = await t.configure('/v1/sla-policies', {
      effective_from: '2020-01-01T00:00:00Z',
      policies: [{ id: 'p', match: {}, calendar_id: '24x7', targets: { first_response: 600 } }],
    });
    expect(res.statusCode, JSON.stringify(res.body)).toBe(200);
    await expectCubeEqualsSql('cube');
    const sla = (await ask(t, QUESTIONS[1]!)).body as { rows: Array<Record<string, unknown>> };
    expect(sla.rows).toEqual([
      expect.objectContaining({ metric: 'first_response', policy: 'p', achieved: 1, breached: 1 }),
    ]);
    expect(t.app.services.cubes!.loads).toBe(1);
  });

  it('falls back to SQL when another writer moved the data version, then reloads', async () => {
    // A compaction by another process (the CLI): the version moves on, nobody reports it.
    await compactRollups(t.database.db, t.tenantId);
    await expectCubeEqualsSql('sql');
    await t.app.services.cubes!.reload(t.tenantId);
    expect(t.app.services.cubes!.loads).toBe(2);
    await expectCubeEqualsSql('cube');
  });

  it('drops nothing when a rejected atomic batch rolls back', async () => {
    const bad = { id: 'x', type: 'ticket.nonsense', ticket_id: 'C', occurred_at: 'soon' };
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/events?atomic=true',
      headers: t.auth('events:write'),
      payload: [created('C', '2026-11-19T10:00:00Z'), bad],
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    await expectCubeEqualsSql('cube');
    await post(t, [created('C', '2026-11-19T10:00:00Z')]);
    await expectCubeEqualsSql('cube');
    expect(t.app.services.cubes!.loads).toBe(2);
  });
});
