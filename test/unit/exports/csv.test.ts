/**
 * The CSV writer: read back by DuckDB (explicit types) equal to the JSON writer's rows; the
 * quoting rules of COPY on their own; and byte-identity with PostgreSQL's
 * `COPY … TO STDOUT (FORMAT csv, HEADER)` of the same rows, on a server only (PGlite has no COPY
 * to a client).
 */
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { toCsv } from '../../../src/exports/csv.js';
import type { ReportRow, ReportTable } from '../../../src/core/report/table.js';
import { Duck } from './duckdb.js';
import {
  LARGE,
  TABLE,
  TRICKY,
  collect,
  fixtureRows,
  inBatches,
  jsonRows,
  noRows,
} from './fixture.js';

const DUCK_TYPES = {
  string: 'VARCHAR',
  int: 'BIGINT',
  float: 'DOUBLE',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
};

let duck: Duck;
beforeAll(async () => {
  duck = await Duck.open();
});
afterAll(() => duck.close());

async function readCsv(bytes: Uint8Array, table: ReportTable = TABLE) {
  const types = table.columns.map((c) => `'${c.name}': '${DUCK_TYPES[c.type]}'`).join(', ');
  const file = await duck.file(bytes, 'csv');
  // allow_quoted_nulls=false: `""` is the empty string and only an empty unquoted field is null,
  // as in COPY.
  return duck.query(
    `select * from read_csv(${file}, header=true, delim=',', quote='"', escape='"', ` +
      `nullstr='', allow_quoted_nulls=false, columns={${types}})`,
  );
}

describe('CSV writer', () => {
  it('is read back by DuckDB as the JSON writer’s rows', async () => {
    const rows = fixtureRows(LARGE);
    const bytes = await collect(toCsv(TABLE, inBatches(rows)));
    const { rows: read } = await readCsv(bytes);
    expect(read).toEqual(await jsonRows(rows));
  });

  it('quotes as COPY does', async () => {
    const bytes = await collect(toCsv(TABLE, inBatches(TRICKY.slice(0, 8))));
    expect(bytes.toString('utf8')).toBe(
      'id,label,status,created_at,closed_at,score,flag,amount\n' +
        '1,plain,open,2026-01-01T10:00:00.000Z,,1830.2,true,0\n' +
        '2,"","",1970-01-01T00:00:00.000Z,1970-01-01T00:00:00.001Z,0.1,false,-1\n' +
        '3,,,1969-12-31T23:59:59.999Z,,,,\n' +
        '4,"with,comma","a,b",2000-02-29T12:34:56.789Z,2038-01-19T03:14:08.000Z,-0.5,true,9007199254740991\n' +
        '5,"with ""quotes""","""",2024-06-30T23:59:59.999Z,,0,false,-9007199254740991\n' +
        '6,"multi\nline",open,2026-03-29T01:30:00.000Z,,1e-07,,4294967296\n' +
        '7,"crlf\r\nline and cr\ronly",ä,1999-12-31T23:59:59.000Z,,2.5e+21,true,-4294967297\n' +
        '8,\\.,open,2026-01-01T00:00:00.000Z,,123456789.125,false,2147483648\n',
    );
  });

  it('quotes \\. in a one-column table only (the end-of-data marker)', async () => {
    const one: ReportTable = { name: 'one', columns: [TABLE.columns[1]!] };
    const bytes = await collect(toCsv(one, inBatches([['\\.'], [''], [null], ['x']])));
    expect(bytes.toString('utf8')).toBe('label\n"\\."\n""\n\nx\n');
  });

  it('writes an empty table as the header row alone, without BOM', async () => {
    const bytes = await collect(toCsv(TABLE, noRows()));
    expect(bytes.toString('utf8')).toBe('id,label,status,created_at,closed_at,score,flag,amount\n');
    const { rows, types } = await readCsv(bytes);
    expect(rows).toEqual([]);
    expect(Object.keys(types)).toEqual(TABLE.columns.map((c) => c.name));
  });
});

