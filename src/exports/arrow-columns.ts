/**
 * Column builders for the Arrow and Parquet writers: each fills typed arrays straight from the
 * rows, one column at a time (a monomorphic loop per type), and hands back Arrow `Data` over
 * them. Per-value builders (apache-arrow's `Builder`) cost several times more per value, and
 * exports are millions of values.
 *
 * A builder's arrays are reused from one record batch to the next: callers serialize each batch
 * (IPC bytes, copied) before appending the next rows. Dictionaries are the exception: their
 * values outlive a batch when they are shared across batches as deltas.
 */
import {
  Bool,
  Dictionary,
  Float64,
  Int32,
  Int64,
  TimestampMillisecond,
  Utf8,
  Vector,
  makeData,
  type Data,
  type DataType,
} from 'apache-arrow';
import type { ReportColumn, ReportRow } from '../core/report/table.js';
import { Utf8Buffer } from './utf8.js';

/** Fills one column of a record batch. */
export interface ColumnBuilder {
  readonly type: DataType;
  /** Appends column `col` of `rows[from]` … `rows[to - 1]`. */
  append(rows: readonly ReportRow[], col: number, from: number, to: number): void;
  /** The rows appended since the last call, as Data; the builder starts over. */
  finish(): Data;
}

export interface BuilderOptions {
  /** Rows per record batch: the capacity of every builder. */
  capacity: number;
  /**
   * Dictionary columns: true keeps one dictionary across batches and sends only new values as
   * deltas (an Arrow IPC stream); false starts each batch's dictionary afresh (self-contained
   * batches, as the Parquet writer converts them one at a time).
   */
  sharedDictionaries: boolean;
  /** A shared dictionary that grows past this many values is replaced by a fresh one. */
  dictionaryLimit: number;
}

/** Validity bits and null count, reset per batch. */
class Validity {
  bits: Uint8Array;
  nulls = 0;
  constructor(capacity: number) {
    this.bits = new Uint8Array(Math.ceil(capacity / 8));
  }
  /** The bitmap for `length` rows, or undefined when none is null (readers skip the checks). */
  take(length: number): Uint8Array | undefined {
    const bytes = Math.ceil(length / 8);
    const bitmap = this.nulls === 0 ? undefined : this.bits.slice(0, bytes);
    this.bits.fill(0, 0, bytes);
    this.nulls = 0;
    return bitmap;
  }
}

/** 64-bit integers (ints and epoch-ms timestamps) written as two 32-bit words, no BigInt. */
class Int64Builder implements ColumnBuilder {
  private words: Int32Array;
  private validity: Validity;
  private length = 0;
  constructor(
    readonly type: Int64 | TimestampMillisecond,
    capacity: number,
  ) {
    this.words = new Int32Array(capacity * 2);
    this.validity = new Validity(capacity);
  }
  append(rows: readonly ReportRow[], col: number, from: number, to: number): void {
    const { words } = this;
    const bits = this.validity.bits;
    let i = this.length;
    let nulls = 0;
    for (let r = from; r < to; r++, i++) {
      const v = rows[r]![col] as number | null;
      if (v === null) {
        nulls++;
        words[2 * i] = 0;
        words[2 * i + 1] = 0;
        continue;
      }
      bits[i >> 3]! |= 1 << (i & 7);
      // Storing into an Int32Array keeps the low 32 bits (ToInt32), exact for safe integers;
      // the floor division gives the high word, two's complement for negatives too.
      words[2 * i] = v;
      words[2 * i + 1] = Math.floor(v / 4_294_967_296);
    }
    this.length = i;
    this.validity.nulls += nulls;
  }
  finish(): Data {
    const length = this.length;
    this.length = 0;
    const nullCount = this.validity.nulls;
    const nullBitmap = this.validity.take(length);
    const data = new BigInt64Array(this.words.buffer, 0, length);
    // makeData is typed one type at a time; Int64 and Timestamp data are the same 64-bit words.
    return makeData({ type: this.type as Int64, length, nullCount, nullBitmap, data });
  }
}

class Float64Builder implements ColumnBuilder {
  readonly type = new Float64();
  private values: Float64Array;
  private validity: Validity;
  private length = 0;
  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
    this.validity = new Validity(capacity);
  }
  append(rows: readonly ReportRow[], col: number, from: number, to: number): void {
    const { values } = this;
    const bits = this.validity.bits;
    let i = this.length;
    let nulls = 0;
    for (let r = from; r < to; r++, i++) {
      const v = rows[r]![col] as number | null;
      if (v === null) {
        nulls++;
        values[i] = 0;
      } else {
        bits[i >> 3]! |= 1 << (i & 7);
        values[i] = v;
      }
    }
    this.length = i;
    this.validity.nulls += nulls;
  }
  finish(): Data {
    const length = this.length;
    this.length = 0;
    const nullCount = this.validity.nulls;
    const nullBitmap = this.validity.take(length);
    const data = this.values.subarray(0, length);
    return makeData({ type: this.type, length, nullCount, nullBitmap, data });
  }
}

