/**
 * The HR export (GET /v1/exports/agent-productivity) equals the KPI API grouped by agent, period
 * by period, and adds what only HR reads: responses authored and escalations raised, each rate
 * with its sample size (metrics.md, "Attribution").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

type Row = Record<string, unknown>;

let t: TestApp;
const now = Date.parse('2026-11-25T12:00:00Z');

const agent = (id: string) => ({ type: 'agent', id });
const ev = (id: string, type: string, ticket: string, at: string, data: object, actor: object) => ({
  id,
  type,
  ticket_id: ticket,
  occurred_at: at,
  actor,
  data,
});
const created = (ticket: string, at: string, owner: string, data: object = {}) =>
  ev(
    `${ticket}-c`,
    'ticket.created',
    ticket,
    at,
    { priority: 'normal', channel: 'email', group: 'L1', assignee_id: owner, tier: 1, ...data },
    { type: 'customer' },
  );
const reply = (id: string, ticket: string, at: string, by: string, extra: object = {}) =>
  ev(id, 'ticket.message', ticket, at, { direction: 'outbound', ...extra }, agent(by));
const solve = (id: string, ticket: string, at: string, by: string) =>
  ev(id, 'ticket.status_changed', ticket, at, { status: 'solved' }, agent(by));
const update = (id: string, ticket: string, at: string, by: string, data: object) =>
  ev(id, 'ticket.updated', ticket, at, data, agent(by));
const call = (id: string, ticket: string, at: string, by: string, talk: number) =>
  ev(
    id,
    'contact.completed',
    ticket,
    at,
    { agent_id: by, talk_seconds: talk, hold_seconds: 10, wrap_seconds: 20 },
    agent(by),
  );

async function get(url: string, scope: 'hr:read' | 'reports:read' = 'hr:read') {
  return t.app.inject({ method: 'GET', url, headers: t.auth(scope) });
}

const RANGE = 'from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z&timezone=UTC';

beforeAll(async () => {
  t = await createTestApp({ now: () => now, logger: { level: 'error' } });
  const policies = {
    effective_from: '2020-01-01T00:00:00Z',
    policies: [
      {
        id: 'std',
        match: {},
        calendar_id: '24x7',
        targets: { first_response: 3600, resolution: 86400 },
      },
    ],
  };
  expect((await t.configure('/v1/sla-policies', policies)).statusCode).toBe(200);
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: t.auth('events:write'),
    payload: [
      // ana: one-touch solve on Monday (FCR), a call; a second ticket answered late, solved Tuesday.
      created('T1', '2026-11-16T08:00:00Z', 'ana'),
      reply('T1-r', 'T1', '2026-11-16T08:20:00Z', 'ana'),
      solve('T1-s', 'T1', '2026-11-16T09:00:00Z', 'ana'),
      created('T2', '2026-11-16T10:00:00Z', 'ana'),
      reply('T2-r', 'T2', '2026-11-16T12:00:00Z', 'ana'),
      call('T2-k', 'T2', '2026-11-17T09:00:00Z', 'ana', 600),
      reply('T2-n', 'T2', '2026-11-17T09:05:00Z', 'ana', { public: false }), // a note: not a response
      solve('T2-s', 'T2', '2026-11-17T10:00:00Z', 'ana'),
      // bob: escalates T3 to tier 2 while owning it, then it moves to cy, who solves it.
      created('T3', '2026-11-17T08:00:00Z', 'bob'),
      reply('T3-r', 'T3', '2026-11-17T08:10:00Z', 'bob'),
      update('T3-e', 'T3', '2026-11-17T08:30:00Z', 'bob', { tier: 2 }),
      update('T3-a', 'T3', '2026-11-17T08:31:00Z', 'bob', { assignee_id: 'cy' }),
      reply('T3-r2', 'T3', '2026-11-18T08:00:00Z', 'cy'),
      call('T3-k', 'T3', '2026-11-18T08:30:00Z', 'cy', 300),
      solve('T3-s', 'T3', '2026-11-18T09:00:00Z', 'cy'),
      // An unassigned ticket: nobody's figures.
      created('T4', '2026-11-18T10:00:00Z', 'x', { assignee_id: null }),
    ],
  });
  expect(res.json()).toMatchObject({ rejected: 0 });
});

afterAll(async () => t.close());

const key = (r: Row) =>
  `${(r.period_start as string | undefined) ?? ''}|${(r.agent as string | undefined) ?? (r.agent_id as string)}`;

describe('agent-productivity', () => {
  it.each(['none', 'day', 'week'])(
    'equals the KPI API grouped by agent (interval=%s)',
    async (interval) => {
      const res = await get(`/v1/exports/agent-productivity?${RANGE}&interval=${interval}`);
      expect(res.statusCode, res.body).toBe(200);
      const hr = res.json<{ rows: Row[] }>().rows;
      expect(hr.length).toBeGreaterThan(0);
      const kpi = async (endpoint: string) => {
        const r = await get(
          `/v1/kpis/${endpoint}?${RANGE}&interval=${interval}&group_by=agent`,
          'reports:read',
        );
        expect(r.statusCode, r.body).toBe(200);
        return new Map(
          r
            .json<{ rows: Row[] }>()
            .rows.filter((x) => x.agent !== null)
            .map((x) => [key(x), x]),
        );
      };
      const [volume, fcr, handle, sla] = await Promise.all(
        ['volume', 'fcr', 'handle-time', 'sla'].map(kpi),
      );
      const hrKeys = new Set(
        hr.map((r) => (interval === 'none' ? `|${String(r.agent_id)}` : key(r))),
      );
      for (const map of [volume!, fcr!, handle!, sla!]) {
        for (const [k, v] of map) {
          const nonzero = Object.entries(v).some(
            ([m, x]) => typeof x === 'number' && x !== 0 && m !== 'period_start',
          );
          if (nonzero)
            expect(hrKeys.has(interval === 'none' ? `|${String(v.agent)}` : k), k).toBe(true);
        }
      }
      for (const row of hr) {
        const k = interval === 'none' ? `|${String(row.agent_id)}` : key(row);
        const v = volume!.get(k) ?? {};
        const f = fcr!.get(k) ?? {};
        const h = handle!.get(k) ?? {};
        const s = sla!.get(k) ?? {};
        expect(row.tickets_solved, k).toBe(v.solved ?? 0);
        expect(row.n_solved).toBe(row.tickets_solved);
        expect(row.fcr_cohort, k).toBe(f.solved ?? 0);
        expect(row.fcr, k).toBe(f.fcr ?? 0);
        expect(row.fcr_rate, k).toBe(f.fcr_rate ?? null);
        expect(row.reopen_rate, k).toBe(f.reopen_rate ?? null);
        expect(row.escalated, k).toBe(f.escalated ?? 0);
        expect(row.contacts_handled, k).toBe(h.contacts ?? 0);
        expect(row.handle_seconds, k).toBe(h.handle_seconds ?? 0);
        expect(row.aht_seconds, k).toBe(h.aht_seconds ?? null);
        expect(row.sla_achieved, k).toBe(s.achieved ?? 0);
        expect(row.sla_breached, k).toBe(s.breached ?? 0);
        expect(row.sla_compliance, k).toBe(s.compliance ?? null);
        expect(row.n_sla_decided).toBe((row.sla_achieved as number) + (row.sla_breached as number));
        expect(row.n_contacts).toBe(row.contacts_handled);
      }
    },
  );

  it('counts what each agent did, by hand', async () => {
    const res = await get(`/v1/exports/agent-productivity?${RANGE}`);
    const rows = new Map(res.json<{ rows: Row[] }>().rows.map((r) => [r.agent_id, r]));
    expect([...rows.keys()].sort()).toEqual(['ana', 'bob', 'cy']);
    expect(rows.get('ana')).toMatchObject({
      period_start: '2026-11-16T00:00:00.000Z',
      period_end: '2026-11-23T00:00:00.000Z',
      tickets_solved: 2,
      responses_authored: 2,
      contacts_handled: 1,
      handle_seconds: 630,
      aht_seconds: 630,
      fcr_cohort: 2,
      fcr: 1,
      n_fcr: 2,
      fcr_rate: 0.5,
      escalations_raised: 0,
      n_solved: 2,
    });
    // T2's first response came after 2 hours (target 1): ana owned it at that instant.
    expect(rows.get('ana')).toMatchObject({ sla_achieved: 3, sla_breached: 1, n_sla_decided: 4 });
    expect(rows.get('bob')).toMatchObject({
      responses_authored: 1,
      escalations_raised: 1,
      tickets_solved: 0,
      sla_achieved: 1,
    });
    expect(rows.get('cy')).toMatchObject({
      responses_authored: 1,
      tickets_solved: 1,
      escalated: 1,
      fcr: 0,
      contacts_handled: 1,
    });
  });

  it('needs hr:read and names its file', async () => {
    expect((await get(`/v1/exports/agent-productivity?${RANGE}`, 'reports:read')).statusCode).toBe(
      403,
    );
    const csv = await get(`/v1/exports/agent-productivity?${RANGE}&format=csv`);
    expect(csv.headers['content-disposition']).toBe(
      'attachment; filename="agent-productivity_2026-11-16_2026-11-23.csv"',
    );
    expect(csv.body.split('\n')[0]).toMatch(/^agent_id,period_start,period_end,tickets_solved,/);
    const bad = await get(
      '/v1/exports/agent-productivity?from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z&group_by=team',
    );
    expect(bad.statusCode).toBe(400);
    expect(
      (
        await get(
          '/v1/exports/agent-productivity?from=2026-11-16T00:07:00Z&to=2026-11-23T00:00:00Z',
        )
      ).json(),
    ).toMatchObject({ error: { path: '/from' } });
  });
});
