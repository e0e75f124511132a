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

/** `source` with its first chunk already produced (errors surface before the status is sent). */
export async function started(source: AsyncIterable<Uint8Array>): Promise<Readable> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  async function* all(): AsyncGenerator<Uint8Array> {
    let done = false;
    try {
      if (first.done === true) return;
      yield first.value;
      for (;;) {
        const next = await it.next();
        if (next.done === true) break;
        yield next.value;
      }
      done = true;
    } finally {
      if (!done) await it.return?.();
    }
  }
  return Readable.from(all(), { objectMode: false });
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
