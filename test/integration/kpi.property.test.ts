/**
 * Properties of the KPI API over generated event streams, end to end through HTTP ingest and
 * PostgreSQL (metrics.md, api.md "KPI parameters", events.md "Ordering, lateness, duplicates"):
 *
 * a. the backlog as of T equals an independent model of the status history, and
 *    backlog(T2) − backlog(T1) = entered − left over (T1, T2];
 * b. every additive measure summed over `interval=day` rows (in a zone; also hour, week and
 *    month) equals `interval=none`, per group;
 * c. arrival order (a permutation in random batches, with duplicates) never changes an answer;
 * d. a ticket deleted later leaves every KPI of every period: the answers equal those of a tenant
 *    that never had the ticket, except the `deleted` count.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../src/core/events.js';
import { GEN_BASE, ticketStreams } from '../factories/arbitraries.js';
import {
  backlogAt,
  backlogByTeam,
  flowBetween,
  modelTicket,
  type ModelTicket,
} from '../factories/backlog-model.js';
import {
  ADDITIVE,
  generatedTenant,
  getKpi,
  inOrder,
  sendEvents,
  wire,
  type KpiBody,
  type KpiTenant,
} from '../factories/kpi-tenants.js';
import { DAY, HOUR, MINUTE } from '../factories/time.js';
import { createTestApp, KPI_SOURCES, type TestApp } from '../support/app.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 0) || undefined;
/** Generated events lie in [GEN_BASE, GEN_BASE + 14 d]: Monday 16 November to 30 November 2026. */
const END = GEN_BASE + 14 * DAY;
/** Query times: during the streams (clocks running, FCR windows open), and after them. */
const NOWS = [GEN_BASE + 7 * DAY + 12 * HOUR, END + DAY, END + 30 * DAY];
const QUARTER = 15 * MINUTE;
/**
 * A property takes 2–16 s alone and in CI, more on a loaded machine. One that times out keeps
 * running in the background and sets the shared `now` under the next one, which then fails for
 * no fault of its own: the limit is generous so that only a hang reaches it.
 */
