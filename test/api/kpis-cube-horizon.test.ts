/**
 * The KPI cube's horizon (DESKMETRICS_KPI_CUBE_DAYS): the cube holds the last days of the data,
 * questions reaching before them are answered from SQL, and every answer — on either side of the
 * horizon, before and after it moves, after a reload that reads only those days — equals SQL's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let sqlOnly: TestApp;
const now = Date.parse('2026-11-20T12:00:00Z');
const DAYS = 30;

const created = (id: string, at: string, data: object = {}) => ({
  id: `${id}-c`,
  type: 'ticket.created',
  ticket_id: id,
  occurred_at: at,
  actor: { type: 'customer' },
  data: { priority: 'normal', channel: 'email', group: 'L1', assignee_id: 'ag-1', ...data },
});
const status = (id: string, at: string, to: string) => ({
  id: `${id}-${to}-${at}`,
  type: 'ticket.status_changed',
  ticket_id: id,
  occurred_at: at,
  actor: { type: 'agent', id: 'ag-1' },
  data: { status: to },
});
const reply = (id: string, at: string) => ({
  id: `${id}-r-${at}`,
  type: 'ticket.message',
  ticket_id: id,
  occurred_at: at,
  actor: { type: 'agent', id: 'ag-1' },
  data: { direction: 'outbound' },
});

async function post(events: object[]) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: t.auth('events:write'),
    payload: events,
  });
  expect(res.statusCode, res.body).toBe(200);
}

async function ask(app: TestApp, path: string) {
  const res = await app.app.inject({
    method: 'GET',
    url: `/v1/kpis/${path}`,
    headers: app.auth('reports:read'),
  });
  expect(res.statusCode, res.body).toBe(200);
  return { source: String(res.headers['server-timing']).split(';')[0], body: res.json<unknown>() };
}

/** Each question answered by both apps: from `source` by the cube's app, as SQL answers it. */
async function expectAnswers(questions: Record<string, 'cube' | 'sql'>) {
  for (const [q, source] of Object.entries(questions)) {
    const [a, b] = [await ask(t, q), await ask(sqlOnly, q)];
    expect(a.source, q).toBe(source);
    expect(b.source).toBe('sql');
    expect(a.body, q).toEqual(b.body);
  }
}

const range = (from: string, to: string) => `from=${from}T00:00:00Z&to=${to}T00:00:00Z`;

/** A desk from August to November 10: the horizon is then 30 days before November 10. */
const HISTORY = [
  // Closed long before the horizon: not in the cube's backlog at all.
  created('old-closed', '2026-08-03T09:00:00Z'),
  reply('old-closed', '2026-08-03T09:20:00Z'),
  status('old-closed', '2026-08-04T10:00:00Z', 'solved'),
  // Open since August: in every backlog from then on, the cube's included.
  created('old-open', '2026-08-10T09:00:00Z', { group: 'L2' }),
  // Open across the horizon, solved after it.
  created('across', '2026-10-05T10:00:00Z', { priority: 'high' }),
  reply('across', '2026-10-05T11:00:00Z'),
  status('across', '2026-10-25T10:00:00Z', 'solved'),
  ...['01', '03', '05', '09', '10'].flatMap((d, i) => [
    created(`nov-${d}`, `2026-11-${d}T09:00:00Z`, { group: i % 2 ? 'L1' : 'L2' }),
    reply(`nov-${d}`, `2026-11-${d}T09:30:00Z`),
    ...(i < 3 ? [status(`nov-${d}`, `2026-11-${d}T15:00:00Z`, 'solved')] : []),
  ]),
];

beforeAll(async () => {
  t = await createTestApp({
    now: () => now,
    logger: { level: 'error' },
    kpiCubeBlocking: true,
    kpiCubeDays: DAYS,
  });
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
  await post(HISTORY);
});
afterAll(async () => {
  await sqlOnly.app.close();
  await t.close();
});

