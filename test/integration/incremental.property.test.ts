/**
 * The two invariants of the incremental core, end to end through HTTP ingest and PostgreSQL
 * (events.md "Ordering, lateness, duplicates"; metrics.md): generated event streams of several
 * tickets delivered (a) in order, one event a request, and (b) in a random arrival order, in random
 * batch splits, with random duplicates, give the same derived rows and rollups; and `verify`
 * finds no difference after either.
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../src/core/events.js';
import { canonicalJson } from '../../src/ingest/canonical-json.js';
import { verifyTenant } from '../../src/ingest/rebuild.js';
import type { CalendarDefinition } from '../../src/core/calendar/index.js';
import { insertCalendarVersion } from '../../src/storage/calendar.repository.js';
import { insertPolicyVersion } from '../../src/storage/sla-policy.repository.js';
import { ROLLUPS } from '../../src/storage/rollup.repository.js';
import { buildApp } from '../../src/app.js';
import { ticketStreams, GEN_POLICIES } from '../factories/arbitraries.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const OFFICE_DAY = [['09:00', '17:00']];

function wire(e: TicketEvent) {
  const data = { ...(e.data as Record<string, unknown>) };
  if (typeof data.started_at === 'number')
    data.started_at = new Date(data.started_at).toISOString();
  return {
    id: e.id,
    type: e.type,
    ticket_id: e.ticketId,
    occurred_at: new Date(e.occurredAt).toISOString(),
    actor: e.actor,
    data,
  };
}

/** A tenant with the generator's calendars and policy versions (stored directly: fast). */
async function configuredTenant(name: string) {
  const { tenantId, adminKey } = await t.addTenant(name);
  const db = t.database.db;
  const office = {
    timezone: 'UTC',
    weekly: { mon: OFFICE_DAY, tue: OFFICE_DAY, wed: OFFICE_DAY, thu: OFFICE_DAY, fri: OFFICE_DAY },
  } as CalendarDefinition;
  await db.transaction().execute(async (trx) => {
    await insertCalendarVersion(trx, tenantId, 'office', 0, office);
    for (const v of GEN_POLICIES)
      await insertPolicyVersion(trx, tenantId, v.effectiveFrom, v.policies);
  });
  return { tenantId, headers: { authorization: `Bearer ${adminKey}` } };
}

async function send(headers: Record<string, string>, events: object[]) {
  const res = await t.app.inject({ method: 'POST', url: '/v1/events', headers, payload: events });
  expect(res.statusCode).toBe(200);
  expect(res.json().rejected).toBe(0);
  return res.json<{ accepted: number; duplicates: number }>();
}

/** seq is arrival order: legitimately different between deliveries, so left out of comparisons. */
function withoutSeq(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSeq);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'seq' && k !== 'last_seq')
        .map(([k, v]) => [k, withoutSeq(v)]),
    );
  }
  return value;
}

const MEASURES: Record<string, readonly string[]> = Object.fromEntries(
  Object.values(ROLLUPS).map((spec) => [spec.table, spec.measures]),
);

const TABLES: Record<string, string> = {
  ticket:
    'ticket_id, contributions, derived, status, created_at, deleted, first_solved_at, policy_id, last_occurred_at',
  sla_clock: '*',
  contact: '*',
  backlog_segment: '*',
  sla_rollup: '*',
  fcr_rollup: '*',
  volume_rollup: '*',
  handle_time_rollup: '*',
  escalation_rollup: '*',
  reassignment_rollup: '*',
  backlog_flow_rollup: '*',
};

async function snapshot(tenantId: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [table, columns] of Object.entries(TABLES)) {
    const { rows } = await sql<
      Record<string, unknown>
    >`select ${sql.raw(columns)} from ${sql.table(table)} where tenant_id = ${tenantId}::uuid`.execute(
      t.database.db,
    );
    out[table] = rows
      .map(
        ({ tenant_id: _t, ...r }) =>
          withoutSeq(JSON.parse(JSON.stringify(r))) as Record<string, unknown>,
      )
      // a rollup row whose deltas cancelled out is the same as no row
      .filter((r) => !MEASURES[table] || MEASURES[table].some((m) => Number(r[m]) !== 0))
      .map((r) => canonicalJson(r))
      .sort();
  }
  return out;
}