const server = inject('testDatabase');

/** Floats where PostgreSQL's layout differs from JavaScript's, and the extremes. */
const FLOATS = [
  1830.2,
  0.1,
  -0.5,
  0,
  -0,
  1e-4,
  1e-5,
  0.000123,
  1e-7,
  5e-324,
  2.2250738585072014e-308,
  123456789012345.6,
  999999999999999.9,
  1e15,
  1e16,
  1e21,
  2.5e21,
  1.7976931348623157e308,
  -1.5e-300,
  1 / 3,
  2 / 3,
  100,
  1e14,
  12345.678901234567,
];

describe.skipIf(server.mode === 'pglite')('CSV writer against PostgreSQL COPY', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: server.mode === 'pglite' ? '' : server.url });
    await client.connect();
  });
  afterAll(() => client.end());

  /** COPY of `rows` loaded into a temporary table, timestamps and booleans as the service formats them. */
  async function copyOf(table: ReportTable, rows: readonly ReportRow[]): Promise<Buffer> {
    const SQL = {
      string: 'text',
      int: 'int8',
      float: 'float8',
      bool: 'bool',
      timestamp: 'timestamptz',
    };
    const name = `export_${table.name}`;
    const columns = table.columns.map((c) => `${c.name} ${SQL[c.type]}`).join(', ');
    await client.query(`create temporary table ${name} (seq int, ${columns})`);
    const values = table.columns.map((c, i) => {
      const p = `$${i + 2}`;
      // Epoch plus milliseconds: exact, where to_timestamp(seconds) rounds through a float.
      if (c.type === 'timestamp')
        return `timestamptz 'epoch' + ${p}::int8 * interval '1 millisecond'`;
      return `${p}::${SQL[c.type]}`;
    });
    const insert = `insert into ${name} values ($1, ${values.join(', ')})`;
    for (const [seq, row] of rows.entries()) {
      await client.query(insert, [
        seq,
        ...row.map((v) => (typeof v === 'number' ? pgNumber(v) : v)),
      ]);
    }
    const select = table.columns
      .map(({ name: n, type }) => {
        if (type === 'timestamp')
          return `to_char(${n} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ${n}`;
        return type === 'bool' ? `${n}::text as ${n}` : n;
      })
      .join(', ');
    const copy = client.query(
      copyTo(`copy (select ${select} from ${name} order by seq) to stdout (format csv, header)`),
    );
    const out = await collect(copy as AsyncIterable<Uint8Array>);
    await client.query(`drop table ${name}`);
    return out;
  }

  it('is byte-identical to COPY for the tricky rows and generated ones', async () => {
    const rows = fixtureRows(300);
    const ours = await collect(toCsv(TABLE, inBatches(rows, [5, 100, 1])));
    expect(ours.toString('utf8')).toBe((await copyOf(TABLE, rows)).toString('utf8'));
  });

  it('prints floats as PostgreSQL does, extremes and -0 included', async () => {
    const table: ReportTable = { name: 'floats', columns: [TABLE.columns[0]!, TABLE.columns[5]!] };
    const rows = FLOATS.map((f, i) => [i, f]);
    const ours = await collect(toCsv(table, inBatches(rows)));
    expect(ours.toString('utf8')).toBe((await copyOf(table, rows)).toString('utf8'));
  });

  it('quotes \\. and the empty string in a one-column table as COPY does', async () => {
    const table: ReportTable = { name: 'one', columns: [TABLE.columns[1]!] };
    const rows = [['\\.'], [''], [null], ['\\.x'], ['a"b']];
    const ours = await collect(toCsv(table, inBatches(rows)));
    expect(ours.toString('utf8')).toBe((await copyOf(table, rows)).toString('utf8'));
  });
});

/** A number as text PostgreSQL parses to the same value (String(-0) would lose the sign). */
function pgNumber(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}
