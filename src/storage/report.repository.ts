/**
 * Runs a report's statement (reports/statements.ts) on one held connection, inside a
 * `repeatable read` transaction: the rows, the snapshot the next cursor names and the check of
 * the caller's cursor all see the same data. Rows stream from `COPY … TO STDOUT` on a server and
 * from a cursor (`DECLARE … FETCH`) on the embedded database; either way one batch is read only
 * when the previous one has been taken.
 */
import { sql, type Kysely } from 'kysely';
import type { ColumnType, ReportRow, ReportValue, RowBatch } from '../core/report/table.js';
import type { ReservedConnection } from './database.js';
import { copyTextBatches } from './reports/copy-rows.js';
import type { ReportStatement } from './reports/statements.js';
import type { DB } from './schema.js';

/**
 * Rows per batch read from a cursor (the embedded database): small, since every row is a JS
 * array whose values live until the batch is written.
 */
export const REPORT_BATCH_ROWS = 1024;

export interface ReportSnapshot {
  /** pg_current_snapshot() of the read, as text. */
  snapshot: string;
  /** The last rebuild of the tenant, unless the read's snapshot sees no such rebuild. */
  resetRev: string | null;
}

/** The read's snapshot, and whether the tenant was rebuilt after `cursorSnapshot`. */
export async function readReportSnapshot(
  db: Kysely<DB>,
  tenantId: string,
  cursorSnapshot: string | null,
): Promise<{ snapshot: string; rebuiltSince: boolean }> {
  // The snapshot in a statement of its own, reading no table: on Citus it is the coordinator's,
  // whose transaction ids every rev is (a query of tenant tables runs on a worker). The read's
  // transaction is repeatable read, so the rows read next are those of this snapshot or later.
  const { rows } = await sql<{ snapshot: string }>`
    select pg_current_snapshot()::text as snapshot`.execute(db);
  if (cursorSnapshot === null) return { snapshot: rows[0]!.snapshot, rebuiltSince: false };
  const reset = await sql<{ rebuilt: boolean }>`
    select not pg_visible_in_snapshot(v.reports_reset_rev, ${cursorSnapshot}::pg_snapshot) as rebuilt
    from tenant_data_version v
    where v.tenant_id = ${tenantId}::uuid and v.reports_reset_rev is not null`.execute(db);
  return { snapshot: rows[0]!.snapshot, rebuiltSince: reset.rows[0]?.rebuilt === true };
}

/** Opens the read: a held connection in a `repeatable read`, read-only transaction. */
export async function openReportRead(
  reserve: () => Promise<ReservedConnection>,
): Promise<ReservedConnection> {
  const conn = await reserve();
  try {
    await sql`begin isolation level repeatable read read only`.execute(conn.db);
  } catch (error) {
    conn.release(true);
    throw error;
  }
  return conn;
}

/** Ends the read; `cancelled` drops the connection on a server (a statement may still run). */
export async function closeReportRead(conn: ReservedConnection, cancelled: boolean): Promise<void> {
  if (cancelled && conn.copyOut !== undefined) {
    conn.release(true);
    return;
  }
  try {
    await sql`rollback`.execute(conn.db);
    conn.release();
  } catch {
    conn.release(true);
  }
}

function coerce(v: unknown, type: ColumnType): ReportValue {
  if (v === null || v === undefined) return null;
  if (type === 'string') return typeof v === 'string' ? v : JSON.stringify(v);
  if (type === 'bool') return v === true || v === 't';
  return Number(v);
}

/** Declares the cursor `report_rows` over the statement (in the read's transaction). */
export async function declareReportCursor(
  db: Kysely<DB>,
  statement: ReportStatement,
): Promise<void> {
  await sql`${sql.raw(`declare report_rows no scroll cursor for ${statement.sql}`)}`.execute(db);
}

/** The next batch of the cursor `report_rows`. */
export async function fetchReportRows(db: Kysely<DB>): Promise<Array<Record<string, unknown>>> {
  const { rows } = await sql<Record<string, unknown>>`
    ${sql.raw(`fetch forward ${REPORT_BATCH_ROWS} from report_rows`)}`.execute(db);
  return rows;
}

/** The statement's rows through a cursor, in batches (the embedded database's path). */
async function* cursorRows(
  db: Kysely<DB>,
  statement: ReportStatement,
): AsyncGenerator<ReportRow[]> {
  const names = statement.columns.map((c) => c.name);
  const types = statement.columns.map((c) => c.type);
  await declareReportCursor(db, statement);
  for (;;) {
    const rows = await fetchReportRows(db);
    if (rows.length === 0) return;
    yield rows.map((r) => names.map((n, i) => coerce(r[n], types[i]!)));
    if (rows.length < REPORT_BATCH_ROWS) return;
  }
}

/**
 * The statement's rows in batches: on a server as COPY text, parsed by the writers (see
 * `TextBatch`); on the embedded database as rows from a cursor.
 */
export function reportRows(
  conn: ReservedConnection,
  statement: ReportStatement,
): AsyncGenerator<RowBatch> {
  if (conn.copyOut === undefined) return cursorRows(conn.db, statement);
  const stream = conn.copyOut(`copy (${statement.sql}) to stdout`);
  return copyTextBatches(stream, statement.columns.length);
}

/** The statement (built with the `csv` encoding) as PostgreSQL's CSV with a header; server only. */
export function reportCsv(
  conn: ReservedConnection,
  statement: ReportStatement,
): AsyncIterable<Buffer> | undefined {
  return conn.copyOut?.(`copy (${statement.sql}) to stdout (format csv, header)`);
}
