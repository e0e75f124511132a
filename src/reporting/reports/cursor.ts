/**
 * Report cursors (`updated_since`, `X-Next-Cursor`): the snapshot a pull read from and its query
 * time, for one tenant and one report, as opaque base64url text. A cursor names its tenant and
 * report, so one minted for another tenant or report is refused rather than misread.
 */
export interface ReportCursor {
  tenantId: string;
  report: string;
  /** pg_current_snapshot() text: `xmin:xmax:xip,…`. */
  snapshot: string;
  /** The pull's query time (ms). */
  now: number;
}

/** At most this long: a snapshot lists the transactions in progress, a few hundred at most. */
export const MAX_CURSOR_LENGTH = 8192;
const SNAPSHOT = /^\d{1,20}:\d{1,20}:(\d{1,20}(,\d{1,20})*)?$/;

export class CursorError extends Error {}

export function encodeCursor(c: ReportCursor): string {
  const body = JSON.stringify({ v: 1, t: c.tenantId, r: c.report, s: c.snapshot, n: c.now });
  return Buffer.from(body, 'utf8').toString('base64url');
}

/** The cursor, checked against the caller's tenant and report. */
export function decodeCursor(text: string, tenantId: string, report: string): ReportCursor {
  if (text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) {
    throw new CursorError('updated_since is not a cursor this service issued');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('updated_since is not a cursor this service issued');
  }
  const c = parsed as { v?: unknown; t?: unknown; r?: unknown; s?: unknown; n?: unknown };
  if (
    c === null ||
    typeof c !== 'object' ||
    c.v !== 1 ||
    typeof c.t !== 'string' ||
    typeof c.r !== 'string' ||
    typeof c.s !== 'string' ||
    !SNAPSHOT.test(c.s) ||
    typeof c.n !== 'number' ||
    !Number.isSafeInteger(c.n)
  ) {
    throw new CursorError('updated_since is not a cursor this service issued');
  }
  if (c.t !== tenantId) throw new CursorError('updated_since was issued to another tenant');
  if (c.r !== report) {
    throw new CursorError(`updated_since was issued for the ${c.r} report, not ${report}`);
  }
  return { tenantId: c.t, report: c.r, snapshot: c.s, now: c.n };
}
