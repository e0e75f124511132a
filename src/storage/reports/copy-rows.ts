/**
 * Reads the rows of `COPY (…) TO STDOUT` (text format) into report rows, batch by batch: faster
 * than the driver's row parser (no Date objects, no per-row objects: instants arrive as epoch
 * milliseconds, see statements.ts), and the COPY stream's own back-pressure holds the server
 * when the consumer is slower.
 */
import { StringDecoder } from 'node:string_decoder';
import type { ColumnType, ReportRow, ReportValue } from '../../core/report/table.js';

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** A COPY text field without its escapes (`\\`, `\t`, `\n`, octal `\NNN`…). */
export function unescapeCopy(field: string): string {
  return field.replace(/\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))/g, (_m, oct, hex, ch) => {
    if (oct !== undefined) return String.fromCharCode(parseInt(oct as string, 8));
    if (hex !== undefined) return String.fromCharCode(parseInt(hex as string, 16));
    return ESCAPES[ch as string] ?? (ch as string);
  });
}

function valueOf(field: string, type: ColumnType): ReportValue {
  if (field === '\\N') return null;
  switch (type) {
    case 'string':
      return field.includes('\\') ? unescapeCopy(field) : field;
    case 'bool':
      return field === 't';
    case 'int':
    case 'float':
    case 'timestamp':
      return Number(field);
  }
}

/** One COPY text line (no newline) as a report row. */
export function copyLineRow(line: string, types: readonly ColumnType[]): ReportRow {
  const row: ReportRow = new Array<ReportValue>(types.length);
  let start = 0;
  for (let i = 0; i < types.length; i++) {
    let end = line.indexOf('\t', start);
    if (end === -1) end = line.length;
    row[i] = valueOf(line.slice(start, end), types[i]!);
    start = end + 1;
  }
  return row;
}

/** The rows of a COPY text stream in batches of at most `batchSize`. */
export async function* copyTextRows(
  chunks: AsyncIterable<Buffer>,
  types: readonly ColumnType[],
  batchSize: number,
): AsyncGenerator<ReportRow[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let batch: ReportRow[] = [];
  for await (const chunk of chunks) {
    const text = rest + decoder.write(chunk);
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end === -1) break;
      batch.push(copyLineRow(text.slice(start, end), types));
      start = end + 1;
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    rest = text.slice(start);
  }
  if (batch.length > 0) yield batch;
}
