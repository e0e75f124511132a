/**
 * A table as one JSON document, streamed: the header (report name, columns), the rows as they
 * are read, then the trailer (next cursor, row count), so a client reading the whole body gets
 * `{"report","columns","rows","next_cursor","row_count"}`.
 */
import { isTextBatch, type ReportTable, type RowBatches } from '../core/report/table.js';
import { JsonTextEncoder } from './json-text.js';
import { rowToJson } from './json-rows.js';
import type { ExportMeta } from './types.js';

/** The table as a JSON document. */
export async function* toJson(
  table: ReportTable,
  batches: RowBatches,
  meta: ExportMeta = {},
): AsyncGenerator<Uint8Array> {
  const columns = table.columns.map((c) => ({ name: c.name, type: c.type }));
  const header = `{"report":${JSON.stringify(table.name)},"columns":${JSON.stringify(columns)},"rows":[`;
  yield Buffer.from(header);
  const encode = rowToJson(table);
  const encodeText = new JsonTextEncoder(table, { between: ',' });
  let rowCount = 0;
  // for await closes the source when this generator is closed early.
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    if (isTextBatch(batch)) {
      yield encodeText.encode(batch, rowCount > 0);
      rowCount += batch.length;
      continue;
    }
    const text = batch.map(encode).join(',');
    yield Buffer.from(rowCount === 0 ? text : ',' + text);
    rowCount += batch.length;
  }
  yield Buffer.from(
    `],"next_cursor":${JSON.stringify(meta.nextCursor ?? null)},"row_count":${rowCount}}`,
  );
}
