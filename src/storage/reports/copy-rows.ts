/**
 * Reads `COPY (…) TO STDOUT` (text format) into `TextBatch`es (core/report/table.ts): the bytes
 * of whole lines with each field's span, found in one pass over the bytes, and no row, string or
 * number made here. The writers read the fields they need straight from the bytes, so an export
 * of millions of rows leaves the JS heap nearly untouched (a row array and its strings per row
 * were what let V8 grow its young generation to the size `npm start` allows). The COPY stream's
 * own back-pressure holds the server while the consumer is slower.
 */
import type { TextBatch } from '../../core/report/table.js';

const TAB = 0x09;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const N = 0x4e;

/** Bytes gathered before a batch is parsed and handed over: about 400 ticket rows. */
export const TEXT_BATCH_BYTES = 64 * 1024;

/** Lines of COPY text and their fields' spans, in arrays reused from one batch to the next. */
class LineScanner {
  bytes = Buffer.allocUnsafe(2 * TEXT_BATCH_BYTES);
  length = 0;
  starts = new Int32Array(4096);
  ends = new Int32Array(4096);
  /** Bytes of the lines handed over in the last batch. */
  private consumed = 0;

  constructor(private width: number) {}

  append(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.bytes.length) {
      const next = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.length + chunk.length));
      this.bytes.copy(next, 0, 0, this.length);
      this.bytes = next;
    }
    this.bytes.set(chunk, this.length);
    this.length += chunk.length;
  }

  private room(fields: number): void {
    if (fields <= this.starts.length) return;
    const size = Math.max(fields, 2 * this.starts.length);
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }

  /** The complete lines gathered so far as a batch; undefined when there is none. */
  scan(): TextBatch | undefined {
    const { bytes, width } = this;
    let rows = 0;
    let field = 0;
    let start = 0;
    let done = 0;
    this.room(width);
    for (let k = 0; k < this.length; k++) {
      const c = bytes[k]!;
      if (c !== TAB && c !== NEWLINE) continue;
      if (field >= width) throw new Error(`COPY row with more than ${width} fields`);
      const at = rows * width + field;
      const isNull = k - start === 2 && bytes[start] === BACKSLASH && bytes[start + 1] === N;
      this.starts[at] = isNull ? -1 : start;
      this.ends[at] = k;
      field++;
      start = k + 1;
      if (c === NEWLINE) {
        if (field !== width) throw new Error(`COPY row with ${field} fields, not ${width}`);
        rows++;
        field = 0;
        done = start;
        this.room((rows + 1) * width);
      }
    }
    // The unfinished line's fields are scanned again with the next chunk.
    if (rows === 0) return undefined;
    const batch: TextBatch = {
      kind: 'text',
      length: rows,
      width,
      bytes,
      starts: this.starts,
      ends: this.ends,
    };
    this.consumed = done;
    return batch;
  }

  /** Drops the lines of the last batch, keeping the unfinished line. */
  shift(): void {
    if (this.consumed === 0) return;
    this.bytes.copy(this.bytes, 0, this.consumed, this.length);
    this.length -= this.consumed;
    this.consumed = 0;
  }
}

/** The rows of a COPY text stream of `width` columns, in batches of about 64 KB of text. */
export async function* copyTextBatches(
  chunks: AsyncIterable<Uint8Array>,
  width: number,
  batchBytes = TEXT_BATCH_BYTES,
): AsyncGenerator<TextBatch> {
  const scanner = new LineScanner(width);
  for await (const chunk of chunks) {
    scanner.append(chunk);
    if (scanner.length < batchBytes) continue;
    const batch = scanner.scan();
    if (batch === undefined) continue;
    yield batch;
    scanner.shift();
  }
  const last = scanner.scan();
  if (last !== undefined) yield last;
  scanner.shift();
  if (scanner.length > 0) throw new Error('COPY output ended inside a row');
}