const delivery = fc.record({
  order: fc.array(fc.nat(), { minLength: 200, maxLength: 200 }),
  cuts: fc.array(fc.nat({ max: 6 }), { minLength: 200, maxLength: 200 }),
  dupes: fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
});

describe('incremental ingest = in-order ingest = rebuild from events', () => {
  it('holds for random arrival orders, batch splits and duplicates (fast-check)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(ticketStreams(4, 12), delivery, async (streams, d) => {
        run += 1;
        const events = streams.flat().map(wire);
        const inOrder = await configuredTenant(`in-order-${run}`);
        const shuffled = await configuredTenant(`shuffled-${run}`);
        const sorted = [...events].sort((a, b) => a.occurred_at.localeCompare(b.occurred_at));
        for (let i = 0; i < sorted.length; i += 8)
          await send(inOrder.headers, sorted.slice(i, i + 8));

        const arrival = events
          .map((e, i) => ({ e, k: d.order[i % d.order.length]! }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.e);
        const withDupes = arrival.flatMap((e, i) => (d.dupes[i % d.dupes.length] ? [e, e] : [e]));
        let accepted = 0;
        let duplicates = 0;
        for (let i = 0; i < withDupes.length;) {
          const size = 1 + (d.cuts[i % d.cuts.length] ?? 0);
          const r = await send(shuffled.headers, withDupes.slice(i, i + size));
          accepted += r.accepted;
          duplicates += r.duplicates;
          i += size;
        }
        expect(accepted).toBe(events.length);
        expect(duplicates).toBe(withDupes.length - events.length);

        expect(await snapshot(shuffled.tenantId)).toEqual(await snapshot(inOrder.tenantId));
        expect(
          await verifyTenant(t.database.db, shuffled.tenantId, t.app.services.contexts),
        ).toEqual([]);
        expect(
          await verifyTenant(t.database.db, inOrder.tenantId, t.app.services.contexts),
        ).toEqual([]);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 100) },
    );
  }, 600_000);

  it('holds with two processes writing the same tickets and batches rolled back after folding', async () => {
    // A second app on the same database: its own ticket cache, like a second service process.
    const other = await buildApp({ db: t.database.db, transaction: t.database.transaction });
    const apps = [t.app, other];
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          ticketStreams(3, 10),
          fc.array(
            fc.record({
              size: fc.integer({ min: 1, max: 6 }),
              app: fc.nat(1),
              rollBack: fc.boolean(),
            }),
            { minLength: 60, maxLength: 60 },
          ),
          async (streams, plan) => {
            run += 1;
            const events = streams.flat().map(wire);
            const inOrder = await configuredTenant(`cache-in-order-${run}`);
            const mixed = await configuredTenant(`cache-mixed-${run}`);
            const sorted = [...events].sort((a, b) => a.occurred_at.localeCompare(b.occurred_at));
            await send(inOrder.headers, sorted);
            // A poison event: same id as the first one, other content. In an atomic request it
            // rolls the whole transaction back after the batch was folded and cached.
            const poison = { ...sorted[0]!, data: { ...sorted[0]!.data, poisoned: true } };
            await send(mixed.headers, [sorted[0]!]);
            for (let i = 1, step = 0; i < sorted.length; step += 1) {
              const p = plan[step % plan.length]!;
              const batch = sorted.slice(i, i + p.size);
              const app = apps[p.app]!;
              if (p.rollBack) {
                const res = await app.inject({
                  method: 'POST',
                  url: '/v1/events?atomic=true',
                  headers: mixed.headers,
                  payload: [...batch, poison],
                });
                expect(res.statusCode).toBe(422);
              }
              const res = await app.inject({
                method: 'POST',
                url: '/v1/events',
                headers: mixed.headers,
                payload: batch,
              });
              expect(res.json()).toMatchObject({ accepted: batch.length, rejected: 0 });
              i += p.size;
            }
            expect(await snapshot(mixed.tenantId)).toEqual(await snapshot(inOrder.tenantId));
            expect(
              await verifyTenant(t.database.db, mixed.tenantId, t.app.services.contexts),
            ).toEqual([]);
          },
        ),
        { numRuns: Number(process.env.PROPERTY_RUNS ?? 40) },
      );
    } finally {
      await other.close();
    }
  }, 600_000);
});
