import { Dictionary, Int32, Utf8, Vector, makeData, type Data } from 'apache-arrow';
import type { ReportRow, TextBatch } from '../core/report/table.js';
import { Validity, type BuilderOptions, type ColumnBuilder } from './arrow-builder.js';
import { Utf8Buffer } from './utf8.js';

/**
 * Dictionary<Int32, Utf8>. Values are looked up in a Map (COPY text fields by their raw bytes read
 * as Latin-1, a string that is one-to-one with the bytes, so no UTF-8 decoding); new ones are kept to be sent as the
 * batch's dictionary chunk. The dictionary Vector is the list of chunks so far: apache-arrow's
 * stream writer sends the chunks it has not sent as deltas, and a Vector whose first chunk
 * differs (after a reset) as a replacement.
 */
export class DictionaryBuilder implements ColumnBuilder {
  readonly type: Dictionary<Utf8, Int32>;
  private indices: Int32Array;
  private validity: Validity;
  private length = 0;
  private lookup = new Map<string, number>();
  /** Keys: a COPY text field's raw bytes as Latin-1. */
  private textLookup = new Map<string, number>();
  private count = 0;
  private chunks: Data<Utf8>[] = [];
  private fresh: Utf8Buffer;
  private freshCount = 0;
  constructor(
    id: number,
    capacity: number,
    private options: BuilderOptions,
  ) {
    this.type = new Dictionary(new Utf8(), new Int32(), id);
    this.indices = new Int32Array(capacity);
    this.validity = new Validity(capacity);
    this.fresh = new Utf8Buffer(Math.min(capacity, options.dictionaryLimit) + 1, 4096);
  }
  append(rows: readonly ReportRow[], col: number, from: number, to: number): void {
    const { indices, lookup } = this;
    const bits = this.validity.bits;
    let i = this.length;
    let nulls = 0;
    for (let r = from; r < to; r++, i++) {
      const v = rows[r]![col] as string | null;
      if (v === null) {
        nulls++;
        indices[i] = 0;
        continue;
      }
      bits[i >> 3]! |= 1 << (i & 7);
      let index = lookup.get(v);
      if (index === undefined) {
        index = this.count++;
        lookup.set(v, index);
        this.roomForFresh();
        this.fresh.push(this.freshCount++, v);
      }
      indices[i] = index;
    }
    this.length = i;
    this.validity.nulls += nulls;
  }
  appendText(batch: TextBatch, col: number, from: number, to: number): void {
    const { indices, textLookup } = this;
    const bits = this.validity.bits;
    const { starts, ends, width } = batch;
    const bytes = Buffer.isBuffer(batch.bytes)
      ? batch.bytes
      : Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength);
    let i = this.length;
    let nulls = 0;
    for (let r = from; r < to; r++, i++) {
      const s = starts[r * width + col]!;
      if (s < 0) {
        nulls++;
        indices[i] = 0;
        continue;
      }
      bits[i >> 3]! |= 1 << (i & 7);
      const e = ends[r * width + col]!;
      const key = bytes.toString('latin1', s, e);
      let index = textLookup.get(key);
      if (index === undefined) {
        index = this.count++;
        textLookup.set(key, index);
        this.roomForFresh();
        this.fresh.pushField(this.freshCount++, bytes, s, e);
      }
      indices[i] = index;
    }
    this.length = i;
    this.validity.nulls += nulls;
  }
  private roomForFresh(): void {
    if (this.freshCount + 1 >= this.fresh.offsets.length) {
      const offsets = new Int32Array(this.fresh.offsets.length * 2);
      offsets.set(this.fresh.offsets);
      this.fresh.offsets = offsets;
    }
  }
  finish(): Data {
    const length = this.length;
    this.length = 0;
    const nullCount = this.validity.nulls;
    const nullBitmap = this.validity.take(length);
    // The first batch sends a dictionary even when empty: a reader needs one for every id.
    if (this.freshCount > 0 || this.chunks.length === 0) {
      this.chunks.push(this.fresh.take(new Utf8(), this.freshCount, true));
      this.freshCount = 0;
    }
    const dictionary = new Vector(this.chunks);
    const data = this.indices.subarray(0, length);
    const out = makeData({ type: this.type, length, nullCount, nullBitmap, data, dictionary });
    if (!this.options.sharedDictionaries || this.count > this.options.dictionaryLimit) {
      this.lookup = new Map();
      this.textLookup = new Map();
      this.count = 0;
      this.chunks = [];
    }
    return out;
  }
}
