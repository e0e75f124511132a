/**
 * Tenant A's view of everything it has — settings, calendars, policies, jobs, tickets and their
 * timelines, the work queue, KPIs (with their ETags: A's data version must not move), reports
 * and the HR export — taken before B's writes and compared after them.
 */
import { REPORT_NAMES } from '../../../src/reporting/reports/index.js';
import { A_CALENDAR, A_TICKETS } from './fixture.js';
import { KPI_URLS, type World } from './world.js';

export function aViewUrls(w: World): string[] {
  return [
    '/v1/tenant',
    '/v1/calendars',
    `/v1/calendars/${A_CALENDAR}`,
    `/v1/calendars/${A_CALENDAR}/business-time?from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z`,
    '/v1/sla-policies',
    ...w.tokens.jobIds.map((id) => `/v1/jobs/${id}`),
    ...Object.values(A_TICKETS).flatMap((id) => [
      `/v1/tickets/${id}`,
      `/v1/tickets/${id}/timeline`,
    ]),
    '/v1/tickets?limit=1000',
    ...KPI_URLS,
    ...REPORT_NAMES.map((name) => `/v1/reports/${name}`),
    '/v1/exports/agent-productivity?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z',
  ];
}

/** Status, ETag and body (without report cursors, which name the snapshot read) by URL. */
export async function aView(w: World): Promise<Record<string, unknown>> {
  const view: Record<string, unknown> = {};
  for (const url of aViewUrls(w)) {
    const res = await w.a({ url });
    const body = res.json<Record<string, unknown>>();
    if (url.startsWith('/v1/reports/')) delete body.next_cursor;
    view[url] = { status: res.statusCode, etag: res.headers.etag, body };
  }
  return view;
}
