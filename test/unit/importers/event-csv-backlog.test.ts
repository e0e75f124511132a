/**
 * API level (not pure, unlike its neighbours): the Italian help-desk log, read by the `event-csv`
 * source, ingested through `POST /v1/events` (NDJSON) into a test database, then the spec's
 * backlog identity (metrics.md, Backlog) checked against `GET /v1/kpis/backlog-trend`: at the end
 * of every month, the backlog equals the tickets that entered it (created into a backlog status,
 * or reopened) minus those that left it (every backlog → solved/closed), counted from the events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCsv } from '../../../src/importers/event-csv/index.js';
import type { WireEvent } from '../../../src/importers/source.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { collect, dataset } from '../../fixtures/importers/helpers.js';

const BACKLOG = new Set(['new', 'open', 'pending', 'on_hold']);

/** Every instant the backlog changes, +1 entered or −1 left, from the events. */
function backlogSteps(events: readonly WireEvent[]): { ms: number; delta: number }[] {
  const byTicket = new Map<string, WireEvent[]>();
  for (const e of events) byTicket.set(e.ticket_id, [...(byTicket.get(e.ticket_id) ?? []), e]);
  const steps: { ms: number; delta: number }[] = [];
  for (const list of byTicket.values()) {
    const ordered = list
      .map((e, i) => ({ e, i, ms: Date.parse(e.occurred_at) }))
      .sort((a, b) => a.ms - b.ms || a.i - b.i);
    let status: string | undefined;
    for (const { e, ms } of ordered) {
      const next = e.type === 'ticket.created' ? String(e.data.status) : e.data.status;
      if (typeof next !== 'string' || (e.type !== 'ticket.created' && status === undefined))
        continue;
      if (e.type === 'ticket.created' && status !== undefined) continue;
      const was = status !== undefined && BACKLOG.has(status);
      const is = BACKLOG.has(next);
      if (was !== is) steps.push({ ms, delta: is ? 1 : -1 });
      status = next;
    }
  }
  return steps;
}

const path = dataset('helpdesk_italian_sw_company.csv.gz');

describe.skipIf(path === undefined)('Italian help desk imported through the API', () => {
  let t: TestApp;
  let events: WireEvent[];

  beforeAll(async () => {
    events = (await collect(eventCsv.read(path!, { timezone: 'Europe/Rome' }))).events;
    t = await createTestApp({ logger: { level: 'error' } });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...t.auth('events:write'), 'content-type': 'application/x-ndjson' },
      payload: events.map((e) => JSON.stringify(e)).join('\n'),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: events.length, rejected: 0 });
  }, 300_000);

  afterAll(async () => t?.close());

  it('holds backlog(T) = entered − left at the end of every month, 2010-01 … 2014-01', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/kpis/backlog-trend?from=2010-01-01T00:00:00Z&to=2014-02-01T00:00:00Z&interval=month&timezone=UTC',
      headers: t.auth('reports:read'),
    });
    expect(res.statusCode, res.body).toBe(200);
    const rows = res.json<{ rows: { period_end: string; total: number }[] }>().rows;
    expect(rows).toHaveLength(49);
    const steps = backlogSteps(events);
    const expected = rows.map((row) => {
      const end = Date.parse(row.period_end);
      return steps.filter((s) => s.ms <= end).reduce((n, s) => n + s.delta, 0);
    });
    expect(rows.map((r) => r.total)).toEqual(expected);
    // Not trivially zero: the help desk had a backlog most months.
    expect(Math.max(...expected)).toBeGreaterThan(50);
  }, 120_000);
});
