/**
 * storage/values-rows.ts: rows sent as multi-row VALUES, cut into statements under PostgreSQL's
 * 65,535 bind parameters, run in order, their casts and fixed expressions applied, and what each
 * statement returns gathered in order.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_VALUES_PARAMETERS,
  insertValues,
  valuesChunkSize,
  type ValuesColumn,
} from '../../src/storage/values-rows.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await sql`create table values_rows_sample (
    id int primary key, at timestamptz not null, label text, doc jsonb, stamp text not null
  )`.execute(database.db);
});
afterAll(async () => database?.close());

const COLUMNS: readonly ValuesColumn[] = [
  'int',
  'timestamptz',
  'text',
  (doc) => sql`${doc}::text::jsonb`,
  () => sql`'fixed'`,
];

describe('insertValues', () => {
  it('cuts rows into statements of at most MAX_VALUES_PARAMETERS parameters', () => {
    expect(valuesChunkSize(5)).toBe(Math.floor(MAX_VALUES_PARAMETERS / 5));
    expect(valuesChunkSize(5) * 5).toBeLessThan(65_535);
    expect(valuesChunkSize(100_000)).toBe(1);
  });

  it('writes every row, in order, over several statements, and returns what each returned', async () => {
    const size = valuesChunkSize(COLUMNS.length);
    const n = 2 * size + 3;
    const ids = Array.from({ length: n }, (_, i) => i + 1);
    let statements = 0;
    const returned = await insertValues(
      database.db,
      ids,
      COLUMNS,
      (id) => [
        id,
        new Date(id * 1000).toISOString(),
        id % 7 === 0 ? null : `L${id}`,
        `{"id":${id}}`,
      ],
      (values) => {
        statements += 1;
        return sql<{ id: number }>`
          insert into values_rows_sample (id, at, label, doc, stamp) values ${values}
          returning id`;
      },
    );
    expect(statements).toBe(3);
    expect(returned.map((r) => r.id)).toEqual(ids);
    const { rows } = await sql<{ n: string; nulls: string; bad: string }>`
      select count(*)::text as n, count(*) filter (where label is null)::text as nulls,
        count(*) filter (where at <> to_timestamp(id) or (doc->>'id')::int <> id
          or stamp <> 'fixed')::text as bad
      from values_rows_sample`.execute(database.db);
    expect(rows[0]).toEqual({
      n: String(n),
      nulls: String(ids.filter((id) => id % 7 === 0).length),
      bad: '0',
    });
  });

  it('runs nothing for no rows', async () => {
    let statements = 0;
    const returned = await insertValues(
      database.db,
      [],
      COLUMNS,
      () => [],
      (values) => {
        statements += 1;
        return sql`insert into values_rows_sample values ${values}`;
      },
    );
    expect(statements).toBe(0);
    expect(returned).toEqual([]);
  });
});
