/**
 * The KPI API end to end, on hand-computed scenarios: events in through ingest, figures out of
 * the rollups, clocks and backlog segments (api.md "KPI response", metrics.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectKpiSource, KPI_SOURCES, type TestApp } from '../support/app.js';

describe.each(KPI_SOURCES)('KPIs from $name', ({ source, deps }) => {
  let t: TestApp;
  let now = Date.parse('2026-11-18T12:00:00Z');

  const office = {
    timezone: 'Europe/Warsaw',
    weekly: {
      mon: [['09:00', '17:00']],
      tue: [['09:00', '17:00']],
      wed: [['09:00', '17:00']],
      thu: [['09:00', '17:00']],
      fri: [['09:00', '17:00']],
    },
    effective_from: '2020-01-01T00:00:00Z',
  };

  const policies = {
    effective_from: '2020-01-01T00:00:00Z',
    policies: [
      {
        id: 'urgent',
        match: { priority: ['urgent'] },
        calendar_id: '24x7',
        targets: { first_response: 900, resolution: 14400 },
      },
      {
        id: 'standard',
        match: {},
        calendar_id: 'office',
        targets: { first_response: 3600, resolution: 28800 },
      },
    ],
  };

  const agent = (id: string) => ({ type: 'agent', id });
  const created = (id: string, ticket: string, at: string, data: object) => ({
    id,
    type: 'ticket.created',
    ticket_id: ticket,
    occurred_at: at,
    actor: { type: 'customer' },
    data,
  });
  const reply = (id: string, ticket: string, at: string, by: string) => ({
    id,
    type: 'ticket.message',
    ticket_id: ticket,
    occurred_at: at,
    actor: agent(by),
    data: { direction: 'outbound' },
  });
  const status = (id: string, ticket: string, at: string, to: string) => ({
    id,
    type: 'ticket.status_changed',
    ticket_id: ticket,
    occurred_at: at,
    actor: agent('ag-1'),
    data: { status: to },
  });

  async function post(events: object[]) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: t.auth('events:write'),
      payload: events,
    });
    expect(res.json()).toMatchObject({ rejected: 0 });
  }

  async function kpi(path: string, headers: Record<string, string> = {}) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/kpis/${path}`,
      headers: { ...t.auth('reports:read'), ...headers },
    });
    expectKpiSource(res, `/v1/kpis/${path}`, source);
    return res;
  }

  async function rows(path: string) {
    const res = await kpi(path);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ rows: Array<Record<string, unknown>> }>().rows;
  }

  const WEEK = 'from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z';

  beforeAll(async () => {
    t = await createTestApp({ now: () => now, logger: { level: 'error' }, ...deps });
    expect((await t.configure('/v1/calendars/office', office)).statusCode).toBe(200);
    expect((await t.configure('/v1/sla-policies', policies)).statusCode).toBe(200);
    // Week of Monday 16 November 2026 (Warsaw is UTC+1).
    await post([
      // T1: standard, answered after 30 business minutes, solved after 2 business hours: FCR.
      created('t1-1', 'T1', '2026-11-16T08:00:00Z', {
        priority: 'normal',
        channel: 'email',
        group: 'L1',
        assignee_id: 'ag-1',
      }),
      reply('t1-2', 'T1', '2026-11-16T08:30:00Z', 'ag-1'),
      status('t1-3', 'T1', '2026-11-16T10:00:00Z', 'solved'),
      // T2: urgent on 24x7, never answered: first response due 10:15, resolution due 14:00.
      created('t2-1', 'T2', '2026-11-16T10:00:00Z', {
        priority: 'urgent',
        channel: 'phone',
        group: 'L2',
        assignee_id: 'ag-2',
      }),
      // T3: answered after 10 minutes, a 400-second call, solved: two touches, not FCR.
      created('t3-1', 'T3', '2026-11-16T09:00:00Z', {
        priority: 'normal',
        channel: 'chat',
        group: 'L1',
        assignee_id: 'ag-1',
      }),
      reply('t3-2', 'T3', '2026-11-16T09:10:00Z', 'ag-1'),
      {
        id: 't3-3',
        type: 'contact.completed',
        ticket_id: 'T3',
        occurred_at: '2026-11-16T09:20:00Z',
        actor: agent('ag-1'),
        data: { agent_id: 'ag-1', talk_seconds: 300, hold_seconds: 60, wrap_seconds: 40 },
      },
      status('t3-4', 'T3', '2026-11-16T09:30:00Z', 'solved'),
      // T4: created, then deleted: it leaves every figure but `deleted`.
      created('t4-1', 'T4', '2026-11-16T11:00:00Z', {
        priority: 'normal',
        channel: 'email',
        group: 'L1',
      }),
      {
        id: 't4-2',
        type: 'ticket.deleted',
        ticket_id: 'T4',
        occurred_at: '2026-11-16T12:00:00Z',
        data: { reason: 'spam' },
      },
    ]);
  });
  afterAll(async () => t.close());

  describe('GET /v1/kpis/sla', () => {
    it('counts decisions by metric, a clock past due_at breached with no event', async () => {
      const body = (await kpi(`sla?${WEEK}&group_by=metric`)).json();
      expect(body).toMatchObject({
        definition: { name: 'sla_compliance' },
        from: '2026-11-16T00:00:00.000Z',
        to: '2026-11-23T00:00:00.000Z',
        timezone: 'UTC',
        interval: 'none',
        group_by: ['metric'],
      });
      const [fr, res] = body.rows;
      expect(fr).toMatchObject({ metric: 'first_response', achieved: 2, breached: 1 });
      expect(fr.compliance).toBeCloseTo(2 / 3, 10);
      // Stopped instances: 1800 s (T1) and 600 s (T3).
      expect(fr.elapsed_business_seconds_avg).toBe(1200);
      expect(fr.elapsed_business_seconds_p50).toBeCloseTo(600, -1);
      expect(Math.abs(fr.elapsed_business_seconds_p90 - 1800) / 1800).toBeLessThanOrEqual(0.01);
      expect(res).toMatchObject({ metric: 'resolution', achieved: 2, breached: 1 });
      expect(res.elapsed_business_seconds_avg).toBe((7200 + 1800) / 2);
    });

    it('has not yet breached a clock whose due_at is after the query time', async () => {
      const saved = now;
      now = Date.parse('2026-11-16T10:10:00Z');
      const [row] = await rows(`sla?${WEEK}&group_by=metric&priority=urgent`);
      now = saved;
      expect(row).toBeUndefined();
    });

    it('attributes by the team at the decision, filters, and answers null for an empty rate', async () => {
      const byTeam = await rows(`sla?${WEEK}&group_by=team`);
      expect(byTeam).toEqual([
        expect.objectContaining({ team: 'L1', achieved: 4, breached: 0, compliance: 1 }),
        expect.objectContaining({ team: 'L2', achieved: 0, breached: 2, compliance: 0 }),
      ]);
      const empty = await rows('sla?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z');
      expect(empty).toEqual([
        expect.objectContaining({ achieved: 0, breached: 0, compliance: null }),
      ]);
    });
  });

  describe('GET /v1/kpis/fcr, handle-time, volume', () => {
    it('gives the FCR cohort of first solves, with pending confirmation', async () => {
      const [row] = await rows(`fcr?${WEEK}`);
      expect(row).toEqual({
        solved: 2,
        fcr: 1,
        zero_touch: 0,
        fcr_rate: 0.5,
        pending_confirmation: 1,
        reopened: 0,
        reopen_rate: 0,
        escalated: 0,
      });
      const saved = now;
      now = Date.parse('2026-11-24T00:00:00Z'); // T1's window ended on 23 November at 10:00
      const [later] = await rows(`fcr?${WEEK}`);
      now = saved;
      expect(later).toMatchObject({ fcr: 1, pending_confirmation: 0 });
    });

    it('gives handle time per agent', async () => {
      const [row] = await rows(`handle-time?${WEEK}&group_by=agent`);
      expect(row).toMatchObject({
        agent: 'ag-1',
        contacts: 1,
        talk_seconds: 300,
        hold_seconds: 60,
        wrap_seconds: 40,
        handle_seconds: 400,
        aht_seconds: 400,
      });
      expect(Math.abs((row!.handle_seconds_p50 as number) - 400) / 400).toBeLessThanOrEqual(0.01);
    });

    it('counts created, first solves and deletions; a deleted ticket leaves the rest', async () => {
      const [row] = await rows(`volume?${WEEK}`);
      expect(row).toEqual({ created: 3, solved: 2, reopens: 0, deleted: 1 });
    });

    it('sums interval=day to interval=none', async () => {
      const days = await rows(`volume?${WEEK}&interval=day&timezone=Europe/Warsaw`);
      expect(days.map((r) => r.period_start)).toEqual([
        '2026-11-15T23:00:00.000Z',
        '2026-11-16T23:00:00.000Z',
        '2026-11-17T23:00:00.000Z',
        '2026-11-18T23:00:00.000Z',
        '2026-11-19T23:00:00.000Z',
        '2026-11-20T23:00:00.000Z',
        '2026-11-21T23:00:00.000Z',
        '2026-11-22T23:00:00.000Z', // the local day holding the range's last UTC hour
      ]);
      expect(days[0]).toMatchObject({ created: 3, solved: 2, deleted: 1 });
      expect(days.slice(1).every((r) => r.created === 0)).toBe(true);
    });
  });

  describe('GET /v1/kpis/backlog', () => {
    it('is a stock at any instant, grouped by the attributes then', async () => {
      const at = async (asOf: string) => (await rows(`backlog?as_of=${asOf}`))[0];
      expect(await at('2026-11-16T09:15:00Z')).toMatchObject({ total: 2, actionable: 2 });
      expect(await at('2026-11-16T10:30:00Z')).toMatchObject({ total: 1 });
      expect(await at('2026-11-16T11:30:00Z')).toMatchObject({ total: 1 }); // T4 is deleted
      const current = await at('2026-11-18T12:00:00Z');
      expect(current).toMatchObject({ total: 1, actionable: 1, age_seconds_avg: 2 * 86400 + 7200 });
      expect(current!.buckets).toEqual([
        { label: '<1d', min_seconds: 0, max_seconds: 86400, count: 0 },
        { label: '1-3d', min_seconds: 86400, max_seconds: 259200, count: 1 },
        { label: '3-7d', min_seconds: 259200, max_seconds: 604800, count: 0 },
        { label: '7-14d', min_seconds: 604800, max_seconds: 1209600, count: 0 },
        { label: '14-30d', min_seconds: 1209600, max_seconds: 2592000, count: 0 },
        { label: '30-90d', min_seconds: 2592000, max_seconds: 7776000, count: 0 },
        { label: '≥90d', min_seconds: 7776000, max_seconds: null, count: 0 },
      ]);
      const byTeam = await rows('backlog?as_of=2026-11-16T09:15:00Z&group_by=team&buckets=1h,2h');
      expect(byTeam).toEqual([
        expect.objectContaining({
          team: 'L1',
          total: 2,
          buckets: [
            expect.objectContaining({ label: '<1h', count: 1 }),
            expect.objectContaining({ label: '1-2h', count: 1 }),
            expect.objectContaining({ label: '≥2h', count: 0 }),
          ],
        }),
      ]);
    });

    it('ages in business time on the ticket policy calendar', async () => {
      // T1 and T3 at 09:15Z Monday (10:15 Warsaw): office hours since 09:00 local.
      const [row] = await rows('backlog?as_of=2026-11-16T09:15:00Z&age=business');
      expect(row!.age_seconds_avg).toBe((75 * 60 + 15 * 60) / 2);
    });

    it('gives the trend at the end of each interval', async () => {
      const trend = await rows(
        'backlog-trend?from=2026-11-16T00:00:00Z&to=2026-11-16T12:00:00Z&interval=hour',
      );
      // Created at or before T: T1 (08:00) is in at 08:00; solved at 10:00, it is out at 10:00.
      expect(trend.map((r) => r.total)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 1, 1]);
      expect(trend[7]).toMatchObject({
        period_start: '2026-11-16T07:00:00.000Z',
        period_end: '2026-11-16T08:00:00.000Z',
      });
    });
  });

  describe('ETag', () => {
    it('answers 304 while the data is unchanged, 200 once an event changes it', async () => {
      const url = 'volume?from=2026-11-01T00:00:00Z&to=2026-11-15T00:00:00Z';
      const first = await kpi(url);
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"/);
      expect(first.headers['cache-control']).toContain('private');
      expect((await kpi(url, { 'if-none-match': etag })).statusCode).toBe(304);
      await post([
        created('e-1', 'E1', '2026-11-02T08:00:00Z', { priority: 'low', channel: 'email' }),
      ]);
      const after = await kpi(url, { 'if-none-match': etag });
      expect(after.statusCode).toBe(200);
      expect(after.json().rows[0].created).toBe(1);
    });
  });

  describe('parameters', () => {
    it.each([
      ['sla?from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z&group_by=weather', '/group_by'],
      ['sla?from=2026-11-23T00:00:00Z&to=2026-11-16T00:00:00Z', '/to'],
      ['sla?from=2026-01-01T00:00:00Z&to=2026-05-01T00:00:00Z&interval=hour', '/interval'],
      ['sla?from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z&timezone=Mars/Olympus', '/timezone'],
      ['sla?to=2026-11-23T00:00:00Z', '/from'],
      ['sla?from=2026-11-16T00:07:00Z&to=2026-11-23T00:00:00Z', '/from'],
      ['fcr?from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z&group_by=metric', '/group_by'],
      ['backlog?as_of=yesterday', '/as_of'],
      ['backlog?buckets=3d,1d', '/buckets'],
      ['volume?from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z&team=a&team=b', '/team'],
    ])('%s → 400 naming %s', async (url, path) => {
      const res = await kpi(url);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_parameter', path });
    });
  });
});
