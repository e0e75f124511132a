/**
 * The COPY baseline of bench/ingest: the same rows (validated and hashed beforehand, so the
 * baseline does none of that work) COPYed in text format into `bench_copy`, created `LIKE
 * ticket_event INCLUDING ALL` (same columns, defaults and indexes) in a fresh database — on Citus
 * distributed on `tenant_id` like `ticket_event`, so the coordinator routes the rows to the
 * workers' shards as it does the service's.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { prepareBatch } from '../../src/ingest/prepare.js';
import { openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrator.js';
import { createBenchDatabase, dropBenchDatabase, type Server } from '../citus/database.js';
import type { BenchEvent } from './generate.js';
import { chunks } from './send.js';

/** Each event's COPY line after the tenant id (the tenant's id is put in front per tenant). */
export function copyLines(events: readonly BenchEvent[]): string[] {
  const esc = (v: string) =>
    v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  const prepared = prepareBatch(
    events.map((raw, index) => ({ position: { index }, raw })),
    'envelope',
  );
  return prepared.events.map(({ row: r }) =>
    [
      esc(r.eventId),
      esc(r.ticketId),
      r.type,
      new Date(r.occurredAt).toISOString(),
      r.actorType,
      r.actorId === null ? '\\N' : esc(r.actorId),
      esc(r.dataJson),
      `\\\\x${r.contentHash}`,
    ].join('\t'),
  );
}

/** The COPY text of every tenant's copy of the events. */
export function copyText(lines: readonly string[], tenantIds: readonly string[]): Buffer {
  const parts: string[] = [];
  for (const tenantId of tenantIds) {
    for (const line of lines) parts.push(`${tenantId}\t${line}`);
  }
  return Buffer.from(`${parts.join('\n')}\n`);
}

/** Events per second of the COPY of `text` (`rows` rows) into a fresh database's bench_copy. */
export async function copyRun(server: Server, text: Buffer, rows: number): Promise<number> {
  const name = `dm_bench_${randomBytes(4).toString('hex')}`;
  const url = await createBenchDatabase(server, name);
  try {
    const database = await openDatabase({ url, poolSize: 1 });
    await migrate(database.db);
    await database.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('create table bench_copy (like ticket_event including all)');
      if (server.workers !== undefined) {
        await client.query(
          `select create_distributed_table('bench_copy', 'tenant_id', colocate_with => 'none')`,
        );
      }
      const t0 = performance.now();
      const sink = client.query(
        copyFrom(
          'copy bench_copy (tenant_id, event_id, ticket_id, type, occurred_at, actor_type, actor_id, data, content_hash) from stdin',
        ),
      );
      await pipeline(Readable.from(chunks(text)), sink);
      const seconds = (performance.now() - t0) / 1000;
      const { rows: counted } = await client.query<{ n: string }>(
        'select count(*) as n from bench_copy',
      );
      if (Number(counted[0]?.n) !== rows) throw new Error(`copied ${counted[0]?.n} of ${rows}`);
      return rows / seconds;
    } finally {
      await client.end();
    }
  } finally {
    await dropBenchDatabase(server, name);
  }
}
