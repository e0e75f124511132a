/**
 * The Parquet writer: read by DuckDB equal to the JSON writer's rows, with the column types asked
 * for (TIMESTAMP WITH TIME ZONE, BIGINT, DOUBLE, BOOLEAN, VARCHAR), row groups of at most
 * PARQUET_ROW_GROUP_ROWS (32,768) rows, compressed, dictionary-encoded where marked; bytes out before the source is read
 * to the end (a row group at a time); and a valid file for an empty table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARQUET_ROW_GROUP_ROWS, toParquet } from '../../../src/exports/parquet.js';
import { Duck } from './duckdb.js';
import {
  LARGE,
  TABLE,
  WatchedSource,
  collect,
  fixtureRows,
  inBatches,
  jsonRows,
  noRows,
} from './fixture.js';

let duck: Duck;
beforeAll(async () => {
  duck = await Duck.open();
});
afterAll(() => duck.close());

const TYPES = {
  id: 'BIGINT',
  label: 'VARCHAR',
  status: 'VARCHAR',
  created_at: 'TIMESTAMP WITH TIME ZONE',
  closed_at: 'TIMESTAMP WITH TIME ZONE',
  score: 'DOUBLE',
  flag: 'BOOLEAN',
  amount: 'BIGINT',
};

describe('Parquet writer', () => {
  let rows: ReturnType<typeof fixtureRows>;
  let file: string;
  beforeAll(async () => {
    rows = fixtureRows(LARGE);
    file = await duck.file(await collect(toParquet(TABLE, inBatches(rows))), 'parquet');
  });

  it('is read by DuckDB as the JSON writer’s rows, with the types asked for', async () => {
    const read = await duck.query(`select * from read_parquet(${file})`);
    expect(read.types).toEqual(TYPES);
    expect(read.rows).toEqual(await jsonRows(rows));
  });

  it('writes compressed row groups of at most PARQUET_ROW_GROUP_ROWS rows, dictionaries where marked', async () => {
    const { rows: chunks } = await duck.query(
      `select row_group_id, row_group_num_rows, path_in_schema, compression, encodings
        from parquet_metadata(${file}) order by row_group_id, column_id`,
    );
    const groups = [...new Set(chunks.map((c) => c.row_group_id))];
    const sizes = groups.map((g) => chunks.find((c) => c.row_group_id === g)!.row_group_num_rows);
    const full = Math.floor(rows.length / PARQUET_ROW_GROUP_ROWS);
    expect(full).toBeGreaterThan(1);
    expect(sizes).toEqual([
      ...Array<number>(full).fill(PARQUET_ROW_GROUP_ROWS),
      rows.length - full * PARQUET_ROW_GROUP_ROWS,
    ]);
    for (const c of chunks) expect(c.compression).toBe('SNAPPY');
    const encodings = (name: string) =>
      chunks.filter((c) => c.path_in_schema === name).map((c) => c.encodings);
    for (const e of encodings('status')) expect(e).toContain('RLE_DICTIONARY');
    for (const e of encodings('label')) expect(e).not.toContain('DICTIONARY');
    const { rows: schema } = await duck.query(
      `select name, type, logical_type from parquet_schema(${file}) where name = 'created_at'`,
    );
    expect(schema[0]!.type).toBe('INT64');
    expect(schema[0]!.logical_type).toMatch(
      /TimestampType\(isAdjustedToUTC=1, unit=TimeUnit\(MILLIS=/,
    );
  });

  it('emits each row group before reading the rows after it', async () => {
    const source = new WatchedSource(fixtureRows(LARGE), 5_000);
    const iterator = toParquet(TABLE, source, {}, { rowGroupRows: 25_000 })[Symbol.asyncIterator]();
    const chunks: Uint8Array[] = [];
    let next = await iterator.next();
    // The first group of 25,000 rows is 5 batches of 5,000; the writer reads ahead by a record
    // batch (12,500 rows) at most, never the whole table.
    expect(source.pulled).toBeLessThanOrEqual(8);
    for (; !next.done; next = await iterator.next()) chunks.push(next.value);
    expect(chunks.length).toBeGreaterThan(1);
    expect(source.closed).toBe(true);
    // Groups that do not end on a batch boundary still hold the right rows.
    const path = await duck.file(Buffer.concat(chunks), 'parquet');
    const read = await duck.query(`select * from read_parquet(${path})`);
    expect(read.rows).toEqual(await jsonRows(fixtureRows(LARGE)));
  });

  it('writes an empty table as a valid file with the schema and no rows', async () => {
    const empty = await duck.file(await collect(toParquet(TABLE, noRows())), 'parquet');
    const read = await duck.query(`select * from read_parquet(${empty})`);
    expect(read.rows).toEqual([]);
    expect(read.types).toEqual(TYPES);
  });

  it('writes a table of one row', async () => {
    const one = fixtureRows(0).slice(0, 1);
    const path = await duck.file(await collect(toParquet(TABLE, inBatches(one))), 'parquet');
    expect((await duck.query(`select * from read_parquet(${path})`)).rows).toEqual(
      await jsonRows(one),
    );
  });
});