describe('the KPI cube with a horizon of 30 days', () => {
  it('answers from memory from the horizon on, from SQL before it, the same numbers', async () => {
    // The latest data is of 2026-11-10: the horizon is 2026-10-11.
    await expectAnswers({
      [`volume?${range('2026-10-11', '2026-11-20')}&interval=day&group_by=team`]: 'cube',
      [`sla?${range('2026-10-12', '2026-11-20')}&group_by=metric`]: 'cube',
      [`fcr?${range('2026-10-11', '2026-11-20')}&group_by=agent`]: 'cube',
      [`handle-time?${range('2026-11-01', '2026-11-20')}&group_by=team`]: 'cube',
      'backlog?as_of=2026-10-11T00:00:00Z&group_by=team': 'cube',
      'backlog?as_of=2026-10-20T12:00:00Z&group_by=priority': 'cube',
      'backlog?group_by=team': 'cube',
      [`backlog-trend?${range('2026-10-11', '2026-11-20')}&group_by=team`]: 'cube',
      // Before the horizon, or a comparison window reaching there.
      [`volume?${range('2026-10-10', '2026-11-20')}&interval=week`]: 'sql',
      [`volume?${range('2026-08-01', '2026-11-20')}&interval=week&group_by=team`]: 'sql',
      [`sla?${range('2026-10-25', '2026-11-20')}&compare=previous_period`]: 'sql',
      [`sla?${range('2026-11-01', '2026-11-15')}&compare=previous_period`]: 'cube',
      [`fcr?${range('2026-11-01', '2026-11-15')}&compare=previous_year`]: 'sql',
      'backlog?as_of=2026-10-10T23:59:59Z&group_by=team': 'sql',
      'backlog?as_of=2026-08-05T12:00:00Z': 'sql',
      'backlog?as_of=2026-11-10T12:00:00Z&compare=previous_year': 'sql',
      [`backlog-trend?${range('2026-08-01', '2026-11-20')}&interval=week`]: 'sql',
    });
  });

  it('moves the horizon with the data, dropping what fell behind, without a reload', async () => {
    const cubes = t.app.services.cubes!;
    const loads = cubes.loads;
    // The data reaches 2026-11-19: the horizon moves to 2026-10-20 (steps of 2 days).
    await post([
      created('nov-14', '2026-11-14T09:00:00Z'),
      reply('nov-14', '2026-11-14T09:10:00Z'),
      created('nov-19', '2026-11-19T09:00:00Z', { group: 'L2' }),
      status('nov-10', '2026-11-19T10:00:00Z', 'solved'),
    ]);
    await expectAnswers({
      [`volume?${range('2026-10-20', '2026-11-20')}&interval=day&group_by=team`]: 'cube',
      [`fcr?${range('2026-10-20', '2026-11-20')}`]: 'cube',
      'backlog?as_of=2026-10-20T00:00:00Z&group_by=team': 'cube',
      'backlog?as_of=2026-10-26T00:00:00Z': 'cube',
      [`volume?${range('2026-10-11', '2026-11-20')}&interval=day&group_by=team`]: 'sql',
      [`sla?${range('2026-10-19', '2026-11-20')}&group_by=metric`]: 'sql',
      'backlog?as_of=2026-10-19T12:00:00Z&group_by=team': 'sql',
    });
    expect(cubes.loads).toBe(loads);
  });

  it('leaves late events before the horizon to SQL, and stays right after them', async () => {
    const cubes = t.app.services.cubes!;
    const loads = cubes.loads;
    await post([
      reply('old-closed', '2026-08-03T10:00:00Z'),
      created('late', '2026-09-01T09:00:00Z'),
      status('late', '2026-10-22T09:00:00Z', 'solved'),
      reply('old-open', '2026-11-19T11:00:00Z'),
    ]);
    await expectAnswers({
      [`volume?${range('2026-08-01', '2026-11-20')}&interval=week`]: 'sql',
      'backlog?as_of=2026-09-15T00:00:00Z': 'sql',
      [`volume?${range('2026-10-20', '2026-11-20')}&interval=day&group_by=team`]: 'cube',
      [`handle-time?${range('2026-10-20', '2026-11-20')}&group_by=team`]: 'cube',
      'backlog?as_of=2026-10-21T00:00:00Z&group_by=team': 'cube',
      'backlog?group_by=team': 'cube',
    });
    expect(cubes.loads).toBe(loads);
  });

  it('reads only the days it holds when it reloads, and answers the same', async () => {
    const cubes = t.app.services.cubes!;
    await cubes.reload(t.tenantId);
    await expectAnswers({
      [`volume?${range('2026-10-20', '2026-11-20')}&interval=day&group_by=team`]: 'cube',
      [`sla?${range('2026-10-20', '2026-11-20')}&group_by=metric`]: 'cube',
      'backlog?as_of=2026-10-20T00:00:00Z&group_by=team': 'cube',
      [`backlog-trend?${range('2026-10-20', '2026-11-20')}&group_by=team`]: 'cube',
      [`volume?${range('2026-10-19', '2026-11-20')}`]: 'sql',
      'backlog?as_of=2026-10-19T23:45:00Z': 'sql',
    });
  });
});
