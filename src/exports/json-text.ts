/**
 * Rows of COPY text (a `TextBatch`) as JSON object text, bytes to bytes: the same text the rows
 * path (json-rows.ts) makes from values — keys in column order, timestamps as ISO strings,
 * strings escaped as JSON.stringify escapes them, numbers and booleans as JSON has them — without
 * a row, a string or a number object per field. Integers are copied as PostgreSQL printed them;
 * floats are parsed and printed as JavaScript prints them, as the rows path does.
 */
import { escapedByte, escapeEnd, textFloat, textInt } from '../core/report/copy-text.js';
import type { ColumnType, ReportTable, TextBatch } from '../core/report/table.js';
import { isoTimestampInto } from './text.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** JSON.stringify's short escapes of control characters (0 where it uses \\u00XX). */
const SHORT = new Uint8Array(32);
SHORT[0x08] = 0x62; // \b
SHORT[0x09] = 0x74; // \t
SHORT[0x0a] = 0x6e; // \n
SHORT[0x0c] = 0x66; // \f
SHORT[0x0d] = 0x72; // \r
const HEX = Buffer.from('0123456789abcdef');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

/** A string field as a JSON string literal, COPY escapes undone and JSON's applied. */
function jsonStringInto(b: Uint8Array, s: number, e: number, out: Uint8Array, at: number) {
  let p = at;
  out[p++] = QUOTE;
  for (let k = s; k < e;) {
    let c = b[k]!;
    if (c === BACKSLASH) {
      c = escapedByte(b, k, e);
      k = escapeEnd;
    } else k++;
    if (c >= 0x20) {
      if (c === QUOTE || c === BACKSLASH) out[p++] = BACKSLASH;
      out[p++] = c;
    } else if (SHORT[c] !== 0) {
      out[p++] = BACKSLASH;
      out[p++] = SHORT[c]!;
    } else {
      out[p++] = BACKSLASH;
      out[p++] = 0x75; // u
      out[p++] = 0x30;
      out[p++] = 0x30;
      out[p++] = HEX[c >> 4]!;
      out[p++] = HEX[c & 15]!;
    }
  }
  out[p++] = QUOTE;
  return p;
}

function asciiInto(text: string, out: Uint8Array, at: number): number {
  let p = at;
  for (let k = 0; k < text.length; k++) out[p++] = text.charCodeAt(k);
  return p;
}

/** Writes each batch's rows as JSON objects into one buffer, a separator between rows. */
export class JsonTextEncoder {
  private keys: Buffer[];
  private types: ColumnType[];
  private keyBytes: number;
  /** Reused from batch to batch; each batch's text is copied out at its exact length. */
  private scratch = Buffer.alloc(0);

  /** `between` goes between two rows (JSON: `,`), `after` after each row (NDJSON: `\n`). */
  constructor(
    table: ReportTable,
    private separators: { between?: string; after?: string },
  ) {
    this.keys = table.columns.map((c, i) =>
      Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(c.name)}:`),
    );
    this.types = table.columns.map((c) => c.type);
    this.keyBytes = this.keys.reduce((n, k) => n + k.length, 0) + 4;
  }

  /** The batch's rows as JSON text, with the separators (`between` first too when `lead`). */
  encode(batch: TextBatch, lead = false): Buffer {
    const { bytes, starts, ends, width } = batch;
    const { keys, types } = this;
    const between = this.separators.between?.charCodeAt(0);
    const after = this.separators.after?.charCodeAt(0);
    // Room for the worst case: every byte a \u00XX escape, every field a timestamp.
    const room = batch.length * (this.keyBytes + 32 * width) + 6 * span(batch);
    if (this.scratch.length < room) this.scratch = Buffer.allocUnsafe(Math.max(room, 1 << 20));
    const out = this.scratch;
    let p = 0;
    for (let r = 0; r < batch.length; r++) {
      if (between !== undefined && (r > 0 || lead)) out[p++] = between;
      for (let c = 0; c < width; c++) {
        p += keys[c]!.copy(out, p);
        const s = starts[r * width + c]!;
        if (s < 0) {
          p += NULL.copy(out, p);
          continue;
        }
        const e = ends[r * width + c]!;
        p = this.valueInto(types[c]!, bytes, s, e, out, p);
      }
      out[p++] = 0x7d; // }
      if (after !== undefined) out[p++] = after;
    }
    return Buffer.from(out.subarray(0, p));
  }

  private valueInto(type: ColumnType, b: Uint8Array, s: number, e: number, out: Buffer, p: number) {
    switch (type) {
      case 'string':
        return jsonStringInto(b, s, e, out, p);
      case 'int':
        for (let k = s; k < e; k++) out[p++] = b[k]!;
        return p;
      case 'timestamp':
        out[p++] = QUOTE;
        p = isoTimestampInto(textInt(b, s, e), out, p);
        out[p++] = QUOTE;
        return p;
      case 'float':
        return asciiInto(String(textFloat(b, s, e)), out, p);
      case 'bool':
        return p + (b[s] === 0x74 ? TRUE : FALSE).copy(out, p);
    }
  }
}

/** Bytes from the batch's first field to its last (a null first field is the 2 bytes `\N`). */
function span(batch: TextBatch): number {
  if (batch.length === 0) return 0;
  const first = batch.starts[0]! >= 0 ? batch.starts[0]! : batch.ends[0]! - 2;
  return batch.ends[batch.length * batch.width - 1]! - first;
}