class BoolBuilder implements ColumnBuilder {
  readonly type = new Bool();
  private values: Uint8Array;
  private validity: Validity;
  private length = 0;
  constructor(capacity: number) {
    this.values = new Uint8Array(Math.ceil(capacity / 8));
    this.validity = new Validity(capacity);
  }
  append(rows: readonly ReportRow[], col: number, from: number, to: number): void {
    const { values } = this;
    const bits = this.validity.bits;
    let i = this.length;
    let nulls = 0;
    for (let r = from; r < to; r++, i++) {
      const v = rows[r]![col];
      if (v === null) {
        nulls++;
        continue;
      }
      bits[i >> 3]! |= 1 << (i & 7);
      if (v === true) values[i >> 3]! |= 1 << (i & 7);
    }
    this.length = i;
    this.validity.nulls += nulls;
  }
  finish(): Data {
    const length = this.length;
    this.length = 0;
    const nullCount = this.validity.nulls;
    const nullBitmap = this.validity.take(length);
    const bytes = Math.ceil(length / 8);
    const data = this.values.slice(0, bytes);
    this.values.fill(0, 0, bytes);
    return makeData({ type: this.type, length, nullCount, nullBitmap, data });
  }
}

class Utf8Builder implements ColumnBuilder {
  readonly type = new Utf8();
  private strings: Utf8Buffer;
  private validity: Validity;
  private length = 0;
  constructor(capacity: number) {
    this.strings = new Utf8Buffer(capacity);
    this.validity = new Validity(capacity);
  }
  append(rows: readonly ReportRow[], col: number, from: number, to: number): void {
    const { strings } = this;
    const bits = this.validity.bits;
    let i = this.length;
    let nulls = 0;
    for (let r = from; r < to; r++, i++) {
      const v = rows[r]![col] as string | null;
      if (v === null) {
        nulls++;
        strings.offsets[i + 1] = strings.end;
      } else {
        bits[i >> 3]! |= 1 << (i & 7);
        strings.push(i, v);
      }
    }
    this.length = i;
    this.validity.nulls += nulls;
  }
  finish(): Data {
    const length = this.length;
    this.length = 0;
    const nullCount = this.validity.nulls;
    return this.strings.take(this.type, length, false, nullCount, this.validity.take(length));
  }
}

/**
 * Dictionary<Int32, Utf8>. Values are looked up in a Map; new ones are kept to be sent as the
 * batch's dictionary chunk. The dictionary Vector is the list of chunks so far: apache-arrow's
 * stream writer sends the chunks it has not sent as deltas, and a Vector whose first chunk
 * differs (after a reset) as a replacement.
 */
class DictionaryBuilder implements ColumnBuilder {
  readonly type: Dictionary<Utf8, Int32>;
  private indices: Int32Array;
  private validity: Validity;
  private length = 0;
  private lookup = new Map<string, number>();
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
        index = lookup.size;
        lookup.set(v, index);
        this.addFresh(v);
      }
      indices[i] = index;
    }
    this.length = i;
    this.validity.nulls += nulls;
  }
  private addFresh(v: string): void {
    if (this.freshCount + 1 >= this.fresh.offsets.length) {
      const offsets = new Int32Array(this.fresh.offsets.length * 2);
      offsets.set(this.fresh.offsets);
      this.fresh.offsets = offsets;
    }
    this.fresh.push(this.freshCount++, v);
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
    if (!this.options.sharedDictionaries || this.lookup.size > this.options.dictionaryLimit) {
      this.lookup = new Map();
      this.chunks = [];
    }
    return out;
  }
}

/** A builder for each column, dictionary ids numbered from 0 in column order. */
export function columnBuilders(
  columns: readonly ReportColumn[],
  options: BuilderOptions,
): ColumnBuilder[] {
  let nextId = 0;
  const { capacity } = options;
  return columns.map((column): ColumnBuilder => {
    switch (column.type) {
      case 'string':
        return column.dictionary
          ? new DictionaryBuilder(nextId++, capacity, options)
          : new Utf8Builder(capacity);
      case 'int':
        return new Int64Builder(new Int64(), capacity);
      case 'timestamp':
        return new Int64Builder(new TimestampMillisecond('UTC'), capacity);
      case 'float':
        return new Float64Builder(capacity);
      case 'bool':
        return new BoolBuilder(capacity);
    }
  });
}
