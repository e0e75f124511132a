/**
 * Every real log of ../shared/datasets, read by its importer source and ingested through
 * `POST /v1/events` (NDJSON bodies of whole tickets' events, at most 10,000 lines each, as
 * `deskmetrics import` sends them) into a test database; then the spec's backlog identity
 * (metrics.md, Backlog) checked against `GET /v1/kpis/backlog-trend` at the end of every month of
 * the log's span: `backlog(T2) − backlog(T1) = entered − left` over each month `(T1, T2]`, and the
 * backlog at each month end equals the stock by the spec's definition.
 *
 * The expected figures come from the wire events alone (never from the service), by the spec:
 *
 * - a ticket's events apply in `occurred_at` order, ties in arrival order (events.md); it exists
 *   from its first `ticket.created` (status default `new`), earlier events have no effect;
 * - it is in the backlog at T when created at or before T, never deleted, and its status at T —
 *   after every event at or before T — is `new`, `open`, `pending` or `on_hold` (`actionable`:
 *   `new`/`open`);
 * - `entered` = created into a backlog status + reopens (solved/closed → backlog status), `left` =
 *   every backlog status → solved/closed transition, re-solves included;
 * - the months are the local calendar months of the zone asked (kpis.md, Periods), computed here
 *   with luxon: a month ends at local midnight on the 1st of the next, so in Europe/Rome
 *   at 23:00 or 22:00 UTC depending on DST. Each log is checked in UTC (the tenant default) and,
 *   when it has one, in the help desk's own zone.
 *
 * A case whose file is absent skips with a message (`dataset()`).
 */
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { eventCsv } from '../../src/importers/event-csv/index.js';
import { servicenowAudit } from '../../src/importers/servicenow-audit/index.js';
import type { ImportSource, SourceOptions, WireEvent } from '../../src/importers/source.js';
import { xes } from '../../src/importers/xes/index.js';
import { createApiKey, type Scope } from '../../src/storage/tenant.repository.js';
import { createTestApp, expectKpiSource, KPI_SOURCES, type TestApp } from '../support/app.js';
import { dataset } from '../fixtures/importers/helpers.js';

/** At most this many NDJSON lines per `POST /v1/events` (the CLI's default `--batch`). */
const BATCH = 10_000;

interface Case {
  name: string;
  file: string;
  source: ImportSource;
  options: SourceOptions;
  /** Zones whose month ends are checked: UTC, and the help desk's own when the log has one. */
  zones: string[];
  /** Events the source yields (docs/importers.md). */
  events: number;
}

const CASES: Case[] = [
  {
    name: 'Italian help desk (event-csv)',
    file: 'helpdesk_italian_sw_company.csv.gz',
    source: eventCsv,
    options: { timezone: 'Europe/Rome' },
    zones: ['UTC', 'Europe/Rome'],
    events: 24_801,
  },
  {
    // Naive times, read as UTC without --timezone (servicenowAudit.needsTimezone is false).
    name: 'UCI ServiceNow log (servicenow-audit)',
    file: 'uci_incident_event_log.csv.gz',
    source: servicenowAudit,
    options: {},
    zones: ['UTC'],
    events: 126_380,
  },
  {
    // Offsets +01:00 / +02:00 as written: Central European time.
    name: 'BPIC 2013 incidents (xes)',
    file: 'bpic13_incidents.xes.gz',
    source: xes,
    options: {},
    zones: ['UTC', 'Europe/Brussels'],
    events: 74_420,
  },
  {
    name: 'BPIC 2013 flat CSV (event-csv, preset bpic13-flat)',
    file: 'bpic13_incidents_flat.csv.gz',
    source: eventCsv,
    options: { timezone: 'UTC' },
    zones: ['UTC', 'Europe/Brussels'],
    events: 74_420,
  },
  {
    name: 'BPIC 2013 CSV with support level (event-csv, preset bpic13-support-level)',
    file: 'bpic13_incidents_with_support_level.csv.gz',
    source: eventCsv,
    options: { timezone: 'UTC' },
    zones: ['UTC', 'Europe/Brussels'],
    events: 74_420,
  },
];

const BACKLOG = new Set(['new', 'open', 'pending', 'on_hold']);
const ACTIONABLE = new Set(['new', 'open']);
const SOLVED = new Set(['solved', 'closed']);