const PROPERTY_TIMEOUT = 300_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(KPI_SOURCES)('KPIs from $name', ({ deps }) => {
  let t: TestApp;
  let now = NOWS[1]!;
  let tenants = 0;

  beforeAll(async () => {
    t = await createTestApp({ now: () => now, logger: { level: 'error' }, ...deps });
  });
  afterAll(async () => t.close());

  async function tenantWith(events: readonly object[], batch = 50): Promise<KpiTenant> {
    tenants += 1;
    const tenant = await generatedTenant(t, `kpi-prop-${tenants}`);
    for (let i = 0; i < events.length; i += batch) {
      await sendEvents(t, tenant, events.slice(i, i + batch));
    }
    return tenant;
  }

  function models(streams: readonly TicketEvent[][]): ModelTicket[] {
    return streams.map((s) => modelTicket(s));
  }

  /** Instants to ask the backlog at: around event instants (−1 ms, at, +1 ms) or anywhere. */
  function instantsOf(streams: readonly TicketEvent[][]) {
    const all = streams.flat().map((e) => e.occurredAt);
    return fc.array(
      fc.oneof(
        fc
          .tuple(fc.nat({ max: all.length - 1 }), fc.constantFrom(-1, 0, 1))
          .map(([i, d]) => all[i]! + d),
        fc.integer({ min: GEN_BASE - DAY, max: END + DAY }),
      ),
      { minLength: 2, maxLength: 5 },
    );
  }

  describe('a. the backlog as a stock', () => {
    it(
      'equals the model at every T, and backlog(T2) − backlog(T1) = entered − left (fast-check)',
      async () => {
        let nonEmpty = 0;
        let flowing = 0;
        await fc.assert(
          fc.asyncProperty(
            ticketStreams(5, 14).chain((streams) =>
              fc.tuple(fc.constant(streams), instantsOf(streams)),
            ),
            async ([streams, picked]) => {
              const tenant = await tenantWith(inOrder(streams.flat().map(wire)));
              const tickets = models(streams);
              const instants = [...new Set(picked)].sort((a, b) => a - b);
              const api = new Map<number, { total: number; actionable: number }>();
              for (const at of instants) {
                const body = await getKpi(t, tenant, `backlog?as_of=${iso(at)}`);
                expect(body.as_of).toBe(iso(at));
                const [row] = body.rows;
                const expected = backlogAt(tickets, at);
                expect(
                  { total: row!.total, actionable: row!.actionable },
                  `backlog as of ${iso(at)}`,
                ).toEqual(expected);
                api.set(at, expected);
                if (expected.total > 0) nonEmpty += 1;
                // Grouped by the team at T.
                const byTeam = await getKpi(t, tenant, `backlog?as_of=${iso(at)}&group_by=team`);
                const got = new Map(byTeam.rows.map((r) => [String(r.team), r.total as number]));
                expect(got, `backlog by team as of ${iso(at)}`).toEqual(backlogByTeam(tickets, at));
              }
              // The trend: the backlog at the end of each local day (the last at `to`).
              const trend = await getKpi(
                t,
                tenant,
                `backlog-trend?from=${iso(GEN_BASE)}&to=${iso(END + 90 * MINUTE)}&interval=day&timezone=Asia/Kolkata`,
              );
              for (const row of trend.rows) {
                const end = Date.parse(row.period_end as string);
                expect(
                  { total: row.total, actionable: row.actionable },
                  `trend at ${iso(end)}`,
                ).toEqual(backlogAt(tickets, end));
              }
              for (let i = 1; i < instants.length; i++) {
                const t1 = instants[i - 1]!;
                const t2 = instants[i]!;
                const { entered, left } = flowBetween(tickets, t1, t2);
                if (entered + left > 0) flowing += 1;
                expect(api.get(t2)!.total - api.get(t1)!.total, `(${iso(t1)}, ${iso(t2)}]`).toBe(
                  entered - left,
                );
              }
            },
          ),
          { numRuns: RUNS ?? 20 },
        );
        // Not vacuous: some backlogs were non-empty and some intervals saw tickets move.
        expect(nonEmpty).toBeGreaterThan(0);
        expect(flowing).toBeGreaterThan(0);
      },
      PROPERTY_TIMEOUT,
    );
  });

  /** Sums of `measures` per group key (group_by values), over the rows. */
  function sumsByGroup(
    rows: KpiBody['rows'],
    groupBy: readonly string[],
    measures: readonly string[],
  ) {
    const out = new Map<string, Record<string, number>>();
    for (const row of rows) {
      const key = JSON.stringify(groupBy.map((g) => row[g] ?? null));
      const sums = out.get(key) ?? Object.fromEntries(measures.map((m) => [m, 0]));
      for (const m of measures) sums[m] = sums[m]! + (row[m] as number);
      out.set(key, sums);
    }
    // Groups whose sums are all zero are not figures (an answer may leave them out).
    for (const [key, sums] of out) if (measures.every((m) => sums[m] === 0)) out.delete(key);
    return out;
  }

  const ZONES: Record<string, number> = { 'Europe/Warsaw': HOUR, 'Asia/Kolkata': 5.5 * HOUR };

  describe('b. interval=day sums to interval=none', () => {
    it(
      'for every additive measure, per group, in Warsaw and Kolkata days (and hours, weeks, months) (fast-check)',
      async () => {
        let figures = 0;
        await fc.assert(
          fc.asyncProperty(
            ticketStreams(5, 14),
            fc.record({
              zone: fc.constantFrom(...Object.keys(ZONES)),
              // from and to on the quarter-hour grid, anywhere around the streams.
              from: fc.integer({ min: -96, max: 14 * 96 }).map((q) => GEN_BASE + q * QUARTER),
              quarters: fc.integer({ min: 1, max: 20 * 96 }),
              now: fc.constantFrom(...NOWS),
              groupBy: fc.constantFrom('', 'team', 'priority,agent', 'channel,policy'),
              interval: fc.constantFrom('day', 'day', 'hour', 'week', 'month'),
            }),
            async (streams, p) => {
              const tenant = await tenantWith(inOrder(streams.flat().map(wire)));
              now = p.now;
              const to = p.from + p.quarters * QUARTER;
              const range = `from=${iso(p.from)}&to=${iso(to)}`;
              for (const [endpoint, measures] of Object.entries(ADDITIVE)) {
                const groupBy =
                  endpoint === 'sla' ? ['metric', ...p.groupBy.split(',')] : p.groupBy.split(',');
                const keys = groupBy.filter((g) => g !== '');
                const group = keys.length > 0 ? `&group_by=${keys.join(',')}` : '';
                const none = await getKpi(t, tenant, `${endpoint}?${range}${group}`);
                const days = await getKpi(
                  t,
                  tenant,
                  `${endpoint}?${range}${group}&interval=${p.interval}&timezone=${p.zone}`,
                );
                expect(days.timezone).toBe(p.zone);
                const whole = sumsByGroup(none.rows, keys, measures);
                expect(sumsByGroup(days.rows, keys, measures), `${endpoint} ${group}`).toEqual(
                  whole,
                );
                for (const sums of whole.values())
                  figures += Object.values(sums).filter(Boolean).length;
                if (p.interval !== 'day') continue;
                // The day rows start at local midnights (fixed offsets in this season), the first
                // one the local day holding `from`; without group_by every day has a row.
                const offset = ZONES[p.zone]!;
                const first = Math.floor((p.from + offset) / DAY) * DAY - offset;
                const starts = [
                  ...new Set(days.rows.map((r) => Date.parse(r.period_start as string))),
                ];
                for (const s of starts) {
                  expect((s - first) % DAY, iso(s)).toBe(0);
                  expect(s).toBeLessThan(to);
                  expect(s).toBeGreaterThanOrEqual(first);
                }
                if (keys.length === 0) {
                  expect(starts).toEqual(
                    Array.from(
                      { length: Math.ceil((to - first) / DAY) },
                      (_, i) => first + i * DAY,
                    ),
                  );
                }
              }
            },
          ),
          { numRuns: RUNS ?? 20 },
        );
        now = NOWS[1]!;
        expect(figures).toBeGreaterThan(0);
      },
      PROPERTY_TIMEOUT,
    );
  });

  /** The KPI requests compared between tenants (all six endpoints). */
  const RANGE = `from=${iso(GEN_BASE - DAY)}&to=${iso(END + 2 * DAY)}`;
  function kpiRequests(backlogInstants: readonly number[]): string[] {
    const backlog = backlogInstants.flatMap((at) => [
      `backlog?as_of=${iso(at)}`,
      `backlog?as_of=${iso(at)}&group_by=team,priority&age=business`,
    ]);
    return [
      `sla?${RANGE}&group_by=metric,team,policy&interval=day&timezone=Europe/Warsaw`,
      `sla?${RANGE}&group_by=agent`,
      `fcr?${RANGE}&group_by=team,agent&interval=week&timezone=Asia/Kolkata`,
      `fcr?${RANGE}`,
      `handle-time?${RANGE}&group_by=agent,channel&interval=day`,
      `volume?${RANGE}&group_by=priority,category&interval=day&timezone=Asia/Kathmandu`,
      `volume?${RANGE}&interval=day&compare=previous_period`,
      `backlog-trend?${RANGE}&interval=day&timezone=Europe/Warsaw`,
      `backlog-trend?${RANGE}&group_by=team&interval=week`,
      'backlog',
      ...backlog,
    ];
  }

  async function answers(tenant: KpiTenant, requests: readonly string[]) {
    const out: Record<string, KpiBody> = {};
    for (const r of requests) out[r] = await getKpi(t, tenant, r);
    return out;
  }

  const delivery = fc.record({
    order: fc.array(fc.nat(), { minLength: 120, maxLength: 120 }),
    cuts: fc.array(fc.nat({ max: 7 }), { minLength: 120, maxLength: 120 }),
    dupes: fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }),
    backlogAt: fc.array(fc.integer({ min: GEN_BASE, max: END }), { minLength: 1, maxLength: 2 }),
    now: fc.constantFrom(...NOWS),
  });

  describe('c. arrival order never changes an answer', () => {
    it(
      'in order vs. a random permutation in random batches with duplicates (fast-check)',
      async () => {
        await fc.assert(
          fc.asyncProperty(ticketStreams(5, 14), delivery, async (streams, d) => {
            const events = streams.flat().map(wire);
            const sorted = await tenantWith(inOrder(events));
            const arrival = events
              .map((e, i) => ({ e, k: d.order[i % d.order.length]! }))
              .sort((a, b) => a.k - b.k)
              .map((x) => x.e);
            const withDupes = arrival.flatMap((e, i) =>
              d.dupes[i % d.dupes.length] ? [e, e] : [e],
            );
            tenants += 1;
            const shuffled = await generatedTenant(t, `kpi-prop-${tenants}`);
            for (let i = 0, step = 0; i < withDupes.length; step++) {
              const size = 1 + d.cuts[step % d.cuts.length]!;
              await sendEvents(t, shuffled, withDupes.slice(i, i + size));
              i += size;
            }
            now = d.now;
            const requests = kpiRequests(d.backlogAt);
            expect(await answers(shuffled, requests)).toEqual(await answers(sorted, requests));
          }),
          { numRuns: RUNS ?? 10 },
        );
        now = NOWS[1]!;
      },
      PROPERTY_TIMEOUT,
    );
  });

  /** A body with the volume `deleted` measure taken out, and rows left with no figure dropped. */
  function withoutDeleted(body: KpiBody, dense: boolean): KpiBody {
    const rows = body.rows.map((r) => {
      const {
        deleted: _d,
        previous,
        ...rest
      } = r as Record<string, unknown> & {
        previous?: Record<string, unknown>;
      };
      if (previous === undefined) return rest;
      const { deleted: _p, ...prev } = previous;
      return { ...rest, previous: prev };
    });
    const figure = (r: Record<string, unknown>) =>
      ['created', 'solved', 'reopens'].some((m) => r[m] !== 0);
    return { ...body, rows: dense ? rows : rows.filter(figure) };
  }

  describe('d. a ticket deleted later leaves every KPI of past periods', () => {
    it(
      'answers with the ticket deleted equal answers without it, but for `deleted` (fast-check)',
      async () => {
        let seen = 0;
        await fc.assert(
          fc.asyncProperty(
            ticketStreams(4, 14),
            fc.nat(),
            fc.integer({ min: 0, max: 14 * 24 * 12 }),
            fc.array(fc.integer({ min: GEN_BASE, max: END }), { minLength: 1, maxLength: 2 }),
            async (streams, pick, slot, backlogInstants) => {
              const victim = streams[pick % streams.length]!;
              const created = Math.min(
                ...victim.filter((e) => e.type === 'ticket.created').map((e) => e.occurredAt),
              );
              // Deleted at or after its creation (a deletion before it would be an orphan event),
              // off the generator's 5-minute grid so it never ties with another of its events.
              const deletedAt = Math.min(created + slot * 5 * MINUTE, END) + 3;
              const deletion = wire({
                id: `${victim[0]!.ticketId}-deleted-later`,
                type: 'ticket.deleted',
                ticketId: victim[0]!.ticketId,
                occurredAt: deletedAt,
                seq: 0,
                actor: { type: 'agent', id: 'a-9' },
                data: { reason: 'spam' },
              });
              const others = streams
                .filter((s) => s !== victim)
                .flat()
                .map(wire);
              const withTicket = await tenantWith(inOrder([...others, ...victim.map(wire)]));
              const without = await tenantWith(inOrder(others));
              // Deleted after everything else was ingested: the deletion withdraws the ticket.
              const before = await getKpi(t, withTicket, `volume?${RANGE}`);
              await sendEvents(t, withTicket, [deletion]);
              now = NOWS[1]!;
              const requests = kpiRequests(backlogInstants).filter((r) => !r.startsWith('volume'));
              expect(await answers(withTicket, requests)).toEqual(await answers(without, requests));
              for (const r of [
                `volume?${RANGE}&interval=day&timezone=Europe/Warsaw`,
                `volume?${RANGE}&compare=previous_period`,
              ]) {
                expect(withoutDeleted(await getKpi(t, withTicket, r), true)).toEqual(
                  withoutDeleted(await getKpi(t, without, r), true),
                );
              }
              const grouped = `volume?${RANGE}&group_by=team,agent,priority&interval=week`;
              expect(withoutDeleted(await getKpi(t, withTicket, grouped), false)).toEqual(
                withoutDeleted(await getKpi(t, without, grouped), false),
              );
              // `deleted` counts the ticket once, at its (first) deletion, in [from, to).
              const deleted = async (tenant: KpiTenant) =>
                (await getKpi(t, tenant, `volume?${RANGE}`)).rows[0]!.deleted as number;
              expect(await deleted(withTicket)).toBe((await deleted(without)) + 1);
              if ((before.rows[0]!.created as number) > 0) seen += 1;
            },
          ),
          { numRuns: RUNS ?? 10 },
        );
        expect(seen).toBeGreaterThan(0);
      },
      PROPERTY_TIMEOUT,
    );
  });
});
