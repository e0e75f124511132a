/**
 * The export formats by name: each one's writer, MIME type and file extension, for the HTTP
 * layer to pick from (`?format=` or the Accept header) and to name the download.
 */
import { toArrow } from './arrow.js';
import { toCsv } from './csv.js';
import { toJson } from './json.js';
import { toNdjson } from './ndjson.js';
import { toParquet } from './parquet.js';
import type { ExportWriter } from './types.js';
import { toXlsx } from './xlsx.js';

export type { ExportMeta, ExportWriter } from './types.js';

export interface ExportFormat {
  write: ExportWriter;
  mimeType: string;
  /** Without the dot. */
  extension: string;
}

export const EXPORT_FORMATS = {
  json: { write: toJson, mimeType: 'application/json', extension: 'json' },
  ndjson: { write: toNdjson, mimeType: 'application/x-ndjson', extension: 'ndjson' },
  csv: { write: toCsv, mimeType: 'text/csv; charset=utf-8; header=present', extension: 'csv' },
  // The IPC stream format (not the file format) has its own media type and extension.
  arrow: { write: toArrow, mimeType: 'application/vnd.apache.arrow.stream', extension: 'arrows' },
  parquet: { write: toParquet, mimeType: 'application/vnd.apache.parquet', extension: 'parquet' },
  xlsx: {
    write: toXlsx,
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: 'xlsx',
  },
} as const satisfies Record<string, ExportFormat>;

export type ExportFormatName = keyof typeof EXPORT_FORMATS;

export const EXPORT_FORMAT_NAMES = Object.keys(EXPORT_FORMATS) as ExportFormatName[];

/** The format of a name, or undefined for an unknown one. */
export function exportFormat(name: string): ExportFormat | undefined {
  return Object.hasOwn(EXPORT_FORMATS, name) ? EXPORT_FORMATS[name as ExportFormatName] : undefined;
}
