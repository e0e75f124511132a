/**
 * Two tenants on one database for the tenant-wall test: A with data of every kind and every id
 * and token the API mints (job ids, work-queue cursor, report cursors, KPI ETags), B with an
 * admin key and one ticket of its own. Requests go through the app under test (KPIs from the
 * in-memory cube) or a second app on the same database that answers KPIs from SQL.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { REPORT_NAMES } from '../../../src/reporting/reports/index.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import {
  A_AGENT,
  A_CALENDAR,
  A_CALENDAR_DEFINITION,
  A_SECRET,
  A_ZONE,
  aEvents,
  aPolicies,
  B_EVENTS,
  B_MARK,
  B_POLICIES,
  NOW,
  RANGE,
} from './fixture.js';

export type Response = LightMyRequestResponse;
export interface Req {
  method?: 'GET' | 'PUT' | 'POST';
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
  /** `sql`: the second app, whose KPIs come from SQL; default the app under test (the cube). */
  via?: 'cube' | 'sql';
}

/** What A minted: ids and tokens B must not be able to use. */
export interface Tokens {
  /** Recomputation jobs of A's calendar, policies (twice) and tenant settings changes. */
  jobIds: string[];
  /** The work queue's `next_cursor` of A's first page (limit=1). */
  queueCursor: string;
  /** `X-Next-Cursor` of a full pull of each report by A. */
  reportCursors: Record<string, string>;
  /** The ETag of A's answer, by KPI URL. */
  kpiEtags: Record<string, string>;
}

export interface World {
  t: TestApp;
  aTenantId: string;
  bTenantId: string;
  tokens: Tokens;
  /** Everything of A's no answer to B may contain. */
  forbidden: string[];
  /** A request with tenant A's admin key. */
  a(req: Req): Promise<Response>;
  /** A request with tenant B's admin key (admin implies every scope). */
  b(req: Req): Promise<Response>;
  /**
   * Two more tenants with the same history (one ingest each, UTC): the same data version and
   * zone, different data; `a`'s strings are A's (forbidden to `b`).
   */
  twins: { a(req: Req): Promise<Response>; b(req: Req): Promise<Response> };
  /** A request without a key. */
  anonymous(req: Req): Promise<Response>;
  close(): Promise<void>;
}

/** The KPI URLs whose ETags A mints (and B replays). */
export const KPI_URLS = [
  `/v1/kpis/sla?${RANGE}`,
  `/v1/kpis/fcr?${RANGE}`,
  `/v1/kpis/handle-time?${RANGE}`,
  `/v1/kpis/volume?${RANGE}`,
  '/v1/kpis/backlog?as_of=2026-11-25T00:00:00Z',
  `/v1/kpis/backlog-trend?${RANGE}`,
];

function injector(apps: Record<'cube' | 'sql', FastifyInstance>, key: string | undefined) {
  return (req: Req) => {
    const headers = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...req.headers };
    const options: InjectOptions = { method: req.method ?? 'GET', url: req.url, headers };
    if (req.payload !== undefined) options.payload = req.payload as InjectOptions['payload'];
    return apps[req.via ?? 'cube'].inject(options);
  };
}

async function ok(res: Promise<Response>): Promise<Response> {
  const r = await res;
  expect(r.statusCode, `${r.statusCode} ${r.body}`).toBe(200);
  return r;
}

