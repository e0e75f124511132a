/**
 * What every export writer shares: its signature and the trailer it may be told about. A writer
 * turns one report table into bytes, pulling the next batch only when its consumer asks.
 */
import type { ReportTable, RowBatches } from '../core/report/table.js';

export interface ExportMeta {
  /** Where the next page starts (JSON and NDJSON trailers); null on the last page. */
  nextCursor?: string | null;
}

/**
 * A writer: an async iterable of byte chunks. Ending it early (`return()`) ends the source
 * iterator too, so the database cursor behind it closes.
 */
export type ExportWriter = (
  table: ReportTable,
  batches: RowBatches,
  meta?: ExportMeta,
) => AsyncIterable<Uint8Array>;
