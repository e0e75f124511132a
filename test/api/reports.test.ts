/**
 * GET /v1/reports/{name} end to end (api.md "Formats"): every report's rows against what the
 * ticket and KPI endpoints say of the same events, and incremental pulls after new, late and
 * deleting events return exactly the rows that changed — deletions as rows with `deleted: true`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

type Row = Record<string, unknown>;

let t: TestApp;
let now = Date.parse('2026-11-20T12:00:00Z');

const agent = (id: string) => ({ type: 'agent', id });
const ev = (
  id: string,
  type: string,
  ticket: string,
  at: string,
  data: object,
  actor?: object,
) => ({
  id,
  type,
  ticket_id: ticket,
  occurred_at: at,
  actor: actor ?? { type: 'customer' },
  data,
});
const created = (ticket: string, at: string, data: object = {}) =>
  ev(`${ticket}-c`, 'ticket.created', ticket, at, {
    priority: 'normal',
    channel: 'email',
    group: 'L1',
    assignee_id: 'ag-1',
    ...data,
  });
const reply = (id: string, ticket: string, at: string, by = 'ag-1') =>
  ev(id, 'ticket.message', ticket, at, { direction: 'outbound' }, agent(by));
const status = (id: string, ticket: string, at: string, to: string) =>
  ev(id, 'ticket.status_changed', ticket, at, { status: to }, agent('ag-1'));
const contact = (id: string, ticket: string, at: string, by: string, talk: number) =>
  ev(
    id,
    'contact.completed',
    ticket,
    at,
    { agent_id: by, talk_seconds: talk, wrap_seconds: 30 },
    agent(by),
  );

async function post(events: object[]) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: t.auth('events:write'),
    payload: events,
  });
  expect(res.json()).toMatchObject({ rejected: 0 });
}

async function report(name: string, query = '', scope: 'reports:read' | 'admin' = 'reports:read') {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/reports/${name}${query === '' ? '' : `?${query}`}`,
    headers: t.auth(scope),
  });
  return res;
}

async function rows(name: string, query = ''): Promise<{ rows: Row[]; cursor: string }> {
  const res = await report(name, query);
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ rows: Row[]; next_cursor: string }>();
  expect(body.next_cursor).toBe(res.headers['x-next-cursor']);
  return { rows: body.rows, cursor: res.headers['x-next-cursor'] as string };
}

const byKey = (keys: string[]) => (a: Row, b: Row) => {
  for (const k of keys) {
    const x = String(a[k]);
    const y = String(b[k]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

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

beforeAll(async () => {
  t = await createTestApp({ now: () => now, logger: { level: 'error' } });
  expect((await t.configure('/v1/sla-policies', policies)).statusCode).toBe(200);
  await post([
    created('A', '2026-11-16T08:00:00Z'),
    reply('A-r', 'A', '2026-11-16T08:30:00Z'),
    contact('A-k', 'A', '2026-11-16T08:40:00Z', 'ag-1', 300),
    status('A-s', 'A', '2026-11-16T09:00:00Z', 'solved'),
    created('B', '2026-11-17T10:00:00Z', {
      group: 'L2',
      assignee_id: 'ag-2',
      priority: 'high',
      channel: 'phone',
    }),
    status('B-p', 'B', '2026-11-17T11:00:00Z', 'pending'),
    created('C', '2026-11-18T10:00:00Z', { category: 'billing, "quoted"\nline' }),
    reply('C-r', 'C', '2026-11-18T12:00:00Z', 'ag-2'),
  ]);
});

afterAll(async () => t.close());

describe('full pulls', () => {
  it('tickets: one row per live ticket with the ticket endpoint’s figures', async () => {
    const { rows: got } = await rows('tickets');
    expect(got.map((r) => r.ticket_id).sort()).toEqual(['A', 'B', 'C']);
    for (const row of got) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/tickets/${String(row.ticket_id)}`,
        headers: t.auth('reports:read'),
      });
      const detail = res.json<Row>();
      for (const k of [
        'status',
        'priority',
        'channel',
        'assignee_id',
        'category',
        'created_at',
        'first_solved_at',
        'touches',
        'reopens',
        'reassignments',
        'escalations',
        'contacts',
        'handle_seconds',
        'fcr',
      ]) {
        expect(row[k], `${String(row.ticket_id)}.${k}`).toEqual(detail[k]);
      }
      expect(row.team).toEqual(detail.group);
      expect(row.deleted).toBe(false);
    }
    const a = got.find((r) => r.ticket_id === 'A')!;
    expect(a).toMatchObject({
      status: 'solved',
      last_solved_at: '2026-11-16T09:00:00.000Z',
      closed_at: null,
      touches: 2,
      handle_seconds: 330,
    });
  });

  it('sla-instances: every field of the ticket endpoint’s sla, per clock instance', async () => {
    const { rows: got } = await rows('sla-instances');
    const expected: Row[] = [];
    for (const id of ['A', 'B', 'C']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/tickets/${id}`,
        headers: t.auth('reports:read'),
      });
      for (const c of res.json<{ sla: Row[] }>().sla) expected.push({ ticket_id: id, ...c });
    }
    expect(got.length).toBe(expected.length);
    const sorted = [...got].sort(byKey(['ticket_id', 'metric', 'cycle']));
    expected.sort(byKey(['ticket_id', 'metric', 'cycle']));
    sorted.forEach((row, i) => {
      const e = expected[i]!;
      for (const k of [
        'ticket_id',
        'metric',
        'cycle',
        'status',
        'policy_id',
        'policy_version',
        'calendar_id',
        'started_at',
        'stopped_at',
        'target_seconds',
        'due_at',
        'at_risk_at',
        'breached_at',
      ]) {
        expect(row[k], `${String(e.ticket_id)} ${String(e.metric)}.${k}`).toEqual(e[k]);
      }
      if (e.stopped_at !== null) {
        expect(row.elapsed_business_seconds).toEqual(e.elapsed_business_seconds);
      }
    });
    // C's first response came after 2 hours against a 1-hour target; B's never came and is
    // breached at due_at by the query time alone.
    expect(sorted.find((r) => r.ticket_id === 'C' && r.metric === 'first_response')).toMatchObject({
      status: 'breached',
      breached_at: '2026-11-18T11:00:00.000Z',
    });
    expect(sorted.find((r) => r.ticket_id === 'B' && r.metric === 'first_response')).toMatchObject({
      status: 'breached',
      breached_at: '2026-11-17T11:00:00.000Z',
      stopped_at: null,
    });
  });

  it('contacts and status-intervals', async () => {
    const { rows: contacts } = await rows('contacts');
    expect(contacts).toEqual([
      expect.objectContaining({
        ticket_id: 'A',
        n: 0,
        agent_id: 'ag-1',
        ended_at: '2026-11-16T08:40:00.000Z',
        talk_seconds: 300,
        wrap_seconds: 30,
        handle_seconds: 330,
        deleted: false,
      }),
    ]);
    const { rows: intervals } = await rows('status-intervals');
    const b = intervals.filter((r) => r.ticket_id === 'B').sort(byKey(['n']));
    expect(b).toEqual([
      expect.objectContaining({
        n: 0,
        status: 'new',
        valid_from: '2026-11-17T10:00:00.000Z',
        valid_to: '2026-11-17T11:00:00.000Z',
        team: 'L2',
      }),
      expect.objectContaining({
        n: 1,
        status: 'pending',
        valid_from: '2026-11-17T11:00:00.000Z',
        valid_to: null,
      }),
    ]);
  });

  it('filters and ranges narrow the rows', async () => {
    expect((await rows('tickets', 'team=L2')).rows.map((r) => r.ticket_id)).toEqual(['B']);
    expect(
      (await rows('tickets', 'agent=ag-1&from=2026-11-18T00:00:00Z')).rows.map((r) => r.ticket_id),
    ).toEqual(['C']);
    expect(
      (await rows('sla-instances', 'from=2026-11-17T00:00:00Z&to=2026-11-18T00:00:00Z')).rows.every(
        (r) => r.ticket_id === 'B',
      ),
    ).toBe(true);
  });

  it('kpi-daily: the KPI API’s daily figures per team × priority × channel', async () => {
    const { rows: daily } = await rows('kpi-daily', 'timezone=Europe/Warsaw');
    const kpi = await t.app.inject({
      method: 'GET',
      url: '/v1/kpis/volume?from=2026-11-15T23:00:00Z&to=2026-11-19T23:00:00Z&interval=day&timezone=Europe/Warsaw&group_by=team,priority,channel',
      headers: t.auth('reports:read'),
    });
    const volume = kpi.json<{ rows: Row[] }>().rows;
    for (const v of volume) {
      const d = daily.find(
        (r) =>
          r.day_start === v.period_start &&
          r.team === v.team &&
          r.priority === v.priority &&
          r.channel === v.channel,
      );
      expect(d, JSON.stringify(v)).toMatchObject({
        created: v.created,
        solved: v.solved,
        reopens: v.reopens,
      });
    }
    expect(daily.find((r) => r.day === '2026-11-16')).toMatchObject({
      created: 1,
      solved: 1,
      contacts: 1,
      handle_seconds: 330,
      first_response_achieved: 1,
    });
  });
});

describe('kpi-daily local days', () => {
  it('start where the KPI API’s days start, Havana’s repeated midnight included', async () => {
    const other = await t.addTenant('havana');
    const auth = { authorization: `Bearer ${other.adminKey}` };
    // 04:30Z is 00:30 of the first (summer-time) midnight of 1 November 2026 in Havana.
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: auth,
      payload: [
        ev('h1', 'ticket.created', 'H1', '2026-11-01T04:30:00Z', {
          priority: 'normal',
          channel: 'chat',
        }),
        ev('h2', 'ticket.created', 'H2', '2026-11-02T05:30:00Z', {
          priority: 'normal',
          channel: 'chat',
        }),
      ],
    });
    expect(res.json()).toMatchObject({ rejected: 0 });
    const zone = 'timezone=America/Havana';
    const daily = await t.app.inject({
      method: 'GET',
      url: `/v1/reports/kpi-daily?${zone}`,
      headers: auth,
    });
    const kpi = await t.app.inject({
      method: 'GET',
      url: `/v1/kpis/volume?${zone}&from=2026-11-01T04:00:00Z&to=2026-11-03T05:00:00Z&interval=day`,
      headers: auth,
    });
    const starts = kpi
      .json<{ rows: Row[] }>()
      .rows.filter((r) => r.created === 1)
      .map((r) => r.period_start);
    const days = daily.json<{ rows: Row[] }>().rows.map((r) => [r.day, r.day_start]);
    expect(days).toEqual([
      ['2026-11-01', '2026-11-01T04:00:00.000Z'],
      ['2026-11-02', '2026-11-02T05:00:00.000Z'],
    ]);
    expect(starts).toEqual(days.map((d) => d[1]));
  });
});

describe('incremental pulls', () => {
  it('return exactly the rows changed by new, late and deleting events', async () => {
    const before = {
      tickets: (await rows('tickets')).cursor,
      sla: (await rows('sla-instances')).cursor,
      intervals: (await rows('status-intervals')).cursor,
      contacts: (await rows('contacts')).cursor,
      daily: (await rows('kpi-daily', 'timezone=UTC')).cursor,
    };
    // Nothing changed: nothing comes.
    expect((await rows('tickets', `updated_since=${before.tickets}`)).rows).toEqual([]);
    expect((await rows('sla-instances', `updated_since=${before.sla}`)).rows).toEqual([]);
    await post([
      created('D', '2026-11-20T11:30:00Z', { group: 'L3' }), // new
      status('B-o', 'B', '2026-11-17T10:30:00Z', 'open'), // late: splits B's first interval
      ev('C-d', 'ticket.deleted', 'C', '2026-11-19T09:00:00Z', { reason: 'spam' }, agent('ag-1')), // deletes C
    ]);
    const tickets = (await rows('tickets', `updated_since=${before.tickets}`)).rows;
    expect(tickets.map((r) => [r.ticket_id, r.deleted]).sort()).toEqual([
      ['B', false],
      ['C', true],
      ['D', false],
    ]);

    const intervals = (await rows('status-intervals', `updated_since=${before.intervals}`)).rows;
    // B: [new 10:00–10:30) changed, [open 10:30–11:00) new, [pending 11:00–) moved from n=1 to 2.
    const b = intervals.filter((r) => r.ticket_id === 'B').sort(byKey(['n']));
    expect(b.map((r) => [r.n, r.status, r.valid_from, r.valid_to])).toEqual([
      [0, 'new', '2026-11-17T10:00:00.000Z', '2026-11-17T10:30:00.000Z'],
      [1, 'open', '2026-11-17T10:30:00.000Z', '2026-11-17T11:00:00.000Z'],
      [2, 'pending', '2026-11-17T11:00:00.000Z', null],
    ]);
    // C is gone: its intervals come as deletions, keys only.
    const c = intervals.filter((r) => r.ticket_id === 'C');
    expect(c.length).toBeGreaterThan(0);
    for (const row of c)
      expect(row).toMatchObject({ deleted: true, status: null, valid_from: null });
    expect(intervals.filter((r) => r.ticket_id === 'D').map((r) => r.status)).toEqual(['new']);
    expect(intervals.some((r) => r.ticket_id === 'A')).toBe(false);

    const sla = (await rows('sla-instances', `updated_since=${before.sla}`)).rows;
    expect(sla.some((r) => r.ticket_id === 'A')).toBe(false);
    expect(sla.filter((r) => r.ticket_id === 'C').every((r) => r.deleted === true)).toBe(true);
    expect(
      sla
        .filter((r) => r.ticket_id === 'C')
        .map((r) => [r.metric, r.cycle])
        .sort(),
    ).toEqual([
      ['first_response', 1],
      ['resolution', 1],
    ]);
    expect(
      sla
        .filter((r) => r.ticket_id === 'D')
        .map((r) => r.metric)
        .sort(),
    ).toEqual(['first_response', 'resolution']);

    expect((await rows('contacts', `updated_since=${before.contacts}`)).rows).toEqual([]);

    const daily = (await rows('kpi-daily', `timezone=UTC&updated_since=${before.daily}`)).rows;
    // C's creation day lost its only ticket: the key is deleted; D's day gained one.
    expect(daily.find((r) => r.day === '2026-11-18')).toMatchObject({
      team: 'L1',
      deleted: true,
      created: null,
    });
    expect(daily.find((r) => r.day === '2026-11-20' && r.team === 'L3')).toMatchObject({
      created: 1,
      deleted: false,
    });
    expect(daily.some((r) => r.day === '2026-11-16')).toBe(false);
  });

  it('sees clocks breached by the clock alone since the last pull', async () => {
    const { cursor } = await rows('sla-instances');
    now += 2 * 3_600_000; // D's first response (due 10:00 on 24x7) breaches with no event
    const changed = (await rows('sla-instances', `updated_since=${cursor}`)).rows;
    expect(changed.map((r) => [r.ticket_id, r.metric, r.status])).toEqual([
      ['D', 'first_response', 'breached'],
    ]);
  });

  it('refuses cursors that are not this tenant’s, this report’s, or combined with filters', async () => {
    const { cursor } = await rows('tickets');
    const other = await t.addTenant('other');
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/reports/tickets?updated_since=${cursor}`,
      headers: { authorization: `Bearer ${other.adminKey}` },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { path: '/updated_since' } });
    expect((await report('contacts', `updated_since=${cursor}`)).statusCode).toBe(400);
    expect((await report('tickets', `updated_since=${cursor}&team=L1`)).json()).toMatchObject({
      error: { path: '/team' },
    });
    expect((await report('tickets', 'updated_since=bm9wZQ')).statusCode).toBe(400);
  });
});

describe('the HTTP surface', () => {
  it('negotiates the format and names the file', async () => {
    const csv = await t.app.inject({
      method: 'GET',
      url: '/v1/reports/tickets',
      headers: { ...t.auth('reports:read'), accept: 'text/csv' },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(
      /^attachment; filename="tickets_[0-9T-]+Z?.*\.csv"$/,
    );
    expect(csv.body.split('\n')[0]).toBe(
      'ticket_id,status,priority,channel,team,assignee_id,requester_id,organization_id,category,tier,via,policy_id,created_at,first_solved_at,last_solved_at,closed_at,last_event_at,touches,reopens,reassignments,escalations,contacts,handle_seconds,fcr,deleted',
    );
    const nd = await report('tickets', 'format=ndjson');
    const lines = nd.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    expect(lines.at(-1)).toMatchObject({
      _trailer: true,
      next_cursor: nd.headers['x-next-cursor'],
    });
    const refused = await t.app.inject({
      method: 'GET',
      url: '/v1/reports/tickets',
      headers: { ...t.auth('reports:read'), accept: 'image/png' },
    });
    expect(refused.statusCode).toBe(406);
    expect(refused.json()).toHaveProperty('error');
  });

  it('answers unknown reports, bad parameters and missing scopes with the envelope', async () => {
    expect((await report('nope')).statusCode).toBe(404);
    expect((await report('tickets', 'from=yesterday')).json()).toMatchObject({
      error: { path: '/from' },
    });
    expect((await report('tickets', 'format=xlsx')).statusCode).toBe(400);
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/reports/tickets',
      headers: t.auth('events:write'),
    });
    expect(res.statusCode).toBe(403);
  });
});
