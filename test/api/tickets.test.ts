/**
 * Ticket endpoints end to end: events in, clocks out — through ingest, the fold, persistence and
 * the query-time view (a running clock past due_at is breached at due_at with no event).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let now = Date.parse('2026-11-16T12:00:00Z');
beforeAll(async () => {
  t = await createTestApp({ now: () => now, logger: { level: 'error' } });
  await t.app.inject({
    method: 'PUT',
    url: '/v1/calendars/office',
    headers: t.auth('config:write'),
    payload: {
      timezone: 'Europe/Warsaw',
      weekly: {
        mon: [['09:00', '17:00']],
        tue: [['09:00', '17:00']],
        wed: [['09:00', '17:00']],
        thu: [['09:00', '17:00']],
        fri: [['09:00', '17:00']],
      },
      effective_from: '2020-01-01T00:00:00Z',
    },
  });
  const res = await t.app.inject({
    method: 'PUT',
    url: '/v1/sla-policies',
    headers: t.auth('config:write'),
    payload: {
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
    },
  });
  expect(res.statusCode).toBe(200);
  await t.app.services.jobs.runUntilIdle();
});
afterAll(async () => t.close());

async function post(events: object[]) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: t.auth('events:write'),
    payload: events,
  });
  expect(res.statusCode).toBe(200);
  return res.json<{ accepted: number }>();
}

async function ticket(id: string) {
  return t.app.inject({ method: 'GET', url: `/v1/tickets/${id}`, headers: t.auth('reports:read') });
}

describe('GET /v1/tickets/{id}', () => {
  it('answers a first response within target as achieved and the resolution clock as running', async () => {
    // Monday 2026-11-16 09:00 Warsaw (08:00Z), standard policy on office hours.
    await post([
      {
        id: 'a1',
        type: 'ticket.created',
        ticket_id: 'A',
        occurred_at: '2026-11-16T08:00:00Z',
        actor: { type: 'customer' },
        data: { priority: 'normal', channel: 'email', group: 'L1', assignee_id: 'ag-1' },
      },
      {
        id: 'a2',
        type: 'ticket.message',
        ticket_id: 'A',
        occurred_at: '2026-11-16T08:30:00Z',
        actor: { type: 'agent', id: 'ag-1' },
        data: { direction: 'outbound' },
      },
    ]);
    const res = await ticket('A');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      ticket_id: 'A',
      status: 'new',
      priority: 'normal',
      group: 'L1',
      policy_id: 'standard',
      touches: 1,
    });
    const fr = body.sla.find((c: { metric: string }) => c.metric === 'first_response');
    expect(fr).toMatchObject({
      status: 'achieved',
      elapsed_business_seconds: 1800,
      target_seconds: 3600,
      stopped_at: '2026-11-16T08:30:00.000Z',
      breached_at: null,
    });
    const res2 = body.sla.find((c: { metric: string }) => c.metric === 'resolution');
    // now = 12:00Z = 13:00 Warsaw: 4 business hours since 09:00; due 8 business hours after start = 17:00 Warsaw.
    expect(res2).toMatchObject({
      status: 'active',
      elapsed_business_seconds: 4 * 3600,
      due_at: '2026-11-16T16:00:00.000Z',
    });
  });

  it('reports a running clock past due_at as breached at due_at without any event', async () => {
    now = Date.parse('2026-11-16T10:05:00Z');
    await post([
      {
        id: 'b1',
        type: 'ticket.created',
        ticket_id: 'B',
        occurred_at: '2026-11-16T10:00:00Z',
        data: { priority: 'urgent', channel: 'phone' },
      },
    ]);
    const before = (await ticket('B'))
      .json()
      .sla.find((c: { metric: string }) => c.metric === 'first_response');
    expect(before).toMatchObject({ status: 'active', due_at: '2026-11-16T10:15:00.000Z' });
    now = Date.parse('2026-11-16T10:20:00Z');
    const after = (await ticket('B'))
      .json()
      .sla.find((c: { metric: string }) => c.metric === 'first_response');
    expect(after).toMatchObject({ status: 'breached', breached_at: '2026-11-16T10:15:00.000Z' });
    const queue = await t.app.inject({
      method: 'GET',
      url: '/v1/tickets?sla_status=breached',
      headers: t.auth('reports:read'),
    });
    expect(
      queue
        .json()
        .items.map((i: { ticket_id: string; metric: string }) => `${i.ticket_id}/${i.metric}`),
    ).toContain('B/first_response');
    now = Date.parse('2026-11-16T12:00:00Z');
  });

  it('explains the resolution clock with running and outside-hours segments', async () => {
    await post([
      {
        id: 'c1',
        type: 'ticket.created',
        ticket_id: 'C',
        occurred_at: '2026-11-13T15:00:00Z',
        data: { priority: 'normal', channel: 'email' },
      },
    ]);
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/tickets/C/timeline',
      headers: t.auth('reports:read'),
    });
    expect(res.statusCode).toBe(200);
    const resolution = res.json().clocks.find((c: { metric: string }) => c.metric === 'resolution');
    const kinds = resolution.segments.map(
      (s: { kind: string; from: string; to: string }) => `${s.kind} ${s.from}→${s.to}`,
    );
    expect(kinds).toEqual([
      'running 2026-11-13T15:00:00.000Z→2026-11-13T16:00:00.000Z',
      'outside_hours 2026-11-13T16:00:00.000Z→2026-11-16T08:00:00.000Z',
      'running 2026-11-16T08:00:00.000Z→2026-11-16T12:00:00.000Z',
    ]);
    expect(resolution.elapsed_business_seconds).toBe(5 * 3600);
  });

  it('explains pauses, and its clocks are the stored clocks of the ticket', async () => {
    // Folded again from the events for the timeline: the figures must be the stored ones.
    await post([
      {
        id: 'd1',
        type: 'ticket.created',
        ticket_id: 'D',
        occurred_at: '2026-11-16T08:00:00Z',
        actor: { type: 'customer' },
        data: { priority: 'normal', channel: 'email' },
      },
      {
        id: 'd2',
        type: 'ticket.status_changed',
        ticket_id: 'D',
        occurred_at: '2026-11-16T09:00:00Z',
        actor: { type: 'agent', id: 'ag-1' },
        data: { status: 'on_hold' },
      },
      {
        id: 'd3',
        type: 'ticket.status_changed',
        ticket_id: 'D',
        occurred_at: '2026-11-16T10:00:00Z',
        actor: { type: 'agent', id: 'ag-1' },
        data: { status: 'open' },
      },
    ]);
    const detail = (await ticket('D')).json();
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/tickets/D/timeline',
      headers: t.auth('reports:read'),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    type Clock = {
      metric: string;
      cycle: number;
      status: string;
      elapsed_business_seconds: number;
    };
    const summary = (clocks: Clock[]) =>
      clocks.map((c) => [c.metric, c.cycle, c.status, c.elapsed_business_seconds]);
    expect(summary(body.clocks)).toEqual(summary(detail.sla));
    expect(body.clocks.length).toBeGreaterThan(0);
    const resolution = body.clocks.find((c: Clock) => c.metric === 'resolution');
    expect(
      resolution.segments.map(
        (s: { kind: string; status: string; from: string; to: string }) =>
          `${s.kind} ${s.status} ${s.from}→${s.to}`,
      ),
    ).toEqual([
      'running new 2026-11-16T08:00:00.000Z→2026-11-16T09:00:00.000Z',
      'paused on_hold 2026-11-16T09:00:00.000Z→2026-11-16T10:00:00.000Z',
      'running open 2026-11-16T10:00:00.000Z→2026-11-16T12:00:00.000Z',
    ]);
    expect(resolution.segments[1]).toMatchObject({
      policy_id: 'standard',
      policy_version: 1,
      calendar_id: 'office',
      calendar_version: 1,
      business_seconds: 0,
    });
  });

  it('answers 404 for an unknown ticket', async () => {
    expect((await ticket('nope')).statusCode).toBe(404);
    const timeline = await t.app.inject({
      method: 'GET',
      url: '/v1/tickets/nope/timeline',
      headers: t.auth('reports:read'),
    });
    expect(timeline.statusCode).toBe(404);
  });
});
