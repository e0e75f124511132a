/**
 * Regressions found by the contract fuzzer (issue 17, docs/fuzzing.md). Each answered 500 or
 * broke openapi.yaml; each input below must now get a documented answer:
 * - `PUT /v1/tenant` with `{}` answered 500: an UPDATE without a SET list;
 * - `PUT /v1/tenant` with a lone surrogate in `name` answered 500 (PostgreSQL's json refuses it);
 * - a NUL in the work queue's filters (`GET /v1/tickets?channel=a%00`) answered 500;
 * - a NUL in a KPI or HR-export filter (`agent=L1,%00`) answered 500 from SQL;
 * - the decided list (`decided_from`/`decided_to`) answered `sla_status: "achieved"`, which
 *   QueueItem's enum did not list;
 * - the PUT routes answered 413 and 415 without documenting them;
 * - `GET /v1/tickets?limit=1e400` answered 500: Ajv coerces `1e400` to Infinity and then skips
 *   `maximum`, and Infinity reached PostgreSQL as a bigint;
 * - `PUT /v1/tenant` took `timezone: "US/Pacific-New"` (ICU knows it, PostgreSQL's tz data no
 *   longer does), and then every `GET /v1/reports/kpi-daily` answered 500 — or, as Arrow, a 200
 *   cut off mid-stream.
 * (A URL over 8 KiB in a path parameter answering 400, not 414: error-envelope.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKnowsZone } from '../../src/storage/time-zones.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: () => Date.parse('2026-11-18T12:00:00Z') });
  const policies = await t.configure('/v1/sla-policies', {
    effective_from: '2020-01-01T00:00:00Z',
    policies: [{ id: 'all', calendar_id: '24x7', targets: { first_response: 3600 } }],
  });
  expect(policies.statusCode).toBe(200);
  const at = (m: number) => new Date(Date.parse('2026-11-16T09:00:00Z') + m * 60_000).toISOString();
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: t.auth('events:write'),
    payload: [
      {
        id: 'a1',
        type: 'ticket.created',
        ticket_id: 'A',
        occurred_at: at(0),
        data: { priority: 'p', channel: 'email' },
      },
      {
        id: 'a2',
        type: 'ticket.message',
        ticket_id: 'A',
        occurred_at: at(10),
        actor: { type: 'agent', id: 'ag' },
        data: { direction: 'outbound' },
      },
      {
        id: 'b1',
        type: 'ticket.created',
        ticket_id: 'B',
        occurred_at: at(0),
        data: { priority: 'p', channel: 'email' },
      },
    ],
  });
  expect(res.json()).toMatchObject({ accepted: 3, rejected: 0 });
});
afterAll(async () => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: t.auth() });
const putTenant = (payload: object) =>
  t.app.inject({ method: 'PUT', url: '/v1/tenant', headers: t.auth(), payload });

function expectError(
  res: { statusCode: number; json(): unknown },
  status: number,
  code: string,
  path?: string,
) {
  expect(res.statusCode).toBe(status);
  expect(res.json()).toEqual({
    error: {
      code,
      message: expect.any(String) as string,
      ...(path ? { path } : {}),
      request_id: expect.any(String) as string,
    },
  });
}

describe('PUT /v1/tenant', () => {
  it('takes {} as no change: 200 with the settings as they were', async () => {
    const before = await get('/v1/tenant');
    const res = await putTenant({});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual(before.json());
  });

  it('refuses a name with a lone surrogate or a NUL: 400 naming /name', async () => {
    expectError(await putTenant({ name: 'a\udfff' }), 400, 'invalid_body', '/name');
    expectError(await putTenant({ name: 'a\u0000b' }), 400, 'invalid_body', '/name');
    expect((await get('/v1/tenant')).json()).toMatchObject({ name: 'test' });
  });
});

describe('a NUL in a filter is a 400 naming it, never a 500', () => {
  const range = 'from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z';
  it.each([
    ['/v1/tickets?channel=a%00', '/channel'],
    ['/v1/tickets?team=L1,%00&priority=p', '/team'],
    [`/v1/kpis/volume?${range}&team=%00`, '/team'],
    [`/v1/kpis/sla?${range}&category=x%00y`, '/category'],
    ['/v1/kpis/backlog?agent=ag,%00', '/agent'],
    [`/v1/exports/agent-productivity?${range}&agent=L1,%00`, '/agent'],
    [`/v1/reports/tickets?team=%00`, '/team'],
  ])('%s', async (url, path) => {
    expectError(await get(url), 400, 'invalid_parameter', path);
  });
});

describe('the work queue', () => {
  it('lists achieved clocks in the decided list, and QueueItem documents the status', async () => {
    const res = await get(
      '/v1/tickets?decided_from=2026-11-16T00:00:00Z&decided_to=2026-11-17T00:00:00Z',
    );
    expect(res.statusCode).toBe(200);
    const statuses = res
      .json<{ items: Array<{ sla_status: string }> }>()
      .items.map((i) => i.sla_status);
    expect(statuses).toContain('achieved');
    const doc = t.app.swagger() as {
      components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> };
    };
    const documented = doc.components.schemas.QueueItem!.properties.sla_status!.enum;
    for (const status of statuses) expect(documented).toContain(status);
  });
});

describe('the PUT routes', () => {
  it.each(['/v1/calendars/office', '/v1/sla-policies', '/v1/tenant'])(
    '%s answers 415 and documents 413 and 415',
    async (url) => {
      const res = await t.app.inject({
        method: 'PUT',
        url,
        headers: { ...t.auth(), 'content-type': 'text/plain' },
        payload: 'x',
      });
      expectError(res, 415, 'unsupported_media_type');
      const doc = t.app.swagger() as { paths: Record<string, { put: { responses: object } }> };
      const path = url.replace('/office', '/{calendar_id}');
      expect(Object.keys(doc.paths[path]!.put.responses)).toEqual(
        expect.arrayContaining(['413', '415']),
      );
    },
  );
});

describe('numbers in the query string are finite', () => {
  it.each([
    ['/v1/tickets?limit=1e400', '/limit'],
    ['/v1/tickets?limit=Infinity', '/limit'],
    ['/v1/tickets?limit=-1e400', '/limit'],
    ['/v1/calendars/24x7/add?from=2026-11-16T00:00:00Z&seconds=1e400', '/seconds'],
    ['/v1/calendars/24x7/add?from=2026-11-16T00:00:00Z&seconds=Infinity', '/seconds'],
  ])('%s is a 400 naming the parameter', async (url, path) => {
    expectError(await get(url), 400, 'invalid_parameter', path);
  });

  it('still takes the bounds as numbers', async () => {
    expect((await get('/v1/tickets?limit=1e3')).statusCode).toBe(200);
    expect(
      (await get('/v1/calendars/24x7/add?from=2026-11-16T00:00:00Z&seconds=1e2')).json(),
    ).toMatchObject({ seconds: 100 });
  });
});

describe('time zones the database does not know', () => {
  // Valid to ICU (luxon) on Node 20; PostgreSQL's tz data dropped them (2020b, 2017c).
  const zones = ['US/Pacific-New', 'Canada/East-Saskatchewan'];

  it('are told apart from the ones it knows', async () => {
    expect(await databaseKnowsZone(t.database.db, 'Europe/Warsaw')).toBe(true);
    for (const zone of zones) expect(await databaseKnowsZone(t.database.db, zone)).toBe(false);
  });

  it.each(zones)(
    '%s is refused as the tenant default and by kpi-daily: 400 /timezone',
    async (zone) => {
      expectError(await putTenant({ timezone: zone }), 400, 'invalid_body', '/timezone');
      for (const format of ['json', 'arrow']) {
        const res = await get(
          `/v1/reports/kpi-daily?format=${format}&timezone=${encodeURIComponent(zone)}`,
        );
        expectError(res, 400, 'invalid_parameter', '/timezone');
      }
    },
  );

  it('a tenant default stored before the check gets a 400 from kpi-daily, not a 500', async () => {
    await t.database.db
      .updateTable('tenant')
      .set({ timezone: 'US/Pacific-New' })
      .where('tenant_id', '=', t.tenantId)
      .execute();
    try {
      expectError(await get('/v1/reports/kpi-daily'), 400, 'invalid_parameter', '/timezone');
    } finally {
      await t.database.db
        .updateTable('tenant')
        .set({ timezone: 'UTC' })
        .where('tenant_id', '=', t.tenantId)
        .execute();
    }
  });
});
