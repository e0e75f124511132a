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
  Float64,
  Int64,
  TimestampMillisecond,
  Utf8,
  makeData,
  type Data,
} from 'apache-arrow';
import { textFloat, textInt } from '../core/report/copy-text.js';
import type { ReportColumn, ReportRow, TextBatch } from '../core/report/table.js';
import { Validity, type BuilderOptions, type ColumnBuilder } from './arrow-builder.js';
import { DictionaryBuilder } from './arrow-dictionary.js';
import { Utf8Buffer } from './utf8.js';

export type { BuilderOptions, ColumnBuilder } from './arrow-builder.js';

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
  appendText(batch: TextBatch, col: number, from: number, to: number): void {
    const { words } = this;
    const bits = this.validity.bits;
    const { bytes, starts, ends, width } = batch;
    let i = this.length;
    let nulls = 0;
    for (let r = from; r < to; r++, i++) {
      const s = starts[r * width + col]!;
      if (s < 0) {
        nulls++;
        words[2 * i] = 0;
        words[2 * i + 1] = 0;
        continue;
      }
      bits[i >> 3]! |= 1 << (i & 7);
      const v = textInt(bytes, s, ends[r * width + col]!);
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
  appendText(batch: TextBatch, col: number, from: number, to: number): void {
    const { values } = this;
    const bits = this.validity.bits;
    const { bytes, starts, ends, width } = batch;
    let i = this.length;
    let nulls = 0;
    for (let r = from; r < to; r++, i++) {
      const s = starts[r * width + col]!;
      if (s < 0) {
        nulls++;
        values[i] = 0;
      } else {
        bits[i >> 3]! |= 1 << (i & 7);
        values[i] = textFloat(bytes, s, ends[r * width + col]!);
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
  appendText(batch: TextBatch, col: number, from: number, to: number): void {
    const { values } = this;
    const bits = this.validity.bits;
    const { bytes, starts, width } = batch;
    let i = this.length;
    let nulls = 0;
    for (let r = from; r < to; r++, i++) {
      const s = starts[r * width + col]!;
      if (s < 0) {
        nulls++;
        continue;
      }
      bits[i >> 3]! |= 1 << (i & 7);
      if (bytes[s] === 0x74) values[i >> 3]! |= 1 << (i & 7); // t
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
  appendText(batch: TextBatch, col: number, from: number, to: number): void {
    const { strings } = this;
    const bits = this.validity.bits;
    const { bytes, starts, ends, width } = batch;
    let i = this.length;
    let nulls = 0;
    for (let r = from; r < to; r++, i++) {
      const s = starts[r * width + col]!;
      if (s < 0) {
        nulls++;
        strings.offsets[i + 1] = strings.end;
      } else {
        bits[i >> 3]! |= 1 << (i & 7);
        strings.pushField(i, bytes, s, ends[r * width + col]!);
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
