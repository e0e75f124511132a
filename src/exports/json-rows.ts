/**
 * Rows as JSON object text, shared by the JSON and NDJSON writers: keys in column order,
 * timestamps as ISO strings, everything else as JSON has it. Keys are encoded once per table,
 * values by a switch on the column's type rather than through JSON.stringify of a built object,
 * which would allocate an object per row.
 */
import type { ColumnType, ReportRow, ReportTable } from '../core/report/table.js';
import { isoTimestamp } from './text.js';

// What JSON.stringify would escape (quote, backslash, controls, surrogates): strings without any
// are quoted as they are, several times faster than a call into JSON.stringify.
// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const ESCAPES = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A function from a row to its JSON object text. */
export function rowToJson(table: ReportTable): (row: ReportRow) => string {
  const count = table.columns.length;
  const types: ColumnType[] = table.columns.map((c) => c.type);
  // Keys are fixed parts; join() then builds each row as one flat string (no rope for the GC).
  const parts = table.columns.flatMap((c, i) => [
    `${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`,
    '',
  ]);
  parts.push('}');
  if (count === 0) return () => '{}';
  return (row) => {
    for (let c = 0; c < count; c++) {
      const v = row[c];
      let text: string;
      if (v === null || v === undefined) text = 'null';
      else if (types[c] === 'timestamp') text = `"${isoTimestamp(v as number)}"`;
      else if (typeof v === 'string') text = ESCAPES.test(v) ? JSON.stringify(v) : `"${v}"`;
      else text = String(v);
      parts[2 * c + 1] = text;
    }
    return parts.join('');
  };
}
