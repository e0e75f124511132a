/**
 * The one tabular shape every report and export produces (ARCHITECTURE.md: `reporting/` makes
 * tables, `exports/` turns them into bytes). A table is its columns, typed, and its rows in
 * batches: each row an array of values in column order.
 *
 * Values by column type: `string` → string, `int` → a safe integer, `float` → a finite number,
 * `bool` → boolean, `timestamp` → epoch milliseconds (UTC); `null` in any nullable column.
 */
export type ColumnType = 'string' | 'int' | 'float' | 'bool' | 'timestamp';

export interface ReportColumn {
  /** snake_case, the same in every format. */
  name: string;
  type: ColumnType;
  nullable: boolean;
  /** A string column with few distinct values: dictionary-encoded in Arrow and Parquet. */
  dictionary?: boolean;
  /** One sentence stating what the column holds (docs, the XLSX definitions sheet, OpenAPI). */
  description: string;
}

export interface ReportTable {
  /** The report's name (`tickets`, `sla-instances`, `agent-productivity`…). */
  name: string;
  columns: readonly ReportColumn[];
}

export type ReportValue = string | number | boolean | null;
export type ReportRow = ReportValue[];

/**
 * Rows still in PostgreSQL's COPY text form, as storage reads them from a server: the bytes of
 * whole lines and where each field lies. Writers that can turn a field's bytes into their own
 * bytes (Arrow, Parquet, JSON, NDJSON) never build a row or a string from it, which keeps an
 * export of millions of rows from churning the JS heap; the others call `textBatchRows`
 * (copy-text.ts). The arrays are reused for the next batch: a batch is valid only until the next
 * one is asked for.
 */
export interface TextBatch {
  readonly kind: 'text';
  /** Rows in the batch. */
  readonly length: number;
  /** Fields per row: the table's column count. */
  readonly width: number;
  /** UTF-8, with COPY's backslash escapes (`\\`, `\t`, `\n`…) in string fields. */
  readonly bytes: Uint8Array;
  /** Field `c` of row `r` is `bytes[starts[r * width + c] … ends[r * width + c])`; -1: null. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

/** A batch of rows: values in arrays, or COPY text not yet parsed. */
export type RowBatch = ReportRow[] | TextBatch;

export function isTextBatch(batch: RowBatch): batch is TextBatch {
  return !Array.isArray(batch);
}

/** A table's rows as they are read: batches of bounded size, pulled one at a time. */
export type RowBatches = AsyncIterable<RowBatch>;
