/**
 * The shared fixture of the export tests: a table with every column type, tricky values first
 * (quotes, separators, line breaks, empty string vs null, unicode, extreme ints, timestamps
 * around the epoch, floats as PostgreSQL prints them), then generated rows whose dictionary
 * values change from one part of the table to the next; helpers to feed rows in batches of
 * uneven sizes, to read a writer to the end, and to decode the JSON writer's rows (the
 * reference every other format is compared with).
 */
import { toJson } from '../../../src/exports/json.js';
import type { ReportRow, ReportTable, RowBatches } from '../../../src/core/report/table.js';

export const TABLE: ReportTable = {
  name: 'fixture',
  columns: [
    { name: 'id', type: 'int', nullable: false, description: 'Row number.' },
    { name: 'label', type: 'string', nullable: true, description: 'Free text, the tricky kind.' },
    {
      name: 'status',
      type: 'string',
      nullable: true,
      dictionary: true,
      description: 'A few repeating values.',
    },
    { name: 'created_at', type: 'timestamp', nullable: false, description: 'When it began.' },
    { name: 'closed_at', type: 'timestamp', nullable: true, description: 'When it ended.' },
    { name: 'score', type: 'float', nullable: true, description: 'A measurement.' },
    { name: 'flag', type: 'bool', nullable: true, description: 'Yes or no.' },
    { name: 'amount', type: 'int', nullable: true, description: 'A large signed count.' },
  ],
};

const T = (iso: string) => Date.parse(iso);
const MAX = Number.MAX_SAFE_INTEGER;

/** Values every writer must carry exactly (readers differ on -0 and denormals: not here). */
export const TRICKY: ReportRow[] = [
  [1, 'plain', 'open', T('2026-01-01T10:00:00.000Z'), null, 1830.2, true, 0],
  [2, '', '', T('1970-01-01T00:00:00.000Z'), T('1970-01-01T00:00:00.001Z'), 0.1, false, -1],
  [3, null, null, T('1969-12-31T23:59:59.999Z'), null, null, null, null],
  [
    4,
    'with,comma',
    'a,b',
    T('2000-02-29T12:34:56.789Z'),
    T('2038-01-19T03:14:08.000Z'),
    -0.5,
    true,
    MAX,
  ],
  [5, 'with "quotes"', '"', T('2024-06-30T23:59:59.999Z'), null, 0, false, -MAX],
  [6, 'multi\nline', 'open', T('2026-03-29T01:30:00.000Z'), null, 1e-7, null, 4_294_967_296],
  [
    7,
    'crlf\r\nline and cr\ronly',
    'ä',
    T('1999-12-31T23:59:59.000Z'),
    null,
    2.5e21,
    true,
    -4_294_967_297,
  ],
  [8, '\\.', 'open', T('2026-01-01T00:00:00.000Z'), null, 123_456_789.125, false, 2_147_483_648],
  [
    9,
    ' leading and trailing ',
    null,
    T('2026-01-01T00:00:00.000Z'),
    null,
    1e-5,
    true,
    -2_147_483_649,
  ],
  [
    10,
    'zażółć gęślą jaźń — 日本語 — 😀👍🏽',
    'ü😀',
    T('2026-07-01T12:00:00.500Z'),
    null,
    1e15,
    true,
    7,
  ],
  [11, '"', 'closed', T('2026-01-02T00:00:00.000Z'), null, 0.000123, false, 8],
  [
    12,
    'tab\there and ctrl\u0001char',
    'closed',
    T('2026-01-03T00:00:00.000Z'),
    null,
    99.99,
    null,
    9,
  ],
  [13, '_x0041_ & <xml> > stuff', 'null', T('2026-01-04T00:00:00.000Z'), null, 1 / 3, true, 10],
  [14, 'null', 'NULL', T('2026-01-05T00:00:00.000Z'), null, -123.456, false, 11],
];

/** Generated row `i`: dictionary values from a set that changes every 20,000 rows. */
export function generatedRow(i: number): ReportRow {
  const part = Math.floor(i / 20_000);
  return [
    100 + i,
    i % 7 === 0 ? `row ${i} — ünïcödé` : `row ${i}`,
    i % 11 === 0 ? null : `s${part}-${i % (3 + part)}`,
    T('2025-01-01T00:00:00.000Z') + i * 61_001,
    i % 3 === 0 ? null : T('2025-01-01T00:00:00.000Z') + i * 61_001 + 3_600_000,
    i % 5 === 0 ? null : (i % 1000) / 10,
    i % 4 === 0 ? null : i % 2 === 0,
    i % 6 === 0 ? null : i * 1_000_003 - 7_000_000_000_000,
  ];
}

/** The tricky rows then `generated` generated ones. */
export function fixtureRows(generated: number): ReportRow[] {
  const rows = [...TRICKY];
  for (let i = 0; i < generated; i++) rows.push(generatedRow(i));
  return rows;
}

/** More rows than several Arrow record batches (16,384) or Parquet row groups (32,768) hold. */
export const LARGE = 150_000;

/** Rows in batches of uneven sizes (an empty one too), repeating the pattern to the end. */
export async function* inBatches(
  rows: readonly ReportRow[],
  sizes: readonly number[] = [TRICKY.length, 0, 1, 65_536, 7, 70_000, 5_000],
): AsyncGenerator<ReportRow[]> {
  for (let at = 0, k = 0; at < rows.length; k++) {
    const size = sizes[k % sizes.length]!;
    yield rows.slice(at, at + size);
    at += size;
  }
}

/** No rows at all (no batch). */
export async function* noRows(): AsyncGenerator<ReportRow[]> {}

/** A writer's bytes, all of them. */
export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

export type JsonRow = Record<string, string | number | boolean | null>;

/** The JSON writer's rows: the reference the other formats are compared with. */
export async function jsonRows(rows: readonly ReportRow[], table = TABLE): Promise<JsonRow[]> {
  const body = await collect(toJson(table, inBatches(rows)));
  return (JSON.parse(body.toString('utf8')) as { rows: JsonRow[] }).rows;
}

/** A source that records how far it was read and whether it was closed (its `finally` ran). */
export class WatchedSource implements AsyncIterable<ReportRow[]> {
  pulled = 0;
  closed = false;
  constructor(
    private rows: readonly ReportRow[],
    private batchSize: number,
  ) {}
  async *[Symbol.asyncIterator](): AsyncGenerator<ReportRow[]> {
    try {
      for (let at = 0; at < this.rows.length; at += this.batchSize) {
        this.pulled++;
        yield this.rows.slice(at, at + this.batchSize);
      }
    } finally {
      this.closed = true;
    }
  }
}

/** A source that fails after its first batch, as a database cursor can. */
export async function* failingSource(rows: readonly ReportRow[]): RowBatches {
  yield rows.slice(0, 10);
  throw new Error('cursor failed');
}
