/**
 * A table as newline-delimited JSON: one object per row per line, encoded as the JSON writer
 * encodes rows, and a last line `{"_trailer":true,"next_cursor","row_count"}` so a reader can
 * tell a complete body from a cut one.
 */
import { isTextBatch, type ReportTable, type RowBatches } from '../core/report/table.js';
import { JsonTextEncoder } from './json-text.js';
import { rowToJson } from './json-rows.js';
import type { ExportMeta } from './types.js';

/** The table as NDJSON. */
export async function* toNdjson(
  table: ReportTable,
  batches: RowBatches,
  meta: ExportMeta = {},
): AsyncGenerator<Uint8Array> {
  const encode = rowToJson(table);
  const encodeText = new JsonTextEncoder(table, { after: '\n' });
  let rowCount = 0;
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    if (isTextBatch(batch)) {
      yield encodeText.encode(batch);
      rowCount += batch.length;
      continue;
    }
    const lines = batch.map(encode);
    lines.push('');
    rowCount += batch.length;
    yield Buffer.from(lines.join('\n'));
  }
  const trailer = { _trailer: true, next_cursor: meta.nextCursor ?? null, row_count: rowCount };
  yield Buffer.from(JSON.stringify(trailer) + '\n');
}
