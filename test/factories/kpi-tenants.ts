/**
 * Helpers for the KPI tests over generated streams: core events on the wire, tenants configured
 * with the generator's calendar and policy versions, ingest and KPI requests through `inject`.
 */
import { expect } from 'vitest';
import type { CalendarDefinition } from '../../src/core/calendar/index.js';
import type { TicketEvent } from '../../src/core/events.js';
import { insertCalendarVersion } from '../../src/storage/calendar.repository.js';
import { insertPolicyVersion } from '../../src/storage/sla-policy.repository.js';
import { expectKpiSource, type TestApp } from '../support/app.js';
import { GEN_POLICIES } from './arbitraries.js';

export type WireEvent = ReturnType<typeof wire>;

/** A core event as a wire envelope (events.md). */
export function wire(e: TicketEvent) {
  const data = { ...(e.data as Record<string, unknown>) };
  if (typeof data.started_at === 'number') {
    data.started_at = new Date(data.started_at).toISOString();
  }
  return {
    id: e.id,
    type: e.type,
    ticket_id: e.ticketId,
    occurred_at: new Date(e.occurredAt).toISOString(),
    actor: e.actor,
    data,
  };
}

/** Wire events sorted by occurred_at (in-order delivery). */
export function inOrder(events: readonly WireEvent[]): WireEvent[] {
  return [...events].sort((a, b) => a.occurred_at.localeCompare(b.occurred_at));
}

const OFFICE_DAY = [['09:00', '17:00']];

export interface KpiTenant {
  tenantId: string;
  headers: { authorization: string };
}

/**
 * A tenant with the generator's `office` calendar (Europe/Warsaw, 09–17 on weekdays) and policy
 * versions (stored directly, no recomputation needed: the tenant has no tickets yet).
 */
export async function generatedTenant(t: TestApp, name: string): Promise<KpiTenant> {
  const { tenantId, adminKey } = await t.addTenant(name);
  const db = t.database.db;
  const office = {
    timezone: 'Europe/Warsaw',
    weekly: { mon: OFFICE_DAY, tue: OFFICE_DAY, wed: OFFICE_DAY, thu: OFFICE_DAY, fri: OFFICE_DAY },
  } as CalendarDefinition;
  await db.transaction().execute(async (trx) => {
    await insertCalendarVersion(trx, tenantId, 'office', 0, office);
    for (const v of GEN_POLICIES) {
      await insertPolicyVersion(trx, tenantId, v.effectiveFrom, v.policies);
    }
  });
  return { tenantId, headers: { authorization: `Bearer ${adminKey}` } };
}

/** Posts one batch of wire events; every one must be accepted (or be a duplicate). */
export async function sendEvents(t: TestApp, tenant: KpiTenant, events: readonly object[]) {
  if (events.length === 0) return;
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: tenant.headers,
    payload: events as object[],
  });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json<{ rejected: number }>().rejected, res.body).toBe(0);
}

export interface KpiBody {
  rows: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

/** GET /v1/kpis/{path}, which must answer 200. */
export async function getKpi(t: TestApp, tenant: KpiTenant, path: string): Promise<KpiBody> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/kpis/${path}`,
    headers: tenant.headers,
  });
  expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
  if (t.kpiSource !== undefined) expectKpiSource(res, `/v1/kpis/${path}`, t.kpiSource);
  return res.json<KpiBody>();
}

/** Additive measures of each range endpoint (api.md "KPI response"). */
export const ADDITIVE: Record<'sla' | 'fcr' | 'handle-time' | 'volume', readonly string[]> = {
  sla: ['achieved', 'breached'],
  fcr: ['solved', 'fcr', 'zero_touch', 'reopened', 'escalated', 'pending_confirmation'],
  'handle-time': ['contacts', 'talk_seconds', 'hold_seconds', 'wrap_seconds', 'handle_seconds'],
  volume: ['created', 'solved', 'reopens', 'deleted'],
};
