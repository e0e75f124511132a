/**
 * Ticket rows are updated in place where PostgreSQL can (HOT), and the journal of the tickets
 * each batch wrote (migration 0018) is what the incremental report pulls read: every batch that
 * writes a ticket names it, and no index of `ticket` names a column that every update changes.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
const mode = inject('testDatabase').mode;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const TICKETS = Array.from({ length: 40 }, (_, i) => `HOT-${String(i).padStart(2, '0')}`);

async function post(events: object[]): Promise<void> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: t.auth('events:write'),
    payload: events,
  });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({ rejected: 0 });
}

const created = (ticket: string) => ({
  id: `${ticket}-c`,
  type: 'ticket.created',
  ticket_id: ticket,
  occurred_at: '2026-11-20T09:00:00Z',
  actor: { type: 'customer' },
  data: { priority: 'normal', channel: 'email', group: 'L1', assignee_id: 'ag-1' },
});
const reply = (ticket: string, n: number) => ({
  id: `${ticket}-r${n}`,
  type: 'ticket.message',
  ticket_id: ticket,
  occurred_at: `2026-11-20T${String(9 + n).padStart(2, '0')}:00:00Z`,
  actor: { type: 'agent', id: 'ag-1' },
  data: { direction: 'outbound' },
});

async function journal(): Promise<string[][]> {
  const { rows } = await sql<{ ticket_ids: string[] }>`
    select ticket_ids from ticket_change where tenant_id = ${t.tenantId}::uuid
    order by rev`.execute(t.database.db);
  return rows.map((r) => [...r.ticket_ids].sort());
}

describe('the ticket change journal', () => {
  it('names every ticket each batch wrote, new or not, once per batch', async () => {
    await post(TICKETS.map(created));
    expect(await journal()).toEqual([TICKETS]);
    await post(TICKETS.slice(0, 10).map((id) => reply(id, 1)));
    await post(TICKETS.slice(5, 20).map((id) => reply(id, 2)));
    expect(await journal()).toEqual([TICKETS, TICKETS.slice(0, 10), TICKETS.slice(5, 20)]);
  });

  it('ticket has no index on rev, and leaves room on its pages for the next row versions', async () => {
    const { rows } = await sql<{ indexdef: string }>`
      select indexdef from pg_indexes where tablename = 'ticket'
        and schemaname = current_schema()`.execute(t.database.db);
    expect(rows.length).toBeGreaterThan(0);
    for (const { indexdef } of rows) expect(indexdef).not.toMatch(/\brev\b/);
    const options = await sql<{ reloptions: string[] | null }>`
      select reloptions from pg_class where oid = 'ticket'::regclass`.execute(t.database.db);
    expect(options.rows[0]!.reloptions).toContain('fillfactor=70');
  });

  // The statistics of a distributed table are its shards', on the workers; PGlite keeps none of
  // a connection's own in time to read.
  it.runIf(mode === 'server')('updates of a ticket row are mostly heap-only (HOT)', async () => {
    for (let n = 3; n <= 8; n++) await post(TICKETS.map((id) => reply(id, n)));
    let stats = { updated: 0, hot: 0 };
    for (let i = 0; i < 150 && stats.updated < TICKETS.length * 6; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const { rows } = await sql<{ updated: string; hot: string }>`
        select n_tup_upd as updated, n_tup_hot_upd as hot from pg_stat_user_tables
        where relid = 'ticket'::regclass`.execute(t.database.db);
      stats = { updated: Number(rows[0]!.updated), hot: Number(rows[0]!.hot) };
    }
    expect(stats.updated).toBeGreaterThanOrEqual(TICKETS.length * 6);
    expect(stats.hot / stats.updated).toBeGreaterThan(0.5);
  });
});