/** A's configuration and events; returns the ids of the jobs they started. */
async function seedA(t: TestApp, a: (req: Req) => Promise<Response>): Promise<string[]> {
  const jobs: string[] = [];
  const put = async (url: string, payload: unknown) => {
    const res = await ok(a({ method: 'PUT', url, payload }));
    jobs.push(res.json<{ recompute_job_id: string }>().recompute_job_id);
    await t.app.services.jobs.runUntilIdle();
  };
  await put(`/v1/calendars/${A_CALENDAR}`, A_CALENDAR_DEFINITION);
  await put('/v1/sla-policies', aPolicies('2020-01-01T00:00:00Z', 28800));
  const events = aEvents();
  const ingest = await ok(a({ method: 'POST', url: '/v1/events', payload: events }));
  expect(ingest.json()).toMatchObject({ accepted: events.length, rejected: 0 });
  await put('/v1/tenant', {
    name: `${A_SECRET}-tenant-name`,
    timezone: A_ZONE,
    default_calendar_id: A_CALENDAR,
  });
  await put('/v1/sla-policies', aPolicies('2026-11-20T00:00:00Z', 57600));
  // An HR export pull, which the audit log records with its query.
  await ok(a({ url: `/v1/exports/agent-productivity?${RANGE}&agent=${A_AGENT}` }));
  expect(jobs.every((j) => typeof j === 'string')).toBe(true);
  return jobs;
}

async function mintTokens(a: (req: Req) => Promise<Response>, jobIds: string[]): Promise<Tokens> {
  const queue = await ok(a({ url: '/v1/tickets?limit=1' }));
  const queueCursor = queue.json<{ next_cursor: string | null }>().next_cursor;
  expect(queueCursor, 'A has more than one open clock').toEqual(expect.any(String));
  const reportCursors: Record<string, string> = {};
  for (const name of REPORT_NAMES) {
    const res = await ok(a({ url: `/v1/reports/${name}?format=json` }));
    reportCursors[name] = String(res.headers['x-next-cursor']);
  }
  const kpiEtags: Record<string, string> = {};
  for (const url of KPI_URLS) kpiEtags[url] = String((await ok(a({ url }))).headers.etag);
  return { jobIds, queueCursor: queueCursor!, reportCursors, kpiEtags };
}

async function createTwins(t: TestApp, apps: Record<'cube' | 'sql', FastifyInstance>) {
  const twin = async (prefix: string) => {
    const { adminKey } = await t.addTenant(`${prefix}-twin`);
    const inject = injector(apps, adminKey);
    const created = { ...B_EVENTS[0]!, ticket_id: `${prefix}-twin-ticket` };
    created.data = { ...created.data, group: `${prefix}-twin-team` };
    await ok(inject({ method: 'POST', url: '/v1/events', payload: [created] }));
    return inject;
  };
  return { a: await twin(A_SECRET), b: await twin(B_MARK) };
}

export async function createWorld(): Promise<World> {
  const t = await createTestApp({
    now: () => NOW,
    logger: { level: 'error' },
    kpiCubeBlocking: true,
  });
  // The SQL app is built once every job has run: it answers reads only.
  const apps = { cube: t.app, sql: t.app };
  const a = injector(apps, t.keys.admin);
  const jobIds = await seedA(t, a);
  const bTenant = await t.addTenant(`${B_MARK}-name`);
  const b = injector(apps, bTenant.adminKey);
  await ok(b({ method: 'PUT', url: '/v1/sla-policies', payload: B_POLICIES }));
  await t.app.services.jobs.runUntilIdle();
  await ok(b({ method: 'POST', url: '/v1/events', payload: B_EVENTS }));
  const sql = await buildApp({
    db: t.database.db,
    transaction: t.database.transaction,
    reserve: t.database.reserve,
    now: () => NOW,
    logger: { level: 'error' },
    kpiCubeBytes: 0,
  });
  apps.sql = sql;
  const twins = await createTwins(t, apps);
  const tokens = await mintTokens(a, jobIds);
  await t.app.services.compactor.idle();
  await t.app.services.cubes?.idle();
  return {
    t,
    aTenantId: t.tenantId,
    bTenantId: bTenant.tenantId,
    tokens,
    forbidden: [
      A_SECRET,
      A_ZONE,
      t.tenantId,
      ...Object.values(t.keys),
      ...jobIds,
      tokens.queueCursor,
      ...Object.values(tokens.reportCursors),
    ],
    a,
    b,
    twins,
    anonymous: injector(apps, undefined),
    close: async () => {
      await sql.close();
      await t.close();
    },
  };
}
