/**
 * Readers other than the ones that wrote the bytes, for the format tests: DuckDB for CSV and
 * Parquet, flechette for Arrow, SheetJS for XLSX. Each returns rows as the JSON format gives
 * them (timestamps as ISO text with milliseconds, numbers, booleans, null) and the column types
 * it read.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from '@uwdata/flechette';
import XLSX from 'xlsx';
import type { ReportColumn } from '../../src/core/report/table.js';

export type Row = Record<string, unknown>;

const DUCK_TYPES = {
  string: 'VARCHAR',
  int: 'BIGINT',
  float: 'DOUBLE',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
};

function normal(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return Number(v);
  return v;
}

async function withFile<T>(
  bytes: Uint8Array,
  ext: string,
  work: (file: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dm-decode-'));
  const file = join(dir, `data.${ext}`);
  try {
    await writeFile(file, bytes);
    return await work(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function duck(sql: string): Promise<{ rows: Row[]; types: Record<string, string> }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run("set TimeZone = 'UTC'");
    const reader = await conn.runAndReadAll(sql);
    const names = reader.columnNames();
    const types = Object.fromEntries(reader.columnTypes().map((t, i) => [names[i]!, t.toString()]));
    const rows = reader
      .getRowObjectsJS()
      .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, normal(v)])));
    return { rows, types };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** CSV read by DuckDB with the report's column types (header checked by name). */
export function decodeCsv(bytes: Uint8Array, columns: readonly ReportColumn[]) {
  const spec = columns.map((c) => `'${c.name}': '${DUCK_TYPES[c.type]}'`).join(', ');
  return withFile(bytes, 'csv', (file) =>
    duck(
      `select * from read_csv('${file}', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${spec}})`,
    ),
  );
}

/** Parquet read by DuckDB, with the types the file declares. */
export function decodeParquet(bytes: Uint8Array) {
  return withFile(bytes, 'parquet', (file) => duck(`select * from read_parquet('${file}')`));
}

/** An Arrow IPC stream read by flechette: rows, and each field's type as flechette reports it. */
export function decodeArrow(bytes: Uint8Array): {
  rows: Row[];
  fields: Array<{ name: string; type: Record<string, unknown> }>;
} {
  const table = tableFromIPC(bytes);
  const timestamps = new Set(
    table.schema.fields.filter((f) => f.type.typeId === 10).map((f) => f.name),
  );
  const rows = table
    .toArray()
    .map((r: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k,
          timestamps.has(k) && typeof v === 'number' ? new Date(v).toISOString() : normal(v),
        ]),
      ),
    );
  const fields = table.schema.fields.map((f) => ({
    name: f.name,
    type: f.type,
  }));
  return { rows, fields };
}

/** An XLSX workbook read by SheetJS: the first sheet's rows and the sheet names. */
export function decodeXlsx(bytes: Uint8Array): {
  rows: Row[];
  sheets: string[];
  frozen: unknown;
  definitions: Row[];
} {
  const book = XLSX.read(bytes, { type: 'buffer', cellDates: true });
  const first = book.Sheets[book.SheetNames[0]!]!;
  const rows = XLSX.utils
    .sheet_to_json<Row>(first, { defval: null, raw: true })
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, normal(v)])));
  const definitions =
    book.SheetNames[1] === undefined
      ? []
      : XLSX.utils.sheet_to_json<Row>(book.Sheets[book.SheetNames[1]]!, { defval: null });
  return {
    rows,
    sheets: book.SheetNames,
    frozen: (first as { '!freeze'?: unknown })['!freeze'],
    definitions,
  };
}
