/**
 * GET /v1/reports/{name} as a service: checks the query, opens one consistent read, and hands the
 * HTTP layer the table's columns, the next cursor and the rows (or, for CSV on a server, the
 * bytes of PostgreSQL's own `COPY … (FORMAT csv)`, which the CSV writer reproduces exactly).
 */
import type { ReportTable, RowBatches } from '../../core/report/table.js';
import type { Kysely } from 'kysely';
import type { ReservedConnection } from '../../storage/database.js';
import type { DB } from '../../storage/schema.js';
import { readKpiContext } from '../../storage/data-version.repository.js';
import { databaseKnowsZone } from '../../storage/time-zones.js';
import {
  closeReportRead,
  openReportRead,
  readReportSnapshot,
  reportCsv,
  reportRows,
} from '../../storage/report.repository.js';
import {
  REPORT_NAMES,
  reportStatement,
  type ReportName,
  type ReportParams,
} from '../../storage/reports/statements.js';
import { KpiParamError, type RawKpiQuery } from '../kpis/query.js';
import { encodeCursor } from './cursor.js';
import { parseReportQuery, type ReportQuery } from './params.js';

export { REPORT_NAMES, type ReportName } from '../../storage/reports/statements.js';
export { reportColumns } from '../../storage/reports/statements.js';

/** The cursor predates the tenant's last rebuild: only a full pull can answer. */
export class CursorGoneError extends Error {}

export interface ReportRun {
  table: ReportTable;
  nextCursor: string;
  /** Names the report and its period, for Content-Disposition (without extension). */
  fileStem: string;
  /** The rows in batches, unless `csv` is given. */
  rows?: RowBatches;
  /** PostgreSQL's CSV of the rows, header first (a server, when CSV was asked for). */
  csv?: AsyncIterable<Buffer>;
  /** Ends the read (idempotent); a read not run to its end is cancelled. */
  close(): Promise<void>;
}

export interface ReportDeps {
  db: Kysely<DB>;
  /** Holds one connection for a read (storage/database.ts). */
  reserve: () => Promise<ReservedConnection>;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(':', '');

function fileStem(name: string, q: ReportQuery, now: number): string {
  if (q.since !== undefined) return `${name}_changes_${stamp(q.since.now)}_${stamp(now)}`;
  if (q.from === undefined && q.to === undefined) return `${name}_${stamp(now)}`;
  return `${name}_${q.from === undefined ? 'start' : day(q.from)}_${q.to === undefined ? day(now) : day(q.to)}`;
}

export function isReportName(name: string): name is ReportName {
  return (REPORT_NAMES as readonly string[]).includes(name);
}

/** Runs `source` to its end or until abandoned, then ends the read. */
async function* closing<T>(
  source: AsyncIterable<T>,
  run: { finish(done: boolean): Promise<void> },
) {
  let done = false;
  try {
    for await (const item of source) yield item;
    done = true;
  } finally {
    await run.finish(done);
  }
}

/** Opens a report read; the caller streams `rows` or `csv` and calls `close()` in any case. */
export async function openReport(
  deps: ReportDeps,
  tenantId: string,
  name: ReportName,
  raw: RawKpiQuery,
  options: { now: number; csv: boolean },
): Promise<ReportRun> {
  const { timezone } = await readKpiContext(deps.db, tenantId);
  const q = parseReportQuery(raw, tenantId, name, timezone);
  // kpi-daily's local days are computed in SQL: the zone must be one PostgreSQL knows too.
  if (name === 'kpi-daily' && !(await databaseKnowsZone(deps.db, q.timezone))) {
    throw new KpiParamError(
      '/timezone',
      `the database does not know the time zone "${q.timezone}"`,
    );
  }
  const conn: ReservedConnection = await openReportRead(deps.reserve);
  let closed: Promise<void> | undefined;
  const finish = (done: boolean) => (closed ??= closeReportRead(conn, !done));
  try {
    const read = await readReportSnapshot(conn.db, tenantId, q.since?.snapshot ?? null);
    if (read.rebuiltSince) {
      throw new CursorGoneError(
        'the tenant was rebuilt since this cursor was issued: pull the report again without updated_since',
      );
    }
    const params: ReportParams = {
      tenantId,
      now: options.now,
      zone: q.timezone,
      from: q.from,
      to: q.to,
      filters: q.filters,
      since: q.since === undefined ? undefined : { snapshot: q.since.snapshot, now: q.since.now },
    };
    const serverCsv = options.csv && conn.copyOut !== undefined;
    const statement = reportStatement(name, params, serverCsv ? 'csv' : 'rows');
    const run = { finish };
    const nextCursor = encodeCursor({
      tenantId,
      report: name,
      snapshot: read.snapshot,
      now: options.now,
    });
    return {
      table: { name, columns: statement.columns },
      nextCursor,
      fileStem: fileStem(name, q, options.now),
      ...(serverCsv
        ? { csv: closing(reportCsv(conn, statement)!, run) }
        : { rows: closing(reportRows(conn, statement), run) }),
      close: () => finish(false),
    };
  } catch (error) {
    await finish(false);
    throw error;
  }
}
