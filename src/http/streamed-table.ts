/**
 * A table's bytes as a response (reports, the HR export, the audit log): the first chunk produced
 * before the status is sent — so a failing query is still an error response, not a truncated
 * 200 — then streamed as the client reads, with the format's content type and a file name.
 */
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { ReportRow } from '../core/report/table.js';
import { contentType, extensionOf } from './formats.js';

/**
 * `source` with its first `count` items already pulled (or all of them, when it has fewer), so an
 * error that comes with them surfaces now, before a status is sent. Ending the result early ends
 * `source` too.
 */
export async function prefetched<T>(
  source: AsyncIterable<T>,
  count = 1,
): Promise<AsyncIterable<T>> {
  const it = source[Symbol.asyncIterator]();
  const ahead: T[] = [];
  let ended = false;
  try {
    while (ahead.length < count) {
      const next = await it.next();
      if (next.done === true) {
        ended = true;
        break;
      }
      ahead.push(next.value);
    }
  } catch (error) {
    await it.return?.().catch(() => undefined);
    throw error;
  }
  async function* all(): AsyncGenerator<T> {
    let done = ended;
    try {
      yield* ahead;
      while (!done) {
        const next = await it.next();
        if (next.done === true) done = true;
        else yield next.value;
      }
    } finally {
      if (!done) await it.return?.();
    }
  }
  return all();
}

/**
 * `source` with its first chunk already produced (errors surface before the status is sent). A
 * writer's first chunk may be a header written before any row was read: give it a row source
 * that is itself `prefetched`, so a query that fails on its first rows fails here.
 */
export async function started(source: AsyncIterable<Uint8Array>, chunks = 1): Promise<Readable> {
  return Readable.from(await prefetched(source, chunks), { objectMode: false });
}

export function attach(reply: FastifyReply, format: string, fileStem: string, body: Readable) {
  return reply
    .header('content-type', contentType(format))
    .header('content-disposition', `attachment; filename="${fileStem}.${extensionOf(format)}"`)
    .header('cache-control', 'private, no-store')
    .send(body);
}

/** The JSON format's body (src/exports/json.ts); the other formats are bytes. */
const JSON_BODY = Type.Object({
  report: Type.String(),
  columns: Type.Array(
    Type.Object({
      name: Type.String(),
      type: Type.String({ enum: ['string', 'int', 'float', 'bool', 'timestamp'] }),
    }),
  ),
  rows: Type.Array(Type.Object({}, { additionalProperties: true, description: 'column → value' })),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
  row_count: Type.Integer({ minimum: 0 }),
});

export const STREAM_RESPONSE = (formats: readonly string[], what: string) => ({
  description: `${what}, streamed in the format asked for (${formats.join(', ')})`,
  content: Object.fromEntries(
    formats.map((f) => [
      contentType(f).split(';')[0]!,
      {
        schema:
          f === 'json'
            ? JSON_BODY
            : ['arrow', 'parquet', 'xlsx'].includes(f)
              ? { type: 'string', format: 'binary' }
              : { type: 'string' },
      },
    ]),
  ),
});

/** Rows already in memory (the HR export: agents × periods) as writer batches. */
export async function* batchesOf(rows: readonly ReportRow[]): AsyncGenerator<ReportRow[]> {
  for (let i = 0; i < rows.length; i += 4096) yield rows.slice(i, i + 4096);
}
