/**
 * Regression guard: a `kill -9` of the service during a long NDJSON ingest loses no event whose
 * request was acknowledged and leaves no half-written batch.
 *
 * Input: 3 acknowledged JSON requests of 1,000 events, then an NDJSON stream of 100,000 events
 * (batches of 5,000) killed with SIGKILL after at least two batches were committed.
 * Expected: all 3,000 acknowledged events stored; of the stream, exactly the first k × 5,000
 * events (a whole number of batches, in order, no gaps) and nothing else.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import http from 'node:http';
import type { Kysely } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { DB } from '../../src/storage/schema.js';
import { openDatabase } from '../../src/storage/database.js';
import { createTestDatabase } from '../support/database.js';
import { killHard, startServer } from '../support/server-process.js';

const KEY = 'crash-test-admin-key-0123456789';
const STREAM_EVENTS = 100_000;
/** The server under test commits NDJSON in batches of this many lines. */
const NDJSON_BATCH_SIZE = 5_000;

function event(id: string, i: number) {
  return {
    id,
    type: 'ticket.created',
    ticket_id: `t-${i}`,
    occurred_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    data: { priority: 'normal', channel: 'email' },
  };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Where the child stores data, and how the test reads it back after the crash. */
async function storage() {
  if (inject('testDatabase').mode !== 'pglite') {
    const db = await createTestDatabase();
    cleanups.push(() => db.close());
    return { env: { DATABASE_URL: db.url! } as Record<string, string>, open: async () => db };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'dm-crash-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return {
    env: { DESKMETRICS_DATA_DIR: dir } as Record<string, string>,
    open: async () => {
      const db = await openDatabase({ dataDir: dir });
      cleanups.push(() => db.close());
      return db;
    },
  };
}

async function storedIds(open: () => Promise<{ db: Kysely<DB> }>) {
  const { db } = await open();
  const rows = await db.selectFrom('ticket_event').select('event_id').execute();
  return new Set(rows.map((r) => r.event_id));
}

describe('kill -9 during a long NDJSON ingest', () => {
  it('keeps every acknowledged event and only whole batches of the interrupted stream', async () => {
    const store = await storage();
    const server = await startServer({
      ...store.env,
      DESKMETRICS_BOOTSTRAP_KEY: KEY,
      DESKMETRICS_NDJSON_BATCH: String(NDJSON_BATCH_SIZE),
    });
    cleanups.push(() => killHard(server));
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

    for (let r = 0; r < 3; r += 1) {
      const body = Array.from({ length: 1000 }, (_, i) => event(`ack-${r}-${i}`, i));
      const res = await fetch(`${server.baseUrl}/v1/events`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { accepted: number }).accepted).toBe(1000);
    }

    const stream = new PassThrough();
    const request = http.request(`${server.baseUrl}/v1/events`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-ndjson' },
    });
    request.on('error', () => undefined); // the server dies mid-request: expected
    stream.pipe(request);
    let written = 0;
    const writeUpTo = async (n: number) => {
      for (; written < n; written += 1) {
        if (!stream.write(`${JSON.stringify(event(`nd-${written}`, written))}\n`)) {
          await new Promise((r) => stream.once('drain', r));
        }
      }
    };
    // Two and a half batches, then wait until the server has had time to commit two of them.
    await writeUpTo(NDJSON_BATCH_SIZE * 2.5);
    await new Promise((r) => setTimeout(r, 3000));
    await writeUpTo(NDJSON_BATCH_SIZE * 3.5);
    await killHard(server);
    stream.destroy();
    expect(written).toBeLessThan(STREAM_EVENTS);

    const ids = await storedIds(store.open);
    for (let r = 0; r < 3; r += 1) {
      for (let i = 0; i < 1000; i += 1) expect(ids.has(`ack-${r}-${i}`)).toBe(true);
    }
    const streamed = [...ids].filter((id) => id.startsWith('nd-')).length;
    expect(streamed % NDJSON_BATCH_SIZE).toBe(0);
    expect(streamed).toBeGreaterThanOrEqual(NDJSON_BATCH_SIZE);
    for (let i = 0; i < streamed; i += 1) expect(ids.has(`nd-${i}`)).toBe(true);
    expect(ids.size).toBe(3000 + streamed);
  });
});
