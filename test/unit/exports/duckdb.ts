/**
 * DuckDB as the independent reader of the CSV and Parquet exports: bytes go to a temporary
 * file, DuckDB reads it, rows come back as the JSON writer has them (timestamps as ISO text with
 * milliseconds, BIGINT as numbers) with the column types DuckDB saw.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { JsonRow } from './fixture.js';

export interface DuckResult {
  rows: JsonRow[];
  /** Column name → DuckDB type (`BIGINT`, `TIMESTAMP WITH TIME ZONE`…). */
  types: Record<string, string>;
}

function jsonValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return Number(v);
  return v as string | number | boolean;
}

export class Duck {
  private constructor(
    private connection: DuckDBConnection,
    private dir: string,
    private files = 0,
  ) {}

  static async open(): Promise<Duck> {
    const instance = await DuckDBInstance.create(':memory:');
    return new Duck(await instance.connect(), await mkdtemp(join(tmpdir(), 'dm-exports-')));
  }

  /** Writes `bytes` to a file, returns its path (quoted for SQL). */
  async file(bytes: Uint8Array, extension: string): Promise<string> {
    const path = join(this.dir, `${++this.files}.${extension}`);
    await writeFile(path, bytes);
    return `'${path}'`;
  }

  async query(sql: string): Promise<DuckResult> {
    const reader = await this.connection.runAndReadAll(sql);
    const names = reader.columnNames();
    const types = Object.fromEntries(names.map((n, i) => [n, String(reader.columnTypes()[i])]));
    const rows = reader
      .getRowObjectsJS()
      .map((r) => Object.fromEntries(names.map((n) => [n, jsonValue(r[n])])));
    return { rows, types };
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    await rm(this.dir, { recursive: true, force: true });
  }
}
