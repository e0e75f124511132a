/**
 * UTF-8 string data for Arrow columns: bytes and offsets filled straight from JS strings (short
 * strings encoded by hand, since TextEncoder's per-call cost outweighs its speed on them) or
 * copied from COPY text fields.
 */
import { makeData, type Utf8 } from 'apache-arrow';
import { copyFieldInto } from '../core/report/copy-text.js';

/** UTF-8 bytes and offsets of strings, growing as needed. */
export class Utf8Buffer {
  bytes: Uint8Array;
  offsets: Int32Array;
  end = 0;
  constructor(capacity: number, bytesHint = capacity * 16) {
    this.offsets = new Int32Array(capacity + 1);
    this.bytes = new Uint8Array(bytesHint);
  }

  /** Sets the offset after row `i` to the end of string `s`, appended. */
  push(i: number, s: string): void {
    const len = s.length;
    if (this.end + len * 3 > this.bytes.length) this.grow(len * 3);
    this.end = len > 64 ? this.encodeLong(s) : encodeShort(s, this.bytes, this.end);
    this.offsets[i + 1] = this.end;
  }

  /** Sets the offset after row `i` to the end of a COPY text field's bytes, unescaped. */
  pushField(i: number, b: Uint8Array, s: number, e: number): void {
    // Undoing escapes only shortens: the field's length is room enough.
    if (this.end + (e - s) > this.bytes.length) this.grow(e - s);
    this.end = copyFieldInto(b, s, e, this.bytes, this.end);
    this.offsets[i + 1] = this.end;
  }

  private encodeLong(s: string): number {
    return this.end + encoder.encodeInto(s, this.bytes.subarray(this.end)).written;
  }

  private grow(extra: number): void {
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.end + extra));
    next.set(this.bytes.subarray(0, this.end));
    this.bytes = next;
  }

  /**
   * Data over rows 0 … length-1; the buffer starts over. A view unless `copy`: only data that
   * outlives the batch (a dictionary chunk) needs its own memory.
   */
  take(type: Utf8, length: number, copy: boolean, nullCount = 0, nullBitmap?: Uint8Array) {
    const valueOffsets = copy
      ? this.offsets.slice(0, length + 1)
      : this.offsets.subarray(0, length + 1);
    const data = copy ? this.bytes.slice(0, this.end) : this.bytes.subarray(0, this.end);
    this.end = 0;
    return makeData({ type, length, nullCount, nullBitmap, valueOffsets, data });
  }
}

const encoder = new TextEncoder();

// Short strings are encoded inline: TextEncoder's call overhead outweighs its speed on them.
// Unpaired surrogates become U+FFFD, as TextEncoder has it.
function encodeShort(s: string, out: Uint8Array, at: number): number {
  let p = at;
  for (let k = 0; k < s.length; k++) {
    let c = s.charCodeAt(k);
    if (c < 0x80) out[p++] = c;
    else if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = s.charCodeAt(k + 1);
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          out[p++] = 0xf0 | (cp >> 18);
          out[p++] = 0x80 | ((cp >> 12) & 0x3f);
          out[p++] = 0x80 | ((cp >> 6) & 0x3f);
          out[p++] = 0x80 | (cp & 0x3f);
          k++;
          continue;
        }
        c = 0xfffd;
      }
      out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 0x3f);
      out[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p;
}