/** A ticket's status from each instant on, from its creation (the spec's model of it). */
interface Timeline {
  ticketId: string;
  statuses: { ms: number; status: string }[];
}

/** The timelines of the tickets that exist and are never deleted, from the wire events. */
function timelines(events: readonly WireEvent[]): Timeline[] {
  const byTicket = new Map<string, { e: WireEvent; arrival: number; ms: number }[]>();
  events.forEach((e, arrival) => {
    let list = byTicket.get(e.ticket_id);
    if (list === undefined) byTicket.set(e.ticket_id, (list = []));
    list.push({ e, arrival, ms: Date.parse(e.occurred_at) });
  });
  const out: Timeline[] = [];
  for (const [ticketId, list] of byTicket) {
    list.sort((a, b) => a.ms - b.ms || a.arrival - b.arrival);
    const statuses: Timeline['statuses'] = [];
    let deleted = false;
    for (const { e, ms } of list) {
      if (statuses.length === 0) {
        if (e.type !== 'ticket.created') continue;
        // events.md: `status` defaults to `new` (ingest has validated it: 0 rejected).
        const status = typeof e.data.status === 'string' ? e.data.status : 'new';
        statuses.push({ ms, status });
      } else if (e.type === 'ticket.status_changed') {
        const status = String(e.data.status);
        if (status !== statuses.at(-1)!.status) statuses.push({ ms, status });
      } else if (e.type === 'ticket.deleted') {
        deleted = true;
      }
    }
    if (statuses.length > 0 && !deleted) out.push({ ticketId, statuses });
  }
  return out;
}

interface Expected {
  total: number;
  actionable: number;
  /** Over the month ending here: entered and left (metrics.md). */
  entered: number;
  left: number;
}

/** The backlog at each instant of `ends` (ascending), and the flow over each `(previous, end]`. */
function expectedAt(tickets: readonly Timeline[], ends: readonly number[]): Expected[] {
  return ends.map((end, i) => {
    const start = i === 0 ? -Infinity : ends[i - 1]!;
    const out: Expected = { total: 0, actionable: 0, entered: 0, left: 0 };
    for (const { statuses } of tickets) {
      let now: string | undefined;
      statuses.forEach(({ ms, status }, k) => {
        if (ms > end) return;
        now = status;
        if (ms <= start) return;
        const before = k === 0 ? undefined : statuses[k - 1]!.status;
        if (BACKLOG.has(status) && (before === undefined || SOLVED.has(before))) out.entered++;
        if (before !== undefined && BACKLOG.has(before) && SOLVED.has(status)) out.left++;
      });
      if (now !== undefined && BACKLOG.has(now)) out.total++;
      if (now !== undefined && ACTIONABLE.has(now)) out.actionable++;
    }
    return out;
  });
}

/** The local months of `zone` covering [first, last]: `from`, `to` and every month's end. */
function months(first: number, last: number, zone: string) {
  const start = DateTime.fromMillis(first, { zone }).startOf('month');
  const ends: number[] = [];
  let end = start;
  do {
    end = end.plus({ months: 1 });
    ends.push(end.toMillis());
  } while (end.toMillis() <= last);
  const iso = (ms: number) => new Date(ms).toISOString();
  return { from: iso(start.toMillis()), to: iso(ends.at(-1)!), ends };
}

const month = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM');

let t: TestApp;
/** A second app on the same database whose KPI answers come from SQL (the first: the cube). */
let sql: FastifyInstance;
const apps = () =>
  KPI_SOURCES.map((k) => ({
    name: k.name,
    source: k.source,
    app: k.source === 'sql' ? sql : t.app,
  }));

// One database for the file (a migration costs seconds on PGlite), a tenant per log.
beforeAll(async () => {
  // The cube holds all of the logs' years (no horizon): every answer comes from it.
  t = await createTestApp({ logger: { level: 'error' }, kpiCubeBlocking: true, kpiCubeDays: 0 });
  const { db, transaction, reserve } = t.database;
  sql = await buildApp({ db, transaction, reserve, logger: { level: 'error' }, kpiCubeBytes: 0 });
});

afterAll(async () => {
  await sql?.close();
  await t?.close();
});

