/**
 * What the Arrow column builders share (arrow-columns.ts, arrow-dictionary.ts): their interface,
 * their options and the validity bitmap.
 */
import type { Data, DataType } from 'apache-arrow';
import type { ReportRow, TextBatch } from '../core/report/table.js';

/** Fills one column of a record batch. */
export interface ColumnBuilder {
  readonly type: DataType;
  /** Appends column `col` of `rows[from]` … `rows[to - 1]`. */
  append(rows: readonly ReportRow[], col: number, from: number, to: number): void;
  /** The same, from COPY text: the field bytes are read, no value is made. */
  appendText(batch: TextBatch, col: number, from: number, to: number): void;
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
export class Validity {
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
