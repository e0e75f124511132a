/**
 * A table as CSV (RFC 4180, UTF-8, comma, LF, header row), byte for byte what PostgreSQL's
 * `COPY (…) TO STDOUT (FORMAT csv, HEADER)` prints for the same rows when timestamps are
 * formatted `YYYY-MM-DD"T"HH24:MI:SS.MS"Z"` in UTC and booleans as `true`/`false`: on a server
 * the service streams that COPY, on the embedded database this writer, and a client must not be
 * able to tell which.
 *
 * COPY's rules, followed here: null is an empty unquoted field; a field is quoted (`"` doubled)
 * when it contains `,` `"` `\r` or `\n`, when it is empty (else it would read as null) and, in a
 * one-column table only, when it is `\.` (the end-of-data marker alone on a line).
 */
import type { ColumnType, ReportTable, ReportValue, RowBatches } from '../core/report/table.js';
import { batchRows } from '../core/report/copy-text.js';
import { isoTimestamp, pgFloat } from './text.js';
import type { ExportMeta } from './types.js';

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

function quoted(s: string): string {
  return `"${s.replace(QUOTE, '""')}"`;
}

/** A string field as COPY prints it. */
export function csvText(s: string, onlyColumn: boolean): string {
  if (s === '' || NEEDS_QUOTES.test(s) || (onlyColumn && s === '\\.')) return quoted(s);
  return s;
}

function field(type: ColumnType, v: ReportValue, onlyColumn: boolean): string {
  if (v === null) return '';
  switch (type) {
    case 'string':
      return csvText(v as string, onlyColumn);
    case 'timestamp':
      return isoTimestamp(v as number);
    case 'float':
      return pgFloat(v as number);
    case 'int':
    case 'bool':
      return String(v);
  }
}

/** The table as CSV. The meta (a cursor) has no place in CSV and is ignored. */
export async function* toCsv(
  table: ReportTable,
  batches: RowBatches,
  _meta?: ExportMeta,
): AsyncGenerator<Uint8Array> {
  const types = table.columns.map((c) => c.type);
  const count = types.length;
  const onlyColumn = count === 1;
  const fields = new Array<string>(count);
  yield Buffer.from(table.columns.map((c) => csvText(c.name, onlyColumn)).join(',') + '\n');
  for await (const rows of batches) {
    if (rows.length === 0) continue;
    const batch = batchRows(rows, types);
    // join() builds flat strings of known length; `+=` would build a rope per field for the GC.
    const lines = new Array<string>(batch.length + 1);
    for (let r = 0; r < batch.length; r++) {
      const row = batch[r]!;
      for (let c = 0; c < count; c++) fields[c] = field(types[c]!, row[c] ?? null, onlyColumn);
      lines[r] = fields.join(',');
    }
    lines[batch.length] = '';
    yield Buffer.from(lines.join('\n'));
  }
}
