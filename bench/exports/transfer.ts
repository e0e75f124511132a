/**
 * One timed transfer: a report over HTTP from the service, or the physical baseline — the same
 * statement's `COPY (…) TO STDOUT (FORMAT csv, HEADER)` through pg and pg-copy-streams in the
 * bench process. Either way the bytes are counted (and newlines, for the line-oriented bodies)
 * and dropped as they arrive; the time runs from the request to the last byte.
 */
import http from 'node:http';
import type { Readable } from 'node:stream';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { reportStatement, type ReportName } from '../../src/storage/reports/statements.js';

export interface Transfer {
  seconds: number;
  bytes: number;
  /** Newlines in the body. */
  lines: number;
  /** The last bytes of the body (JSON and NDJSON end with their row count). */
  tail: string;
}

const TAIL = 512;

/** Counts what `source` gives until it ends; resolves with the tally at its end. */
function drain(source: Readable, started: number): Promise<Transfer> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let lines = 0;
    let tail: Buffer = Buffer.alloc(0);
    source.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      tail =
        chunk.length >= TAIL
          ? chunk.subarray(chunk.length - TAIL)
          : Buffer.concat([tail, chunk]).subarray(-TAIL);
    });
    source.once('error', reject);
    source.once('end', () =>
      resolve({
        seconds: (performance.now() - started) / 1000,
        bytes,
        lines,
        tail: Buffer.from(tail).toString('latin1'),
      }),
    );
  });
}

/** GET /v1/reports/{report}?format=… (and `query`), drained. */
export function httpReport(
  baseUrl: string,
  key: string,
  report: string,
  format: string,
  query = '',
): Promise<Transfer> {
  const url = `${baseUrl}/v1/reports/${report}?format=${format}${query === '' ? '' : `&${query}`}`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(
      url,
      { agent: false, headers: { authorization: `Bearer ${key}` } },
      (res) => {
        if (res.statusCode !== 200) {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () =>
            reject(new Error(`GET ${url}: ${res.statusCode} ${text.slice(0, 500)}`)),
          );
          return;
        }
        drain(res, started).then(resolve, reject);
      },
    );
    req.once('error', reject);
  });
}

/** The SQL the service runs for a full pull of `report` as CSV (src/storage/reports/statements.ts). */
export function baselineSql(report: ReportName, tenantId: string, now: number): string {
  const statement = reportStatement(report, { tenantId, now, zone: 'UTC', filters: {} }, 'csv');
  return `copy (${statement.sql}) to stdout (format csv, header)`;
}

/** The COPY baseline on an open connection, drained. */
export function copyReport(
  client: pg.Client,
  report: ReportName,
  tenantId: string,
): Promise<Transfer> {
  const sql = baselineSql(report, tenantId, Date.now());
  const started = performance.now();
  const stream = client.query(copyTo(sql));
  return drain(stream, started);
}

/** The row count a JSON or NDJSON body ends with (its trailer), or null. */
export function trailerRowCount(tail: string): number | null {
  const match = /"row_count":(\d+)\}\s*$/.exec(tail);
  return match ? Number(match[1]) : null;
}
