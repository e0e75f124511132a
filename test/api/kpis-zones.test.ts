/**
 * The KPI API on hand-computed scenarios about time (api.md "KPI parameters", metrics.md,
 * edge cases 13, 25 and 26): local periods across a DST change, +05:30 and +05:45 zones (the
 * tenant default and the `timezone` parameter), `compare` windows, late events, and clocks that
 * pass their `due_at` with no event. Every scenario runs in a tenant of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, expectKpiSource, KPI_SOURCES, type TestApp } from '../support/app.js';

describe.each(KPI_SOURCES)('KPIs from $name', ({ source, deps }) => {
  let t: TestApp;
  let now = Date.parse('2026-12-01T00:00:00Z');

  interface Tenant {
    headers: { authorization: string };
  }

  type Row = Record<string, unknown>;

  /** Only urgent tickets have clocks, on the built-in 24x7 calendar: business time = wall time. */
  const POLICIES = {
    effective_from: '2020-01-01T00:00:00Z',
    policies: [
      {
        id: 'urgent',
        match: { priority: ['urgent'] },
        calendar_id: '24x7',
        targets: { first_response: 900, resolution: 14400 },
      },
    ],
  };

  async function tenant(name: string): Promise<Tenant> {
    const { adminKey } = await t.addTenant(name);
    const headers = { authorization: `Bearer ${adminKey}` };
    const res = await t.app.inject({
      method: 'PUT',
      url: '/v1/sla-policies',
      headers,
      payload: POLICIES,
    });
    expect(res.statusCode, res.body).toBe(200);
    await t.app.services.jobs.runUntilIdle();
    return { headers };
  }

  const created = (ticket: string, at: string, data: object = {}) => ({
    id: `${ticket}-created`,
    type: 'ticket.created',
    ticket_id: ticket,
    occurred_at: at,
    actor: { type: 'customer' },
    data: { priority: 'normal', channel: 'email', group: 'L1', ...data },
  });
  const reply = (ticket: string, at: string) => ({
    id: `${ticket}-reply-${at}`,
    type: 'ticket.message',
    ticket_id: ticket,
    occurred_at: at,
    actor: { type: 'agent', id: 'a-1' },
    data: { direction: 'outbound' },
  });
  const status = (ticket: string, at: string, to: string) => ({
    id: `${ticket}-${to}-${at}`,
    type: 'ticket.status_changed',
    ticket_id: ticket,
    occurred_at: at,
    actor: { type: 'agent', id: 'a-1' },
    data: { status: to },
  });

  async function post(to: Tenant, events: object[]) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: to.headers,
      payload: events,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: events.length, rejected: 0 });
  }

  async function kpi(of: Tenant, path: string) {
    const res = await t.app.inject({ method: 'GET', url: `/v1/kpis/${path}`, headers: of.headers });
    expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
    expectKpiSource(res, `/v1/kpis/${path}`, source);
    return res.json<{ timezone: string; rows: Row[]; compare?: unknown }>();
  }

  const rows = async (of: Tenant, path: string) => (await kpi(of, path)).rows;
  const pick = (list: Row[], ...keys: string[]) =>
    list.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));
  const hours = (a: unknown, b: unknown) =>
    (Date.parse(b as string) - Date.parse(a as string)) / 3_600_000;

  beforeAll(async () => {
    t = await createTestApp({ now: () => now, logger: { level: 'error' }, ...deps });
  });
  afterAll(async () => t.close());

  describe('a DST week in Europe/Warsaw (fall-back on Sunday 25 October 2026)', () => {
    // Warsaw is UTC+2 (CEST) until Sunday 25 October 01:00Z, when 03:00 CEST becomes 02:00 CET
    // (UTC+1). Local midnights: Mon 19 Oct = 18T22:00Z, …, Sun 25 Oct = 24T22:00Z, and Mon 26 Oct
    // = 25T23:00Z. So the Sunday lasts 25 hours and the ISO week of 19 October 169 hours.
    let dst: Tenant;
    const WEEK = 'from=2026-10-18T22:00:00Z&to=2026-10-25T23:00:00Z&timezone=Europe/Warsaw';
    beforeAll(async () => {
      dst = await tenant('dst');
      await post(dst, [
        created('D1', '2026-10-18T21:59:59.999Z'), // Sun 18 Oct 23:59:59.999 CEST: week before
        created('D2', '2026-10-18T22:00:00Z'), //     Mon 19 Oct 00:00 CEST
        created('D3', '2026-10-20T21:59:59.999Z'), // Tue 20 Oct 23:59:59.999 CEST
        created('D4', '2026-10-20T22:00:00Z'), //     Wed 21 Oct 00:00 CEST
        created('D5', '2026-10-24T21:59:59.999Z'), // Sat 24 Oct 23:59:59.999 CEST
        created('D6', '2026-10-24T22:00:00Z'), //     Sun 25 Oct 00:00 CEST
        created('D7', '2026-10-25T00:30:00Z'), //     Sun 02:30 CEST (the first 02:30)
        created('D8', '2026-10-25T01:30:00Z'), //     Sun 02:30 CET (the second 02:30)
        created('D9', '2026-10-25T22:59:59.999Z'), // Sun 23:59:59.999 CET: 24 h 59 min into Sunday
        created('D10', '2026-10-25T23:00:00Z'), //    Mon 26 Oct 00:00 CET: next week
      ]);
    });

    it('interval=day gives 24-hour days and a 25-hour Sunday, each event in its local day', async () => {
      const days = await rows(dst, `volume?${WEEK}&interval=day`);
      expect(pick(days, 'period_start', 'created')).toEqual([
        { period_start: '2026-10-18T22:00:00.000Z', created: 1 }, // Mon: D2
        { period_start: '2026-10-19T22:00:00.000Z', created: 1 }, // Tue: D3
        { period_start: '2026-10-20T22:00:00.000Z', created: 1 }, // Wed: D4
        { period_start: '2026-10-21T22:00:00.000Z', created: 0 },
        { period_start: '2026-10-22T22:00:00.000Z', created: 0 },
        { period_start: '2026-10-23T22:00:00.000Z', created: 1 }, // Sat: D5
        { period_start: '2026-10-24T22:00:00.000Z', created: 4 }, // Sun: D6, D7, D8, D9
      ]);
      // 1 + 1 + 1 + 1 + 4 = 8 = interval=none over the same range (D1 and D10 are outside).
      expect(pick(await rows(dst, `volume?${WEEK}`), 'created')).toEqual([{ created: 8 }]);
    });

    it('backlog-trend period ends: six 24-hour days, then the 25-hour Sunday', async () => {
      // Range past the Sunday, so its end is the period's own end, not `to`.
      const trend = await rows(
        dst,
        'backlog-trend?from=2026-10-18T22:00:00Z&to=2026-10-27T23:00:00Z&timezone=Europe/Warsaw&interval=day',
      );
      expect(trend.map((r) => hours(r.period_start, r.period_end))).toEqual([
        24, 24, 24, 24, 24, 24, 25, 24, 24,
      ]);
      expect(trend[6]).toMatchObject({
        period_start: '2026-10-24T22:00:00.000Z',
        period_end: '2026-10-25T23:00:00.000Z',
      });
      // Backlog at each end (created at or before it, never solved):
      // Mon end 19T22:00Z: D1, D2 = 2; Tue end 20T22:00Z: + D3 and D4 (created at the end) = 4;
      // Sat end 24T22:00Z: + D5, D6 = 6; Sun end 25T23:00Z: + D7, D8, D9, D10 = 10.
      expect(trend.map((r) => r.total)).toEqual([2, 4, 4, 4, 4, 6, 10, 10, 10]);
    });

    it('interval=hour gives 25 hours on the Sunday, the repeated 02:00 twice', async () => {
      const sunday = await rows(
        dst,
        'volume?from=2026-10-24T22:00:00Z&to=2026-10-25T23:00:00Z&timezone=Europe/Warsaw&interval=hour',
      );
      expect(sunday).toHaveLength(25);
      sunday.forEach((r, i) =>
        expect(r.period_start).toBe(
          new Date(Date.parse('2026-10-24T22:00:00Z') + i * 3_600_000).toISOString(),
        ),
      );
      // 22:00Z (00:00 CEST): D6; 00:00Z (02:00 CEST): D7; 01:00Z (02:00 CET): D8; 22:00Z: D9.
      const created = sunday.map((r) => r.created);
      expect(created.flatMap((n, i) => (n === 0 ? [] : [[i, n]]))).toEqual([
        [0, 1],
        [2, 1],
        [3, 1],
        [24, 1],
      ]);
    });

    it('interval=week gives one 169-hour week', async () => {
      const weeks = await rows(
        dst,
        'volume?from=2026-10-18T22:00:00Z&to=2026-11-01T23:00:00Z&timezone=Europe/Warsaw&interval=week',
      );
      // Week of 19 Oct: D2–D9 = 8; week of 26 Oct (25T23:00Z to 1 Nov 23:00Z): D10.
      expect(pick(weeks, 'period_start', 'created')).toEqual([
        { period_start: '2026-10-18T22:00:00.000Z', created: 8 },
        { period_start: '2026-10-25T23:00:00.000Z', created: 1 },
      ]);
      const trend = await rows(
        dst,
        'backlog-trend?from=2026-10-18T22:00:00Z&to=2026-11-01T23:00:00Z&timezone=Europe/Warsaw&interval=week',
      );
      expect(trend.map((r) => hours(r.period_start, r.period_end))).toEqual([169, 168]);
      // A range starting mid-week: the row is the local week holding `from`, figures from `from`.
      // [Wed 21 Oct 00:00Z, Mon 26 Oct 00:00Z): D5–D9 in the first week, D10 (25T23:00Z) in the next.
      const mid = await rows(
        dst,
        'volume?from=2026-10-21T00:00:00Z&to=2026-10-26T00:00:00Z&timezone=Europe/Warsaw&interval=week',
      );
      expect(pick(mid, 'period_start', 'created')).toEqual([
        { period_start: '2026-10-18T22:00:00.000Z', created: 5 },
        { period_start: '2026-10-25T23:00:00.000Z', created: 1 },
      ]);
    });

    it('a spring-forward day is 23 hours (Sunday 29 March 2026)', async () => {
      // 02:00 CET becomes 03:00 CEST at 01:00Z: Sun 29 Mar = 28T23:00Z to 29T22:00Z.
      const trend = await rows(
        dst,
        'backlog-trend?from=2026-03-27T23:00:00Z&to=2026-03-30T22:00:00Z&timezone=Europe/Warsaw&interval=day',
      );
      expect(pick(trend, 'period_start', 'period_end')).toEqual([
        { period_start: '2026-03-27T23:00:00.000Z', period_end: '2026-03-28T23:00:00.000Z' },
        { period_start: '2026-03-28T23:00:00.000Z', period_end: '2026-03-29T22:00:00.000Z' },
        { period_start: '2026-03-29T22:00:00.000Z', period_end: '2026-03-30T22:00:00.000Z' },
      ]);
    });

    it('compare=previous_period steps back seven local days from a 168-hour week to the 169-hour one', async () => {
      // Current: week of Mon 26 Oct = [25T23:00Z, 1 Nov 23:00Z): D10. The previous period is the
      // local week of 19 Oct, [18T22:00Z, 25T23:00Z): D2–D9 = 8 (168 h back would start at
      // 18T23:00Z and miss D2).
      const body = await kpi(
        dst,
        'volume?from=2026-10-25T23:00:00Z&to=2026-11-01T23:00:00Z&timezone=Europe/Warsaw&compare=previous_period',
      );
      expect(body.compare).toEqual({
        kind: 'previous_period',
        from: '2026-10-18T22:00:00.000Z',
        to: '2026-10-25T23:00:00.000Z',
      });
      expect(body.rows).toEqual([
        {
          created: 1,
          solved: 0,
          reopens: 0,
          deleted: 0,
          previous: { created: 8, solved: 0, reopens: 0, deleted: 0 },
        },
      ]);
    });
  });

  describe('a tenant in Asia/Kolkata (+05:30), and Asia/Kathmandu (+05:45) by parameter', () => {
    let kolkata: Tenant;
    let zoneBefore: string;
    const DAYS = 'from=2026-11-15T18:30:00Z&to=2026-11-18T18:30:00Z&interval=day';
    beforeAll(async () => {
      kolkata = await tenant('kolkata');
      zoneBefore = (await kpi(kolkata, `volume?${DAYS}`)).timezone;
      const put = await t.app.inject({
        method: 'PUT',
        url: '/v1/tenant',
        headers: kolkata.headers,
        payload: { timezone: 'Asia/Kolkata' },
      });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json()).toMatchObject({ timezone: 'Asia/Kolkata' });
      await post(kolkata, [
        created('K1', '2026-11-16T18:29:59.999Z'), // IST 16 Nov 23:59:59.999 | NPT 17 Nov 00:14:59.999
        created('K2', '2026-11-16T18:30:00Z'), //     IST 17 Nov 00:00       | NPT 17 Nov 00:15
        created('K3', '2026-11-17T18:14:59.999Z'), // IST 17 Nov 23:44:59.999 | NPT 17 Nov 23:59:59.999
        created('K4', '2026-11-17T18:15:00Z'), //     IST 17 Nov 23:45       | NPT 18 Nov 00:00
        created('K5', '2026-11-17T18:30:00Z'), //     IST 18 Nov 00:00       | NPT 18 Nov 00:15
      ]);
    });

    it('answers in UTC until the tenant default is set, then in Asia/Kolkata', async () => {
      expect(zoneBefore).toBe('UTC');
      for (const path of [
        `volume?${DAYS}`,
        `sla?${DAYS}`,
        `fcr?${DAYS}`,
        `handle-time?${DAYS}`,
        `backlog-trend?${DAYS}`,
        'backlog?as_of=2026-11-18T00:00:00Z',
      ]) {
        expect((await kpi(kolkata, path)).timezone, path).toBe('Asia/Kolkata');
      }
    });

    it('day periods start at 18:30Z without a timezone parameter', async () => {
      const days = await rows(kolkata, `volume?${DAYS}`);
      // 16 Nov IST: K1; 17 Nov: K2, K3, K4; 18 Nov: K5.
      expect(pick(days, 'period_start', 'created')).toEqual([
        { period_start: '2026-11-15T18:30:00.000Z', created: 1 },
        { period_start: '2026-11-16T18:30:00.000Z', created: 3 },
        { period_start: '2026-11-17T18:30:00.000Z', created: 1 },
      ]);
      const trend = await rows(kolkata, `backlog-trend?${DAYS}`);
      expect(pick(trend, 'period_start', 'period_end', 'total')).toEqual([
        {
          period_start: '2026-11-15T18:30:00.000Z',
          period_end: '2026-11-16T18:30:00.000Z',
          total: 2,
        },
        {
          period_start: '2026-11-16T18:30:00.000Z',
          period_end: '2026-11-17T18:30:00.000Z',
          total: 5,
        },
        {
          period_start: '2026-11-17T18:30:00.000Z',
          period_end: '2026-11-18T18:30:00.000Z',
          total: 5,
        },
      ]);
      // The month of November in IST: [31 Oct 18:30Z, 30 Nov 18:30Z).
      const month = await rows(
        kolkata,
        'volume?from=2026-10-31T18:30:00Z&to=2026-11-30T18:30:00Z&interval=month',
      );
      expect(pick(month, 'period_start', 'created')).toEqual([
        { period_start: '2026-10-31T18:30:00.000Z', created: 5 },
      ]);
      // An explicit timezone still wins over the tenant default.
      const utc = await kpi(
        kolkata,
        'volume?from=2026-11-16T00:00:00Z&to=2026-11-18T00:00:00Z&interval=day&timezone=UTC',
      );
      expect(utc.timezone).toBe('UTC');
      expect(pick(utc.rows, 'period_start', 'created')).toEqual([
        { period_start: '2026-11-16T00:00:00.000Z', created: 2 }, // K1, K2
        { period_start: '2026-11-17T00:00:00.000Z', created: 3 }, // K3, K4, K5
      ]);
    });

    it('Asia/Kathmandu days start at 18:15Z', async () => {
      const body = await kpi(
        kolkata,
        'volume?from=2026-11-15T18:15:00Z&to=2026-11-18T18:15:00Z&interval=day&timezone=Asia/Kathmandu',
      );
      expect(body.timezone).toBe('Asia/Kathmandu');
      // 16 Nov NPT: none; 17 Nov: K1, K2, K3; 18 Nov: K4, K5.
      expect(pick(body.rows, 'period_start', 'created')).toEqual([
        { period_start: '2026-11-15T18:15:00.000Z', created: 0 },
        { period_start: '2026-11-16T18:15:00.000Z', created: 3 },
        { period_start: '2026-11-17T18:15:00.000Z', created: 2 },
      ]);
      // A week in Kathmandu starts on Monday 00:00 NPT = Sunday 18:15Z.
      const week = await rows(
        kolkata,
        'volume?from=2026-11-15T18:15:00Z&to=2026-11-22T18:15:00Z&interval=week&timezone=Asia/Kathmandu',
      );
      expect(pick(week, 'period_start', 'created')).toEqual([
        { period_start: '2026-11-15T18:15:00.000Z', created: 5 },
      ]);
    });
  });

  describe('America/Havana: local midnight is ambiguous on Sunday 1 November 2026', () => {
    // Cuba falls back at 01:00 CDT (UTC−4) to 00:00 CST (UTC−5): 00:00–01:00 happens twice, and
    // local 1 November starts at the first 00:00, 04:00Z (the earlier instant, calendars.md), and
    // lasts 25 hours, to 2 November 00:00 CST = 05:00Z. Local 31 October is [31T04:00Z, 1T04:00Z).
    let havana: Tenant;
    const ZONE = 'timezone=America/Havana';
    beforeAll(async () => {
      havana = await tenant('havana');
      await post(havana, [
        created('H1', '2026-10-31T12:00:00Z'), // Sat 31 Oct 08:00 CDT
        created('H2', '2026-11-01T04:30:00Z'), // Sun 1 Nov 00:30 CDT (the first 00:30)
        created('H3', '2026-11-01T05:30:00Z'), // Sun 1 Nov 00:30 CST (the second 00:30)
      ]);
    });

    it('interval=day: 1 November starts at 04:00Z whichever `from` the range has', async () => {
      const fromSaturday = await rows(
        havana,
        `volume?from=2026-10-31T04:00:00Z&to=2026-11-02T05:00:00Z&${ZONE}&interval=day`,
      );
      // H1 on Saturday; H2 and H3 on Sunday.
      expect(pick(fromSaturday, 'period_start', 'created')).toEqual([
        { period_start: '2026-10-31T04:00:00.000Z', created: 1 },
        { period_start: '2026-11-01T04:00:00.000Z', created: 2 },
      ]);
      // The same local day, asked from noon: the row is still the day starting at 04:00Z.
      const fromNoon = await rows(
        havana,
        `volume?from=2026-11-01T12:00:00Z&to=2026-11-02T05:00:00Z&${ZONE}&interval=day`,
      );
      expect(pick(fromNoon, 'period_start')).toEqual([
        { period_start: '2026-11-01T04:00:00.000Z' },
      ]);
    });

    it('compare=previous_period of the 25-hour day is 31 October, not overlapping it', async () => {
      const body = await kpi(
        havana,
        `volume?from=2026-11-01T04:00:00Z&to=2026-11-02T05:00:00Z&${ZONE}&compare=previous_period`,
      );
      // Current: H2, H3. Previous (31 October): H1 only — H2 at 04:30Z is 1 November.
      expect(pick(body.rows, 'created', 'previous')).toEqual([
        { created: 2, previous: { created: 1, solved: 0, reopens: 0, deleted: 0 } },
      ]);
      expect(body.compare).toEqual({
        kind: 'previous_period',
        from: '2026-10-31T04:00:00.000Z',
        to: '2026-11-01T04:00:00.000Z',
      });
    });

    it('compare=previous_period of December is all of November, from 04:00Z', async () => {
      const body = await kpi(
        havana,
        `volume?from=2026-12-01T05:00:00Z&to=2027-01-01T05:00:00Z&${ZONE}&compare=previous_period`,
      );
      expect((body.rows[0]!.previous as Row).created).toBe(2); // H2, H3
      expect(body.compare).toEqual({
        kind: 'previous_period',
        from: '2026-11-01T04:00:00.000Z',
        to: '2026-12-01T05:00:00.000Z',
      });
    });
  });

  describe('compare=previous_period and previous_year', () => {
    // UTC. Current week [16 Nov, 23 Nov 2026); previous period [9 Nov, 16 Nov 2026); previous
    // year [16 Nov, 23 Nov 2025). Urgent tickets have a 900 s first-response clock on 24x7.
    let cmp: Tenant;
    const WEEK = 'from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z';
    beforeAll(async () => {
      cmp = await tenant('compare');
      await post(cmp, [
        // Current week. C1: urgent, answered after 600 s (achieved on Mon 16). C2: first solved Tue 17.
        created('C1', '2026-11-16T10:00:00Z', { priority: 'urgent' }),
        reply('C1', '2026-11-16T10:10:00Z'),
        created('C2', '2026-11-17T10:00:00Z'),
        status('C2', '2026-11-17T11:00:00Z', 'solved'),
        // Previous period. P1: urgent, answered after 1800 s: breached at 10:15 on Mon 9.
        // P2: first solved Tue 10, reopened Wed 11. P3: the last millisecond of Sun 15.
        created('P1', '2026-11-09T10:00:00Z', { priority: 'urgent' }),
        reply('P1', '2026-11-09T10:30:00Z'),
        created('P2', '2026-11-10T10:00:00Z'),
        status('P2', '2026-11-10T10:30:00Z', 'solved'),
        status('P2', '2026-11-11T09:00:00Z', 'open'),
        created('P3', '2026-11-15T23:59:59.999Z'),
        // Outside every window: the last millisecond before the previous period.
        created('O1', '2026-11-08T23:59:59.999Z'),
        // Previous year. Y1: urgent, answered after 300 s (achieved Sun 16 Nov 2025). Y2: urgent,
        // never answered: breached at its due_at, Tue 18 Nov 2025 10:15, with no event.
        // Both in team Y, which has no ticket in 2026.
        created('Y1', '2025-11-16T10:00:00Z', { priority: 'urgent', group: 'Y' }),
        reply('Y1', '2025-11-16T10:05:00Z'),
        created('Y2', '2025-11-18T10:00:00Z', { priority: 'urgent', group: 'Y' }),
        // Z, of team Z: in the backlog a year before (20 Nov 2025), solved on 1 Dec 2025; created
        // before the previous-year window, so no volume figure of any window here.
        created('Z1', '2025-11-10T10:00:00Z', { group: 'Z' }),
        status('Z1', '2025-12-01T10:00:00Z', 'solved'),
        // Months: M1 on 1 Feb 2026 is in February; M2 on 29 Jan is not (31 days before March
        // 1 would reach it, the previous month does not).
        created('M1', '2026-02-01T00:00:00Z'),
        created('M2', '2026-01-29T12:00:00Z'),
        created('M3', '2026-03-15T12:00:00Z'),
      ]);
    });

    it('volume: previous_period is the week before, previous_year the same dates a year ago', async () => {
      const prev = await kpi(cmp, `volume?${WEEK}&compare=previous_period`);
      expect(prev.compare).toEqual({
        kind: 'previous_period',
        from: '2026-11-09T00:00:00.000Z',
        to: '2026-11-16T00:00:00.000Z',
      });
      // Current: C1, C2 created; C2 first solved. Previous: P1, P2, P3 created; P2 solved, reopened.
      expect(prev.rows).toEqual([
        {
          created: 2,
          solved: 1,
          reopens: 0,
          deleted: 0,
          previous: { created: 3, solved: 1, reopens: 1, deleted: 0 },
        },
      ]);
      const year = await kpi(cmp, `volume?${WEEK}&compare=previous_year`);
      expect(year.compare).toEqual({
        kind: 'previous_year',
        from: '2025-11-16T00:00:00.000Z',
        to: '2025-11-23T00:00:00.000Z',
      });
      expect(year.rows[0]!.previous).toEqual({ created: 2, solved: 0, reopens: 0, deleted: 0 });
    });

    it('volume by day: each day carries the matching day of the comparison window', async () => {
      const prev = await rows(cmp, `volume?${WEEK}&interval=day&compare=previous_period`);
      expect(prev).toHaveLength(7);
      expect(prev.map((r) => [r.created, r.solved, r.previous])).toEqual([
        [1, 0, { created: 1, solved: 0, reopens: 0, deleted: 0 }], // Mon 16 | Mon 9: P1
        [1, 1, { created: 1, solved: 1, reopens: 0, deleted: 0 }], // Tue 17: C2 | Tue 10: P2
        [0, 0, { created: 0, solved: 0, reopens: 1, deleted: 0 }], // Wed 18 | Wed 11: P2 reopened
        [0, 0, { created: 0, solved: 0, reopens: 0, deleted: 0 }],
        [0, 0, { created: 0, solved: 0, reopens: 0, deleted: 0 }],
        [0, 0, { created: 0, solved: 0, reopens: 0, deleted: 0 }],
        [0, 0, { created: 1, solved: 0, reopens: 0, deleted: 0 }], // Sun 22 | Sun 15: P3
      ]);
      const year = await rows(cmp, `volume?${WEEK}&interval=day&compare=previous_year`);
      expect(year.map((r) => (r.previous as Row).created)).toEqual([1, 0, 1, 0, 0, 0, 0]);
    });

    it('volume of a month compares with the previous calendar month', async () => {
      const march = await kpi(
        cmp,
        'volume?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&compare=previous_period',
      );
      expect(march.compare).toEqual({
        kind: 'previous_period',
        from: '2026-02-01T00:00:00.000Z',
        to: '2026-03-01T00:00:00.000Z',
      });
      expect(pick(march.rows, 'created', 'previous')).toEqual([
        { created: 1, previous: { created: 1, solved: 0, reopens: 0, deleted: 0 } },
      ]);
    });

    it('sla: achieved and breached of the comparison window, breaches with no event included', async () => {
      now = Date.parse('2026-11-25T00:00:00Z');
      // Every urgent ticket here is never solved: its resolution clock (14400 s) breaches at
      // created + 4 h with no event (C1: 16 Nov 14:00; P1: 9 Nov 14:00; Y1: 16 Nov 2025 14:00;
      // Y2: 18 Nov 2025 14:00), an instance with no stopped time (average over stopped: null).
      const prev = await rows(cmp, `sla?${WEEK}&compare=previous_period&group_by=metric`);
      // First response. Current: C1 achieved (600 s). Previous: P1 breached (stopped at 1800 s).
      expect(prev).toEqual([
        expect.objectContaining({
          metric: 'first_response',
          achieved: 1,
          breached: 0,
          compliance: 1,
          elapsed_business_seconds_avg: 600,
          previous: expect.objectContaining({
            achieved: 0,
            breached: 1,
            compliance: 0,
            elapsed_business_seconds_avg: 1800,
          }),
        }),
        expect.objectContaining({
          metric: 'resolution',
          achieved: 0,
          breached: 1,
          compliance: 0,
          elapsed_business_seconds_avg: null,
          previous: expect.objectContaining({ achieved: 0, breached: 1, compliance: 0 }),
        }),
      ]);
      // Previous year: Y1 achieved (300 s); Y2 breached at its due_at, 18 Nov 2025 10:15, found
      // at query time: compliance 1 / 2, the average over stopped clocks only (Y1).
      const year = await rows(cmp, `sla?${WEEK}&compare=previous_year&group_by=metric`);
      expect(year).toEqual([
        expect.objectContaining({
          metric: 'first_response',
          achieved: 1,
          breached: 0,
          previous: expect.objectContaining({
            achieved: 1,
            breached: 1,
            compliance: 0.5,
            elapsed_business_seconds_avg: 300,
          }),
        }),
        expect.objectContaining({
          metric: 'resolution',
          breached: 1,
          previous: expect.objectContaining({ achieved: 0, breached: 2, compliance: 0 }),
        }),
      ]);
      // By day, previous year: Mon 16 Nov 2026 ↔ Sun 16 Nov 2025 (Y1: first response achieved,
      // resolution breached); Wed 18 ↔ Tue 18 Nov 2025 (Y2: both breached).
      const days = await rows(cmp, `sla?${WEEK}&compare=previous_year&interval=day`);
      const figures = (r: Row) => [r.achieved, r.breached];
      expect(days.map((r) => [...figures(r), ...figures(r.previous as Row)])).toEqual([
        [1, 1, 1, 1],
        [0, 0, 0, 0],
        [0, 0, 0, 2],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ]);
    });

    it('backlog as of an instant compares with the same local instant a year before', async () => {
      // As of Fri 20 Nov 2026 00:00Z, team L1 holds C1, P1, P2 (reopened), P3, O1, M1, M2, M3 = 8
      // (C2 is solved). As of 20 Nov 2025 00:00Z the backlog is Y1 and Y2, both of team Y.
      const body = await kpi(
        cmp,
        'backlog?as_of=2026-11-20T00:00:00Z&compare=previous_year&group_by=team',
      );
      expect(body.compare).toEqual({ kind: 'previous_year', as_of: '2025-11-20T00:00:00.000Z' });
      const l1 = body.rows.find((r) => r.team === 'L1')!;
      expect(l1.total).toBe(8);
      // The same measures for the comparison instant: no L1 ticket then, seven empty buckets.
      expect(l1.previous).toMatchObject({ as_of: '2025-11-20T00:00:00.000Z', total: 0 });
      expect((l1.previous as { buckets: Row[] }).buckets.map((b) => [b.label, b.count])).toEqual([
        ['<1d', 0],
        ['1-3d', 0],
        ['3-7d', 0],
        ['7-14d', 0],
        ['14-30d', 0],
        ['30-90d', 0],
        ['≥90d', 0],
      ]);
    });

    it('backlog compare keeps a group that had a backlog only a year before', async () => {
      const body = await kpi(
        cmp,
        'backlog?as_of=2026-11-20T00:00:00Z&compare=previous_year&group_by=team',
      );
      // As of 20 Nov 2025: Y1, Y2 (team Y, still open in 2026) and Z1 (team Z, solved since).
      // Team Z's backlog a year before is in the answer, as a range KPI's compare keeps a group
      // found only in the comparison window (a row with zero current figures).
      expect(body.rows.map((r) => [r.team, r.total, (r.previous as Row).total])).toEqual([
        ['L1', 8, 0],
        ['Y', 2, 2],
        ['Z', 0, 1],
      ]);
    });
  });

  describe('late events change past periods exactly as in-order delivery', () => {
    // L1 (urgent: first response 900 s, resolution 14400 s on 24x7):
    //   Mon 16 Nov 08:00 created, 08:10 agent reply, [10:00 solved: LATE], Tue 17 09:00 open,
    //   Tue 09:30 solved.
    // Without the 10:00 solve: new → open is no reopen; the resolution clock runs from Mon 08:00
    //   and breaches at its due_at, Mon 12:00 (decided in the fold by the Tue 09:00 event); it
    //   stops Tue 09:30 with 25.5 h = 91800 s. First solve Tue 09:30, one touch, no reopen: FCR.
    // With it: the clock runs 08:00–10:00 (7200 s), stops, resumes at the Tue 09:00 reopen and
    //   stops at 09:30 (+1800 s): 9000 s < 14400 s, achieved at Tue 09:30. First solve Mon 10:00,
    //   reopened within 7 days: not FCR, reopened 1. Volume: solved Mon, a reopen Tue.
    const L1 = [
      created('L1', '2026-11-16T08:00:00Z', { priority: 'urgent', assignee_id: 'a-1' }),
      reply('L1', '2026-11-16T08:10:00Z'),
      status('L1', '2026-11-17T09:00:00Z', 'open'),
      status('L1', '2026-11-17T09:30:00Z', 'solved'),
    ];
    const LATE = status('L1', '2026-11-16T10:00:00Z', 'solved');
    const DAYS = 'from=2026-11-16T00:00:00Z&to=2026-11-18T00:00:00Z&interval=day';
    const PATHS = [
      `sla?${DAYS}&group_by=metric`,
      `fcr?${DAYS}`,
      `volume?${DAYS}`,
      `backlog-trend?from=2026-11-16T00:00:00Z&to=2026-11-18T00:00:00Z&interval=hour`,
      'backlog?as_of=2026-11-16T11:00:00Z',
    ];

    it('before the late solve: breached Monday, FCR on Tuesday', async () => {
      now = Date.parse('2026-12-01T00:00:00Z');
      const late = await tenant('late-before');
      await post(late, L1);
      expect(
        pick(
          await rows(late, `sla?${DAYS}&group_by=metric`),
          'period_start',
          'metric',
          'achieved',
          'breached',
          'elapsed_business_seconds_avg',
        ),
      ).toEqual([
        {
          period_start: '2026-11-16T00:00:00.000Z',
          metric: 'first_response',
          achieved: 1,
          breached: 0,
          elapsed_business_seconds_avg: 600,
        },
        {
          period_start: '2026-11-16T00:00:00.000Z',
          metric: 'resolution',
          achieved: 0,
          breached: 1,
          elapsed_business_seconds_avg: 91800,
        },
      ]);
      expect(pick(await rows(late, `fcr?${DAYS}`), 'solved', 'fcr', 'reopened')).toEqual([
        { solved: 0, fcr: 0, reopened: 0 },
        { solved: 1, fcr: 1, reopened: 0 },
      ]);
      expect((await rows(late, 'backlog?as_of=2026-11-16T11:00:00Z'))[0]).toMatchObject({
        total: 1,
      });
    });

    it('after it: the figures of in-order delivery, withdrawn and re-counted in the past periods', async () => {
      now = Date.parse('2026-12-01T00:00:00Z');
      const late = await tenant('late');
      const ordered = await tenant('in-order');
      await post(late, L1);
      await post(late, [LATE]);
      await post(ordered, [L1[0]!, L1[1]!, LATE, L1[2]!, L1[3]!]);
      expect(
        pick(
          await rows(late, `sla?${DAYS}&group_by=metric`),
          'period_start',
          'metric',
          'achieved',
          'breached',
          'elapsed_business_seconds_avg',
        ),
      ).toEqual([
        {
          period_start: '2026-11-16T00:00:00.000Z',
          metric: 'first_response',
          achieved: 1,
          breached: 0,
          elapsed_business_seconds_avg: 600,
        },
        {
          period_start: '2026-11-17T00:00:00.000Z',
          metric: 'resolution',
          achieved: 1,
          breached: 0,
          elapsed_business_seconds_avg: 9000,
        },
      ]);
      expect(await rows(late, `fcr?${DAYS}`)).toEqual([
        {
          period_start: '2026-11-16T00:00:00.000Z',
          solved: 1,
          fcr: 0,
          zero_touch: 0,
          fcr_rate: 0,
          pending_confirmation: 0,
          reopened: 1,
          reopen_rate: 1,
          escalated: 0,
        },
        {
          period_start: '2026-11-17T00:00:00.000Z',
          solved: 0,
          fcr: 0,
          zero_touch: 0,
          fcr_rate: null,
          pending_confirmation: 0,
          reopened: 0,
          reopen_rate: null,
          escalated: 0,
        },
      ]);
      expect(pick(await rows(late, `volume?${DAYS}`), 'solved', 'reopens')).toEqual([
        { solved: 1, reopens: 0 },
        { solved: 0, reopens: 1 },
      ]);
      // Solved at 10:00 Monday: out of the backlog at 11:00.
      expect((await rows(late, 'backlog?as_of=2026-11-16T11:00:00Z'))[0]).toMatchObject({
        total: 0,
      });
      for (const path of PATHS)
        expect(await kpi(late, path), path).toEqual(await kpi(ordered, path));
    });
  });

  describe('a clock running past due_at is breached at due_at, with no event', () => {
    // E1: urgent, created Mon 16 Nov 10:00Z, never answered: first response due 10:15Z,
    // resolution due 14:00Z (24x7). E2: urgent, created 18:15Z: first response due 18:30Z, the
    // start of Tuesday 17 Nov in Asia/Kolkata.
    let e: Tenant;
    const DAY = 'from=2026-11-16T00:00:00Z&to=2026-11-17T00:00:00Z';
    const at = (iso: string) => Date.parse(iso);
    beforeAll(async () => {
      e = await tenant('overdue');
      await post(e, [
        created('E1', '2026-11-16T10:00:00Z', { priority: 'urgent' }),
        created('E2', '2026-11-16T18:15:00Z', { priority: 'urgent' }),
      ]);
    });
    const breached = async (path: string) =>
      (await rows(e, path)).map((r) => pick([r], 'metric', 'breached')[0]);

    it('is not breached before due_at', async () => {
      now = at('2026-11-16T10:14:59.999Z');
      expect(await rows(e, `sla?${DAY}`)).toEqual([
        expect.objectContaining({ achieved: 0, breached: 0, compliance: null }),
      ]);
    });

    it('is not yet breached at due_at itself (a reply then would still achieve it)', async () => {
      // metrics.md: breached "as soon as the query time passes" due_at; the fold decides a stop
      // exactly at due_at as achieved (elapsed = target), so at now = due_at nothing is decided.
      now = at('2026-11-16T10:15:00.000Z');
      expect(await rows(e, `sla?${DAY}`)).toEqual([
        expect.objectContaining({ achieved: 0, breached: 0 }),
      ]);
    });

    it('the fold counts a reply exactly at due_at as achieved (the rule the reads must agree with)', async () => {
      now = at('2026-11-17T12:00:00Z');
      const exact = await tenant('overdue-exact');
      await post(exact, [
        created('X1', '2026-11-16T10:00:00Z', { priority: 'urgent' }),
        reply('X1', '2026-11-16T10:15:00.000Z'), // elapsed = target = 900 s
      ]);
      const [fr] = await rows(exact, `sla?${DAY}&group_by=metric`);
      expect(fr).toMatchObject({ metric: 'first_response', achieved: 1, breached: 0 });
      expect(fr!.elapsed_business_seconds_avg).toBe(900);
    });

    it('is breached in the period holding due_at once now passes it', async () => {
      now = at('2026-11-16T10:15:00.001Z');
      expect(await breached(`sla?${DAY}&group_by=metric`)).toEqual([
        { metric: 'first_response', breached: 1 },
      ]);
      // The hour holding 10:15Z; a range ending at due_at does not hold it, one ending after does.
      const hours = await rows(e, `sla?${DAY}&interval=hour`);
      expect(
        hours.flatMap((r) => (r.breached === 0 ? [] : [[r.period_start, r.breached]])),
      ).toEqual([['2026-11-16T10:00:00.000Z', 1]]);
      expect(await breached('sla?from=2026-11-16T00:00:00Z&to=2026-11-16T10:15:00Z')).toEqual([
        { metric: undefined, breached: 0 },
      ]);
      expect(await breached('sla?from=2026-11-16T10:15:00Z&to=2026-11-16T10:30:00Z')).toEqual([
        { metric: undefined, breached: 1 },
      ]);
      // Resolution (due 14:00Z) later: both metrics once now passes 14:00Z.
      now = at('2026-11-16T14:00:00.001Z');
      expect(await breached(`sla?${DAY}&group_by=metric`)).toEqual([
        { metric: 'first_response', breached: 1 },
        { metric: 'resolution', breached: 1 },
      ]);
    });

    it('lands in the local day of due_at: E2 due at Kolkata midnight counts on Tuesday', async () => {
      now = at('2026-11-17T12:00:00Z');
      const days = await rows(
        e,
        'sla?from=2026-11-15T18:30:00Z&to=2026-11-17T18:30:00Z&interval=day&timezone=Asia/Kolkata&group_by=metric',
      );
      // Mon 16 IST [15T18:30Z, 16T18:30Z): E1 first response (10:15Z) and resolution (14:00Z).
      // Tue 17 IST: E2 first response (18:30Z) and resolution (22:15Z).
      expect(pick(days, 'period_start', 'metric', 'breached')).toEqual([
        { period_start: '2026-11-15T18:30:00.000Z', metric: 'first_response', breached: 1 },
        { period_start: '2026-11-15T18:30:00.000Z', metric: 'resolution', breached: 1 },
        { period_start: '2026-11-16T18:30:00.000Z', metric: 'first_response', breached: 1 },
        { period_start: '2026-11-16T18:30:00.000Z', metric: 'resolution', breached: 1 },
      ]);
    });

    it('a late reply decides the same breach at due_at, counted once', async () => {
      now = at('2026-11-17T12:00:00Z');
      await post(e, [reply('E1', '2026-11-16T10:20:00Z')]);
      // E1's first response stopped at 10:20 after 1200 s: breached at 10:15, now from the fold.
      const day = await rows(e, `sla?${DAY}&group_by=metric&interval=hour`);
      expect(
        pick(
          day.filter((r) => r.metric === 'first_response'),
          'period_start',
          'breached',
          'elapsed_business_seconds_avg',
        ),
      ).toEqual([
        {
          period_start: '2026-11-16T10:00:00.000Z',
          breached: 1,
          elapsed_business_seconds_avg: 1200,
        },
        {
          period_start: '2026-11-16T18:00:00.000Z',
          breached: 1,
          elapsed_business_seconds_avg: null,
        },
      ]);
    });
  });
});
