/**
 * Regression: one ticket whose fold fails must never fail its batch (issue 11). Before, a stored
 * event the fold could not handle made every request containing an event of that ticket answer
 * 500 — whole NDJSON batches of other tickets with it.
 *
 * The failure injected here is a real one: an event dated 9999 in the log, as a version with a
 * wider input domain stored it, which the calendar engine refuses (RangeError). With the ticket
 * cache off, every batch folds its tickets from the log, so the poisoned ticket fails each time.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTenant } from '../../src/ingest/rebuild.js';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ logger: { level: 'error' }, ticketCacheSize: 0 });
  const res = await t.configure('/v1/sla-policies', {
    effective_from: '2020-01-01T00:00:00Z',
    policies: [
      { id: 'all', calendar_id: '24x7', targets: { first_response: 3600, resolution: 86400 } },
    ],
  });
  expect(res.statusCode).toBe(200);
});
afterAll(async () => t.close());

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 9, minute)).toISOString();
const created = (id: string, ticket: string) => ({
  id,
  type: 'ticket.created',
  ticket_id: ticket,
  occurred_at: at(0),
  data: { priority: 'high', channel: 'email' },
});
const reply = (id: string, ticket: string, minute: number) => ({
  id,
  type: 'ticket.message',
  ticket_id: ticket,
  occurred_at: at(minute),
  actor: { type: 'agent', id: 'a-1' },
  data: { direction: 'outbound' },
});

function ndjson(events: object[]) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...t.auth('events:write'), 'content-type': 'application/x-ndjson' },
    payload: events.map((e) => JSON.stringify(e)).join('\n'),
  });
}

async function countEvents(ticket: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from ticket_event
    where tenant_id = ${t.tenantId}::uuid and ticket_id = ${ticket}`.execute(t.database.db);
  return Number(rows[0]!.n);
}

async function failures() {
  return t.database.db
    .selectFrom('ticket_fold_failure')
    .select(['ticket_id', 'error'])
    .where('tenant_id', '=', t.tenantId)
    .execute();
}

async function foldFailureMetric(): Promise<number> {
  const text = (await t.app.inject({ url: '/metrics' })).body;
  const line = text
    .split('\n')
    .find((l) => l.startsWith('deskmetrics_ticket_fold_failures_total '));
  return Number(line?.split(' ')[1]);
}

describe('a ticket whose fold fails', () => {
  it('is reported, its events are stored, and every other event of the batch is committed', async () => {
    expect((await ndjson([created('p-1', 'poison')])).json()).toMatchObject({ accepted: 1 });
    // A legacy event the engine cannot compute with (out of its range).
    await sql`update ticket_event set occurred_at = '9999-06-01T00:00:00Z'
      where tenant_id = ${t.tenantId}::uuid and event_id = 'p-1'`.execute(t.database.db);

    const res = await ndjson([
      created('a-1', 'A'),
      reply('p-2', 'poison', 5),
      reply('a-2', 'A', 10),
      created('b-1', 'B'),
      created('n-1', 'new-poison'),
    ]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual({
      accepted: 5,
      duplicates: 0,
      rejected: 0,
      errors: [],
      refold_pending: ['poison'],
    });
    expect(await countEvents('poison')).toBe(2);
    for (const id of ['A', 'B', 'new-poison']) {
      const detail = await t.app.inject({
        url: `/v1/tickets/${id}`,
        headers: t.auth('reports:read'),
      });
      expect(detail.statusCode).toBe(200);
    }
    const a = (
      await t.app.inject({ url: '/v1/tickets/A', headers: t.auth('reports:read') })
    ).json();
    expect(a.sla.find((c: { metric: string }) => c.metric === 'first_response').status).toBe(
      'achieved',
    );
    expect(await failures()).toEqual([
      { ticket_id: 'poison', error: expect.stringContaining('RangeError') },
    ]);
    expect(await foldFailureMetric()).toBe(1);
  });

  it('keeps failing alone on every later batch, and verify lists it', async () => {
    const res = await ndjson([reply('p-3', 'poison', 20), reply('b-2', 'B', 20)]);
    expect(res.json()).toMatchObject({ accepted: 2, rejected: 0, refold_pending: ['poison'] });
    expect(await foldFailureMetric()).toBe(2);
    const differences = await verifyTenant(t.database.db, t.tenantId, t.app.services.contexts);
    expect(differences).toEqual([
      expect.objectContaining({
        ticket_id: 'poison',
        what: 'fold',
        stored: expect.stringContaining('failed'),
      }),
    ]);
  });

  it('folds again, and leaves the failure list, once its log can be folded', async () => {
    await sql`update ticket_event set occurred_at = ${at(0)}::timestamptz
      where tenant_id = ${t.tenantId}::uuid and event_id = 'p-1'`.execute(t.database.db);
    const res = await ndjson([reply('p-4', 'poison', 30)]);
    expect(res.json()).toStrictEqual({ accepted: 1, duplicates: 0, rejected: 0, errors: [] });
    expect(await failures()).toEqual([]);
    const detail = await t.app.inject({
      url: '/v1/tickets/poison',
      headers: t.auth('reports:read'),
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().touches).toBe(3);
    expect(await verifyTenant(t.database.db, t.tenantId, t.app.services.contexts)).toEqual([]);
  });

  it('a new ticket that fails gets no row, and is folded from its whole log once it can be', async () => {
    // Its first event in the log, dated 9999, with no ticket row: as a failed first fold leaves it.
    await sql`insert into ticket_event (tenant_id, event_id, ticket_id, type, occurred_at,
        actor_type, actor_id, data, content_hash)
      select tenant_id, 'q-1', 'fresh-poison', type, '9999-06-01T00:00:00Z', actor_type, actor_id,
        data, content_hash
      from ticket_event where tenant_id = ${t.tenantId}::uuid and event_id = 'b-1'`.execute(
      t.database.db,
    );
    await sql`insert into ticket_fold_failure (tenant_id, ticket_id, error)
      values (${t.tenantId}::uuid, 'fresh-poison', 'injected')`.execute(t.database.db);
    const res = await ndjson([reply('q-2', 'fresh-poison', 5)]);
    expect(res.json()).toMatchObject({ accepted: 1, refold_pending: ['fresh-poison'] });
    const rows = await t.database.db
      .selectFrom('ticket')
      .select('ticket_id')
      .where('tenant_id', '=', t.tenantId)
      .where('ticket_id', '=', 'fresh-poison')
      .execute();
    expect(rows).toEqual([]);
    await sql`update ticket_event set occurred_at = ${at(0)}::timestamptz
      where tenant_id = ${t.tenantId}::uuid and event_id = 'q-1'`.execute(t.database.db);
    expect((await ndjson([reply('q-3', 'fresh-poison', 6)])).json()).toMatchObject({ accepted: 1 });
    const detail = await t.app.inject({
      url: '/v1/tickets/fresh-poison',
      headers: t.auth('reports:read'),
    });
    expect(detail.json()).toMatchObject({ status: 'new', touches: 2 });
    expect(await failures()).toEqual([]);
    expect(await verifyTenant(t.database.db, t.tenantId, t.app.services.contexts)).toEqual([]);
  });
});
