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

/** A table's rows as they are read: batches of bounded size, pulled one at a time. */
export type RowBatches = AsyncIterable<ReportRow[]>;
