/**
 * Reports stream: a client that reads slowly holds the database read back (rows are produced as
 * they are taken), and a client that goes away ends the read — the server's COPY is cancelled,
 * and the connection (the embedded database's only one) serves other requests again at once.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let base: string;
const ROWS = 200_000;

beforeAll(async () => {
  t = await createTestApp({ logger: { level: 'error' } });
  // Rows straight into the table: this test is about streaming, not about the fold.
  await sql`
    insert into ticket (tenant_id, ticket_id, derived, status, priority, channel, team,
      created_at, deleted, last_occurred_at, rev)
    select ${t.tenantId}::uuid, 'T-' || lpad(i::text, 7, '0'),
      json_build_object('exists', true, 'touches', i % 5, 'via', 'customer', 'tier', 1),
      'open', 'normal', 'email', 'L' || (i % 3), timestamptz '2026-01-01' + i * interval '1 minute',
      false, timestamptz '2026-01-02', pg_current_xact_id()
    from generate_series(1, ${ROWS}) i`.execute(t.database.db);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => t.close());

/** Reads the first chunk of the body, then drops the connection. */
function readFirstChunkThenHangUp(path: string): Promise<{ status: number; first: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers: t.auth('reports:read') }, (res) => {
      res.once('data', (chunk: Buffer) => {
        resolve({ status: res.statusCode ?? 0, first: chunk.toString('utf8', 0, 200) });
        req.destroy();
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') reject(error);
    });
    req.end();
  });
}

async function runningReportReads(): Promise<number> {
  if (t.database.kind !== 'postgres') return 0;
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid()
      and (query ilike 'copy (%' or query ilike 'declare report_rows%' or query ilike 'fetch forward%')
      and state = 'active'`.execute(t.database.db);
  return Number(rows[0]!.n);
}

describe('streaming reports', () => {
  it('a client that hangs up ends the read, and the database serves others at once', async () => {
    for (const format of ['csv', 'arrow', 'ndjson']) {
      const { status, first } = await readFirstChunkThenHangUp(
        `/v1/reports/tickets?format=${format}`,
      );
      expect(status).toBe(200);
      expect(first.length).toBeGreaterThan(0);
      const deadline = Date.now() + 10_000;
      while ((await runningReportReads()) > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await runningReportReads(), format).toBe(0);
      const started = Date.now();
      const res = await t.app.inject({
        method: 'GET',
        url: '/v1/kpis/volume?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z',
        headers: t.auth('reports:read'),
      });
      expect(res.statusCode).toBe(200);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });

  it('a whole pull still has every row', async () => {
    const res = await fetch(`${base}/v1/reports/tickets?format=csv&team=L1`, {
      headers: t.auth('reports:read'),
    });
    const text = await res.text();
    expect(text.trimEnd().split('\n').length).toBe(
      1 + Math.floor(ROWS / 3) + (ROWS % 3 >= 1 ? 1 : 0),
    );
  });
});

/** The whole answer to a GET: its status, its body, and whether it ended cleanly. */
function pull(path: string): Promise<{ status: number; body: string; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers: t.auth('reports:read') }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      const done = (complete: boolean) => () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          complete,
        });
      res.on('end', done(true));
      res.on('error', done(false));
      res.on('aborted', done(false));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A ticket whose derived record cannot be read as the report reads it: its SQL fails there. */
async function withUnreadableTicket(
  ticketId: string,
  team: string,
  run: () => Promise<void>,
): Promise<void> {
  await sql`
    insert into ticket (tenant_id, ticket_id, derived, status, priority, channel, team,
      created_at, deleted, last_occurred_at, rev)
    values (${t.tenantId}::uuid, ${ticketId}, '{"exists": true, "tier": "not a number"}',
      'open', 'normal', 'email', ${team}, timestamptz '2026-01-01', false, timestamptz '2026-01-02',
      pg_current_xact_id())`.execute(t.database.db);
  try {
    await run();
  } finally {
    await sql`delete from ticket where tenant_id = ${t.tenantId}::uuid
      and ticket_id = ${ticketId}`.execute(t.database.db);
  }
}

describe('a report whose SQL fails', () => {
  const FORMATS = ['json', 'csv', 'ndjson', 'arrow', 'parquet'];

  it('on its first rows answers an error, not a 200 cut short after its header', async () => {
    // The only ticket of its team: the report's very first row.
    await withUnreadableTicket('T-X', 'LX', async () => {
      for (const format of FORMATS) {
        const res = await pull(`/v1/reports/tickets?format=${format}&team=LX`);
        expect({ format, status: res.status }).toEqual({ format, status: 500 });
        expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'internal_error' } });
        expect(res.body).not.toMatch(/not a number|integer|select/i);
      }
    });
    // The read was closed: the next report answers in full.
    const after = await pull('/v1/reports/tickets?format=csv&team=L2');
    expect(after).toMatchObject({ status: 200, complete: true });
  });

  it('after rows were sent breaks the connection: the client never sees a whole file', async () => {
    // Stored after the 200,000 others: the scan meets it last.
    await withUnreadableTicket('T-Y', 'L1', async () => {
      // Each pull reads all 200,000 rows: one format on the embedded database, whose reads are slow.
      const formats = t.database.kind === 'postgres' ? ['json', 'csv', 'ndjson'] : ['ndjson'];
      for (const format of formats) {
        const res = await pull(`/v1/reports/tickets?format=${format}`);
        // A Citus coordinator gathers a worker's rows before it sends any: its error comes first.
        if (res.status === 500) {
          expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'internal_error' } });
          continue;
        }
        expect(res.status).toBe(200);
        expect(res.complete, format).toBe(false);
        expect(res.body.length).toBeGreaterThan(0);
      }
    });
  });
});
