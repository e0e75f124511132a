/**
 * What the dashboard asks of GET /v1/tickets (issue 15): the KPI filters on the work queue, the
 * business time left on each open clock, and the clocks decided in a range (the drill-down from
 * an SLA week), which must be exactly the clocks /v1/kpis/sla counts for the same range.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
const now = Date.parse('2026-11-18T10:00:00Z'); // Wednesday 11:00 Warsaw
const HOUR = 3_600_000;

const OFFICE = {
  timezone: 'Europe/Warsaw',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '17:00']]]),
  ),
  effective_from: '2020-01-01T00:00:00Z',
};

function created(id: string, at: number, data: object) {
  return {
    id: `${id}-c`,
    type: 'ticket.created',
    ticket_id: id,
    occurred_at: new Date(at).toISOString(),
    actor: { type: 'customer' },
    data: { priority: 'normal', channel: 'email', ...data },
  };
}
const reply = (id: string, at: number) => ({
  id: `${id}-r`,
  type: 'ticket.message',
  ticket_id: id,
  occurred_at: new Date(at).toISOString(),
  actor: { type: 'agent', id: 'ag-1' },
  data: { direction: 'outbound' },
});

beforeAll(async () => {
  t = await createTestApp({ now: () => now, logger: { level: 'error' } });
  expect((await t.configure('/v1/calendars/office', OFFICE)).statusCode).toBe(200);
  const policies = await t.configure('/v1/sla-policies', {
    effective_from: '2020-01-01T00:00:00Z',
    policies: [
      {
        id: 'standard',
        match: {},
        calendar_id: 'office',
        targets: { first_response: 4 * 3600, resolution: 8 * 3600 },
      },
    ],
  });
  expect(policies.statusCode).toBe(200);
  const mon = Date.parse('2026-11-16T08:00:00Z'); // Monday 09:00 Warsaw
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: t.auth('events:write'),
    payload: [
      // Monday: A answered in 1 h (achieved), B in 5 business hours (breached), both L1/email.
      created('A', mon, { group: 'L1' }),
      reply('A', mon + HOUR),
      created('B', mon + HOUR, { group: 'L1' }),
      reply('B', mon + 6 * HOUR + 30 * 60_000),
      // Monday: C never answered (its first response breached at 13:00 Warsaw), L2/phone.
      created('C', mon + 3 * HOUR, { group: 'L2', channel: 'phone' }),
      // Wednesday 10:00 Warsaw: D still open, L2/chat/high.
      created('D', Date.parse('2026-11-18T09:00:00Z'), {
        group: 'L2',
        channel: 'chat',
        priority: 'high',
      }),
    ],
  });
  expect(res.json()).toMatchObject({ rejected: 0 });
});
afterAll(async () => t.close());

async function get(url: string) {
  const res = await t.app.inject({ method: 'GET', url, headers: t.auth('reports:read') });
  return { status: res.statusCode, body: res.json() };
}
const ALL_DECIDED = ['A', 'B', 'C'].flatMap((x) => [`${x}/first_response`, `${x}/resolution`]);
const keys = (items: { ticket_id: string; metric: string }[]) =>
  items.map((i) => `${i.ticket_id}/${i.metric}`).sort();

describe('GET /v1/tickets for the dashboard', () => {
  it('filters the open queue by team, priority and channel (current values)', async () => {
    const l2 = await get('/v1/tickets?team=L2');
    expect(keys(l2.body.items)).toEqual([
      'C/first_response',
      'C/resolution',
      'D/first_response',
      'D/resolution',
    ]);
    const chat = await get('/v1/tickets?team=L1,L2&channel=chat&priority=high');
    expect(keys(chat.body.items)).toEqual(['D/first_response', 'D/resolution']);
    expect((await get('/v1/tickets?team=nobody')).body.items).toEqual([]);
  });

  it('gives each open clock its business time left on its calendar', async () => {
    const d = (await get('/v1/tickets?team=L2&channel=chat')).body.items;
    // D started Wednesday 10:00 Warsaw; now 11:00: first response due 14:00 (3 h left),
    // resolution (8 h) due Thursday 10:00 (7 business hours left).
    expect(d).toMatchObject([
      {
        metric: 'first_response',
        business_seconds_left: 3 * 3600,
        calendar_id: 'office',
        decided_at: null,
      },
      { metric: 'resolution', business_seconds_left: 7 * 3600 },
    ]);
    const c = (await get('/v1/tickets?team=L2&channel=phone&sla_status=breached')).body.items;
    // C's first response was due Monday 16:00 Warsaw: 1 + 8 + 2 business hours ago.
    expect(c[0]).toMatchObject({
      metric: 'first_response',
      sla_status: 'breached',
      business_seconds_left: -11 * 3600,
      decided_at: '2026-11-16T15:00:00.000Z',
    });
  });

  it('lists the clocks decided in a range: those /v1/kpis/sla counts for it', async () => {
    const range = 'decided_from=2026-11-16T00:00:00Z&decided_to=2026-11-23T00:00:00Z';
    const kpi = await get(
      '/v1/kpis/sla?from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z&group_by=metric,team',
    );
    const listed = await get(`/v1/tickets?${range}&limit=1000`);
    const counted = kpi.body.rows.reduce(
      (n: number, r: { achieved: number; breached: number }) => n + r.achieved + r.breached,
      0,
    );
    expect(listed.body.items).toHaveLength(counted);
    // Resolution (8 business hours) of A, B and C breached on Monday too, never solved.
    expect(keys(listed.body.items)).toEqual(ALL_DECIDED);
    expect(listed.body.items.map((i: { decided_at: string }) => i.decided_at)).toEqual(
      [...listed.body.items.map((i: { decided_at: string }) => i.decided_at)].sort(),
    );
    const achieved = await get(`/v1/tickets?${range}&sla_status=achieved&team=L1`);
    expect(keys(achieved.body.items)).toEqual(['A/first_response']);
    const breached = await get(`/v1/tickets?${range}&sla_status=breached&metric=first_response`);
    expect(keys(breached.body.items)).toEqual(['B/first_response', 'C/first_response']);
    const l2 = kpi.body.rows
      .filter((r: { team: string }) => r.team === 'L2')
      .reduce(
        (n: number, r: { achieved: number; breached: number }) => n + r.achieved + r.breached,
        0,
      );
    expect(l2).toBe(2);
    expect((await get(`/v1/tickets?${range}&team=L2`)).body.items).toHaveLength(l2);
  });

  it('pages the decided list with its cursor', async () => {
    const range = 'decided_from=2026-11-16T00:00:00Z&decided_to=2026-11-23T00:00:00Z';
    const first = await get(`/v1/tickets?${range}&limit=4`);
    expect(first.body.items).toHaveLength(4);
    const second = await get(`/v1/tickets?${range}&limit=4&cursor=${first.body.next_cursor}`);
    expect(second.body.items).toHaveLength(2);
    expect(keys([...first.body.items, ...second.body.items])).toEqual(ALL_DECIDED);
    expect(second.body.next_cursor).toBeNull();
  });

  it.each([
    ['decided_from=2026-11-16T00:00:00Z', '/decided_to'],
    ['decided_to=2026-11-16T00:00:00Z', '/decided_from'],
    ['decided_from=2026-11-16T00:00:00Z&decided_to=2026-11-16T00:00:00Z', '/decided_to'],
    ['sla_status=achieved', '/sla_status'],
    [
      'decided_from=2026-11-16T00:00:00Z&decided_to=2026-11-17T00:00:00Z&sla_status=paused',
      '/sla_status',
    ],
  ])('refuses %s (400 naming %s)', async (q, path) => {
    const res = await get(`/v1/tickets?${q}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_parameter', path });
  });
});
