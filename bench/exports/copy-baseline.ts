/**
 * The baseline of bench/exports: PostgreSQL's `COPY (…) TO STDOUT (FORMAT csv, HEADER)` of the
 * benchmark's rows, with timestamps and booleans formatted as the service formats them, read
 * through pg-copy-streams. The rows are loaded into a temporary table through the CSV writer and
 * COPY FROM, so the CSV writer's output is also what the server reads back.
 */
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toCsv } from '../../src/exports/csv.js';
import type { ReportRow } from '../../src/core/report/table.js';
import { TICKETS } from './tickets.js';
import type { Run } from './writers.js';

const SQL_TYPES = {
  string: 'text',
  int: 'bigint',
  float: 'float8',
  bool: 'boolean',
  timestamp: 'timestamptz',
};

/** The SELECT whose COPY the service streams: text forms equal to the writers'. */
function selectList(): string {
  return TICKETS.columns
    .map(({ name, type }) => {
      if (type === 'timestamp') {
        return `to_char(${name} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ${name}`;
      }
      return type === 'bool' ? `${name}::text as ${name}` : name;
    })
    .join(', ');
}

export interface Baseline {
  /** Timed runs, in table order (no sort: the fastest COPY there is, the strictest baseline). */
  runs: Run[];
  /** The bytes of a run in load order (COPY FROM may place rows out of order). */
  ordered: Run;
}

/** Loads the rows, then times COPY TO `runs` times; undefined when no server answers. */
export async function copyBaseline(
  url: string,
  rows: number,
  runs: number,
  rowPool: () => ReportRow[][],
  cycle: (pool: ReportRow[][], rows: number) => AsyncGenerator<ReportRow[]>,
  measure: (chunks: AsyncIterable<Uint8Array>) => Promise<Run>,
): Promise<Baseline | undefined> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    console.log(`COPY baseline skipped: no server at ${url} (${(error as Error).message})`);
    return undefined;
  }
  try {
    const columns = TICKETS.columns.map((c) => `${c.name} ${SQL_TYPES[c.type]}`).join(', ');
    const names = TICKETS.columns.map((c) => c.name).join(', ');
    await client.query(
      `create temporary table bench_tickets (${columns}, seq bigint generated always as identity)`,
    );
    const csv = Readable.from(toCsv(TICKETS, cycle(rowPool(), rows)));
    const load = `copy bench_tickets (${names}) from stdin (format csv, header)`;
    await pipeline(csv, client.query(copyFrom(load)));
    await client.query('analyze bench_tickets');
    const copy = (order: string) =>
      measure(
        client.query(
          copyTo(
            `copy (select ${selectList()} from bench_tickets ${order}) to stdout (format csv, header)`,
          ),
        ) as AsyncIterable<Uint8Array>,
      );
    const results: Run[] = [];
    for (let r = 0; r < runs; r++) results.push(await copy(''));
    return { runs: results, ordered: await copy('order by seq') };
  } finally {
    await client.end();
  }
}
