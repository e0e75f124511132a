/**
 * Rows sent as parameters, written by multi-row `INSERT … VALUES (…), (…)`: on Citus such an
 * insert goes to the one shard its rows' tenant_id names (a router plan), where an
 * `INSERT … SELECT` from `unnest` or `json(b)_to_recordset` of parameters is pulled through the
 * coordinator first (issue 18). A batch is cut into statements of at most
 * {@link MAX_VALUES_PARAMETERS} parameters.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from './schema.js';

/**
 * Parameters per statement at most, far under PostgreSQL's 65,535: measured on PostgreSQL 15, a
 * statement costs more per parameter past about 2,000 (6,000 rows of 5 columns took 2–3× longer
 * in statements of 800 rows or more than in statements of 400).
 */
export const MAX_VALUES_PARAMETERS = 2_000;

/**
 * A column of the rows: the type its value is sent as (`$n::type`), or the SQL of the value
 * (with at most one parameter: the row's value, or none for a fixed expression).
 */
export type ValuesColumn = string | ((value: unknown) => RawBuilder<unknown>);

/** How many rows of `columns` one statement takes. */
export function valuesChunkSize(columns: number): number {
  return Math.max(1, Math.floor(MAX_VALUES_PARAMETERS / Math.max(1, columns)));
}

/**
 * Runs `statement` once per chunk of `rows`, in order, with the chunk as a VALUES list
 * `(…), (…)`: `values(row)` gives a row's value for each of `columns`. Returns every statement's
 * rows, in order.
 */
export async function insertValues<R, O = never>(
  db: Kysely<DB>,
  rows: readonly R[],
  columns: readonly ValuesColumn[],
  values: (row: R) => readonly unknown[],
  statement: (list: RawBuilder<unknown>) => RawBuilder<O>,
): Promise<O[]> {
  const cells = columns.map((c) => {
    if (typeof c !== 'string') return c;
    const cast = sql.raw(`::${c}`);
    return (value: unknown) => sql`${value}${cast}`;
  });
  const size = valuesChunkSize(columns.length);
  const out: O[] = [];
  for (let start = 0; start < rows.length; start += size) {
    const chunk = rows.slice(start, start + size);
    const list = sql.join(
      chunk.map((row) => {
        const v = values(row);
        return sql`(${sql.join(cells.map((cell, i) => cell(v[i])))})`;
      }),
    );
    const { rows: returned } = await statement(list).execute(db);
    for (const r of returned) out.push(r);
  }
  return out;
}