describe.each(CASES.map((c) => [c.name, c] as const))('%s imported through the API', (_, c) => {
  const path = dataset(c.file);
  let events: WireEvent[] = [];
  let tickets: Timeline[] = [];
  const span = { first: Infinity, last: -Infinity };
  const keys = { write: '', read: '' };
  const totals = { accepted: 0, duplicates: 0, rejected: 0, sourceRejections: 0 };
  const errors: unknown[] = [];

  beforeAll(async () => {
    if (path === undefined) return;
    const { tenantId } = await t.addTenant(c.file);
    const key = async (scope: Scope) =>
      `Bearer ${(await createApiKey(t.database.db, { tenantId, name: scope, scopes: [scope] })).key}`;
    keys.write = await key('events:write');
    keys.read = await key('reports:read');
    let batch: WireEvent[] = [];
    const send = async () => {
      if (batch.length === 0) return;
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: keys.write, 'content-type': 'application/x-ndjson' },
        payload: batch.map((e) => JSON.stringify(e)).join('\n'),
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<typeof totals & { errors: unknown[] }>();
      totals.accepted += body.accepted;
      totals.duplicates += body.duplicates;
      totals.rejected += body.rejected;
      errors.push(...body.errors.slice(0, 20 - errors.length));
      batch = [];
    };
    // A source chunk holds whole tickets: a body is whole tickets too, as the CLI sends them.
    for await (const chunk of c.source.read(path, c.options)) {
      totals.sourceRejections += chunk.rejections.length;
      if (batch.length + chunk.events.length > BATCH) await send();
      batch.push(...chunk.events);
      events.push(...chunk.events);
    }
    await send();
    for (const e of events) {
      const ms = Date.parse(e.occurred_at);
      span.first = Math.min(span.first, ms);
      span.last = Math.max(span.last, ms);
    }
    tickets = timelines(events);
  }, 300_000);

  afterAll(() => {
    events = [];
    tickets = [];
  });

  it.skipIf(path === undefined)(`accepts all ${c.events.toLocaleString('en')} events`, () => {
    expect(events).toHaveLength(c.events);
    expect({ ...totals, errors }).toEqual({
      accepted: c.events,
      duplicates: 0,
      rejected: 0,
      sourceRejections: 0,
      errors: [],
    });
  });

  it.skipIf(path === undefined).each(c.zones)(
    'holds backlog(T) = entered − left at the end of every month in %s (SQL and the cube)',
    async (zone) => {
      const { from, to, ends } = months(span.first, span.last, zone);
      const expected = expectedAt(tickets, ends);
      const label = (i: number) => month(ends[i]! - 1, zone);
      // The stock by definition is the flow summed (a check of the model itself).
      let running = 0;
      expected.forEach((e, i) => {
        running += e.entered - e.left;
        expect(running, `model at the end of ${label(i)}`).toBe(e.total);
      });
      // Not trivially zero: every one of these help desks had a backlog most months.
      const peak = Math.max(...expected.map((e) => e.total));
      expect(peak).toBeGreaterThan(50);

      for (const { name, source, app } of apps()) {
        // interval=month takes up to 10,000 periods (kpis.md): one request covers any log here.
        const url = '/v1/kpis/backlog-trend';
        const res = await app.inject({
          method: 'GET',
          url,
          query: { from, to, interval: 'month', timezone: zone },
          headers: { authorization: keys.read },
        });
        expect(res.statusCode, res.body).toBe(200);
        expectKpiSource(res, url, source);
        type Row = { period_end: string; total: number; actionable: number };
        const rows = res.json<{ rows: Row[] }>().rows;
        // The service's months are the zone's calendar months.
        expect(rows.map((r) => Date.parse(r.period_end))).toEqual(ends);
        // The identity over every month (T1, T2], then the stock and its actionable part.
        const differences = rows.flatMap((row, i) => {
          const before = i === 0 ? 0 : rows[i - 1]!.total;
          const e = expected[i]!;
          return row.total - before === e.entered - e.left && row.total === e.total
            ? []
            : [`${label(i)}: ${before} → ${row.total}, entered ${e.entered} − left ${e.left}`];
        });
        expect(differences, name).toEqual([]);
        expect(
          rows.map((r) => r.total),
          name,
        ).toEqual(expected.map((e) => e.total));
        expect(
          rows.map((r) => r.actionable),
          name,
        ).toEqual(expected.map((e) => e.actionable));
      }
      console.info(
        `${c.name}, ${zone}: ${ends.length} months ${label(0)} … ${label(ends.length - 1)}, ` +
          `backlog peak ${peak}`,
      );
    },
    120_000,
  );
});
