/**
 * The data a fuzzing run starts from: two calendars, an SLA policy list and a week of tickets,
 * stored through the public API, and the identifiers, cursors and ETags valid requests need to
 * reach real rows (a ticket that exists, a cursor this service issued, a current ETag).
 */
import type { FastifyInstance } from 'fastify';
import type { Scope } from '../../src/storage/tenant.repository.js';
import type { Spec } from './spec.js';

/** An app to fuzz and a key of each scope of its tenant. */
export interface FuzzTarget {
  app: FastifyInstance;
  keys: Record<Scope, string>;
}

export interface Fixture {
  now: number;
  keys: Record<Scope, string>;
  /** The span valid instants are drawn from: the seeded week and a little around it. */
  window: { from: number; to: number };
  ticketIds: string[];
  calendarIds: string[];
  jobIds: string[];
  reportNames: string[];
  /** An `updated_since` cursor per report name. */
  reportCursors: Record<string, string>;
  queueCursor: string | undefined;
  /** A current ETag per KPI path. */
  etags: Record<string, string>;
  values: Record<'team' | 'agent' | 'priority' | 'channel' | 'category', string[]>;
}

/** The app's clock while fuzzing: a Wednesday after the seeded week. */
export const FUZZ_NOW = Date.parse('2026-11-25T12:00:00Z');

const OFFICE = {
  name: 'Warsaw office',
  timezone: 'Europe/Warsaw',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '17:00']]]),
  ),
  holidays: { country: 'PL' },
  effective_from: '2020-01-01T00:00:00Z',
};

const NIGHT = {
  timezone: 'America/New_York',
  weekly: { fri: [['22:00', '06:00']], sat: [['10:00', '14:00']], sun: [] },
  exceptions: [{ date: '2026-11-26', hours: [], name: 'Thanksgiving' }],
  effective_from: '2020-01-01T00:00:00Z',
};

const POLICIES = {
  effective_from: '2020-01-01T00:00:00Z',
  policies: [
    {
      id: 'urgent',
      match: { priority: ['urgent'] },
      calendar_id: '24x7',
      targets: { first_response: 900, next_response: 1800, resolution: 14_400 },
    },
    {
      id: 'phone',
      match: { channel: ['phone'] },
      calendar_id: 'night',
      targets: { first_response: 3600, resolution: 86_400 },
      pause: { resolution: ['pending'] },
      at_risk: 0.5,
    },
    {
      id: 'standard',
      calendar_id: 'office',
      targets: { first_response: 3600, resolution: 28_800 },
    },
  ],
};

const TEAMS = ['L1', 'L2'];
const AGENTS = ['ag-1', 'ag-2', 'ag-3'];
const PRIORITIES = ['normal', 'urgent', 'high'];
const CHANNELS = ['email', 'phone', 'chat'];
const CATEGORIES = ['billing', 'tech'];

/** Eight tickets over the week of Monday 16 November 2026, each with a different history. */
function fixtureEvents(): object[] {
  const events: object[] = [];
  for (let n = 1; n <= 8; n++) {
    const t = Date.parse('2026-11-16T08:00:00Z') + (n - 1) * 20 * 3600_000;
    const at = (minutes: number) => new Date(t + minutes * 60_000).toISOString();
    const ticket = `FZ-${n}`;
    const agent = { type: 'agent', id: AGENTS[n % 3] };
    const e = (k: number, type: string, when: number, data: object, actor: object = agent) =>
      events.push({
        id: `fz-${n}-${k}`,
        type,
        ticket_id: ticket,
        occurred_at: at(when),
        actor,
        data,
      });
    e(
      1,
      'ticket.created',
      0,
      {
        priority: PRIORITIES[n % 3],
        channel: CHANNELS[n % 3],
        group: TEAMS[n % 2],
        assignee_id: AGENTS[n % 3],
        category: CATEGORIES[n % 2],
        tags: ['fuzz'],
      },
      { type: 'customer', id: `c-${n}` },
    );
    if (n % 4 !== 0) e(2, 'ticket.message', 10 * n, { direction: 'outbound' });
    if (n % 2 === 0) e(3, 'contact.completed', 30, { agent_id: agent.id, talk_seconds: 60 * n });
    if (n % 3 === 0) e(4, 'ticket.status_changed', 120, { status: 'pending' });
    if (n % 3 !== 1) e(5, 'ticket.status_changed', 240, { status: 'solved' });
    if (n === 5) e(6, 'ticket.message', 300, { direction: 'inbound' }, { type: 'customer' });
    if (n === 7) e(7, 'ticket.deleted', 600, { reason: 'spam' });
  }
  return events;
}

async function call(
  target: FuzzTarget,
  method: 'GET' | 'PUT' | 'POST',
  url: string,
  payload?: object,
) {
  const res = await target.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${target.keys.admin}` },
    ...(payload ? { payload } : {}),
  });
  if (res.statusCode !== 200) {
    throw new Error(`fixture: ${method} ${url} answered ${res.statusCode}: ${res.body}`);
  }
  return res;
}

async function cursorsOf(target: FuzzTarget, names: string[]): Promise<Record<string, string>> {
  const cursors: Record<string, string> = {};
  for (const name of names) {
    const res = await call(target, 'GET', `/v1/reports/${name}?format=ndjson`);
    const cursor = res.headers['x-next-cursor'];
    if (typeof cursor === 'string') cursors[name] = cursor;
  }
  return cursors;
}

/** Stores the fixture's configuration and events, and reads back what valid requests need. */
export async function seedFixture(target: FuzzTarget, spec: Spec): Promise<Fixture> {
  const jobIds: string[] = [];
  for (const [id, calendar] of [
    ['office', OFFICE],
    ['night', NIGHT],
  ] as const) {
    const res = await call(target, 'PUT', `/v1/calendars/${id}`, calendar);
    jobIds.push(res.json<{ recompute_job_id: string }>().recompute_job_id);
  }
  const policies = await call(target, 'PUT', '/v1/sla-policies', POLICIES);
  jobIds.push(policies.json<{ recompute_job_id: string }>().recompute_job_id);
  await call(target, 'POST', '/v1/events', fixtureEvents());
  await target.app.services.jobs.runUntilIdle();
  const reportParam = spec.operations
    .find((op) => op.id === 'getReport')
    ?.pathParams.find((p) => p.name === 'name');
  const reportNames = reportParam?.description.split(/,\s*/) ?? [];
  const queue = await call(target, 'GET', '/v1/tickets?limit=1');
  const range = 'from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z';
  const etags: Record<string, string> = {};
  for (const kpi of ['sla', 'fcr', 'volume', 'handle-time', 'backlog-trend', 'backlog']) {
    const res = await call(target, 'GET', `/v1/kpis/${kpi}?${kpi === 'backlog' ? '' : range}`);
    if (typeof res.headers.etag === 'string') etags[`/v1/kpis/${kpi}`] = res.headers.etag;
  }
  return {
    now: FUZZ_NOW,
    keys: target.keys,
    window: { from: Date.parse('2026-11-09T00:00:00Z'), to: Date.parse('2026-11-30T00:00:00Z') },
    ticketIds: Array.from({ length: 8 }, (_, i) => `FZ-${i + 1}`),
    calendarIds: ['office', 'night', '24x7'],
    jobIds,
    reportNames,
    reportCursors: await cursorsOf(target, reportNames),
    queueCursor: queue.json<{ next_cursor: string | null }>().next_cursor ?? undefined,
    etags,
    values: {
      team: TEAMS,
      agent: AGENTS,
      priority: PRIORITIES,
      channel: CHANNELS,
      category: CATEGORIES,
    },
  };
}
