/**
 * Fields of PostgreSQL's COPY text format (a `TextBatch`, table.ts) read straight from their
 * bytes: integers and floats without a string in between, booleans, and strings copied as UTF-8
 * bytes with COPY's backslash escapes undone. `textBatchRows` turns a batch into report rows for
 * the writers that need values (CSV and XLSX, which never see a server's batches in practice).
 *
 * COPY … TO (text) escapes a backslash as `\\`, and backspace, form feed, newline, carriage
 * return, tab and vertical tab as `\b \f \n \r \t \v`; `\N` alone is null. Reading also accepts
 * what COPY FROM does: `\NNN` octal and `\xHH` hex bytes, and any other character escaped as
 * itself.
 */
import {
  isTextBatch,
  type ColumnType,
  type ReportRow,
  type ReportValue,
  type RowBatch,
  type TextBatch,
} from './table.js';

const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

/** The byte a simple escape letter stands for (`n` → newline…); others stand for themselves. */
const SIMPLE = new Uint8Array(128);
for (let c = 0; c < 128; c++) SIMPLE[c] = c;
SIMPLE[0x62] = 0x08; // \b
SIMPLE[0x66] = 0x0c; // \f
SIMPLE[0x6e] = 0x0a; // \n
SIMPLE[0x72] = 0x0d; // \r
SIMPLE[0x74] = 0x09; // \t
SIMPLE[0x76] = 0x0b; // \v

const isOctal = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x37;
function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/** Where the escape read by the last `escapedByte` call ended (one past its last byte). */
export let escapeEnd = 0;

/** The byte of the escape whose backslash is at `k` (before `e`); sets `escapeEnd`. */
export function escapedByte(b: Uint8Array, k: number, e: number): number {
  const c = b[k + 1];
  if (k + 1 >= e || c === undefined) {
    // A trailing backslash (not produced by COPY): kept as it is.
    escapeEnd = k + 1;
    return BACKSLASH;
  }
  if (isOctal(c)) {
    let v = 0;
    let j = k + 1;
    for (; j < e && j < k + 4 && isOctal(b[j]); j++) v = v * 8 + (b[j]! - ZERO);
    escapeEnd = j;
    return v & 0xff;
  }
  if (c === 0x78 && hexValue(b[k + 2]) >= 0 && k + 2 < e) {
    let v = hexValue(b[k + 2]);
    let j = k + 3;
    if (j < e && hexValue(b[j]) >= 0) v = v * 16 + hexValue(b[j++]);
    escapeEnd = j;
    return v;
  }
  escapeEnd = k + 2;
  return c < 128 ? SIMPLE[c]! : c;
}

/** Copies a string field's bytes into `out` at `at`, escapes undone; returns the new end. */
export function copyFieldInto(b: Uint8Array, s: number, e: number, out: Uint8Array, at: number) {
  let p = at;
  for (let k = s; k < e;) {
    const c = b[k]!;
    if (c !== BACKSLASH) {
      out[p++] = c;
      k++;
    } else {
      out[p++] = escapedByte(b, k, e);
      k = escapeEnd;
    }
  }
  return p;
}

function ascii(b: Uint8Array, s: number, e: number): string {
  let text = '';
  for (let k = s; k < e; k++) text += String.fromCharCode(b[k]!);
  return text;
}

/** An integer field; exact for safe integers (longer digit strings are parsed by Number). */
export function textInt(b: Uint8Array, s: number, e: number): number {
  if (e - s > 15) return Number(ascii(b, s, e));
  let k = s;
  const negative = b[k] === MINUS;
  if (negative) k++;
  let v = 0;
  for (; k < e; k++) v = v * 10 + (b[k]! - ZERO);
  return negative ? -v : v;
}

const POWERS = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A float field. Plain decimals of at most 15 significant digits are computed as an integer
 * divided by a power of ten at most 10^22, both exact in a double, so the one rounding of the
 * division gives the correctly rounded value (Clinger's fast path); anything else (exponents,
 * longer digits, NaN, Infinity) goes through Number.
 */
export function textFloat(b: Uint8Array, s: number, e: number): number {
  let k = s;
  const negative = b[k] === MINUS;
  if (negative) k++;
  let v = 0;
  let digits = 0;
  let scale = -1;
  for (; k < e; k++) {
    const c = b[k]!;
    if (c === DOT && scale < 0) {
      scale = 0;
      continue;
    }
    const d = c - ZERO;
    if (d < 0 || d > 9) return Number(ascii(b, s, e));
    v = v * 10 + d;
    if (v !== 0) digits++;
    if (scale >= 0) scale++;
  }
  if (digits > 15 || scale > 22) return Number(ascii(b, s, e));
  const value = scale > 0 ? v / POWERS[scale]! : v;
  return negative ? -value : value;
}

const decoder = new TextDecoder();

/** A string field as a JS string, escapes undone. */
export function textString(b: Uint8Array, s: number, e: number): string {
  let plain = true;
  for (let k = s; k < e; k++) {
    if (b[k] === BACKSLASH) {
      plain = false;
      break;
    }
  }
  if (plain) return decoder.decode(b.subarray(s, e));
  const out = new Uint8Array(e - s);
  return decoder.decode(out.subarray(0, copyFieldInto(b, s, e, out, 0)));
}

/** One field as the value `ReportRow` holds for its column type. */
export function textValue(batch: TextBatch, index: number, type: ColumnType): ReportValue {
  const s = batch.starts[index]!;
  if (s < 0) return null;
  const e = batch.ends[index]!;
  const b = batch.bytes;
  switch (type) {
    case 'string':
      return textString(b, s, e);
    case 'bool':
      return b[s] === 0x74; // t
    case 'float':
      return textFloat(b, s, e);
    case 'int':
    case 'timestamp':
      return textInt(b, s, e);
  }
}

/** The batch as report rows (timestamps arrive as epoch milliseconds, statements.ts). */
export function textBatchRows(batch: TextBatch, types: readonly ColumnType[]): ReportRow[] {
  const rows = new Array<ReportRow>(batch.length);
  for (let r = 0; r < batch.length; r++) {
    const row = new Array<ReportValue>(batch.width);
    for (let c = 0; c < batch.width; c++) row[c] = textValue(batch, r * batch.width + c, types[c]!);
    rows[r] = row;
  }
  return rows;
}

/** A batch's rows as values: a text batch parsed, rows as they are. */
export function batchRows(batch: RowBatch, types: readonly ColumnType[]): ReportRow[] {
  return isTextBatch(batch) ? textBatchRows(batch, types) : batch;
}
