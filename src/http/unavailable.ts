/**
 * Errors that mean "the database cannot answer now" rather than "this request is wrong" or "a
 * bug": PostgreSQL gone away or restarting, a connection refused, dropped or not given in time, a
 * statement cancelled by its timeout. They are answered `503` with `Retry-After` (api.md) — the
 * request may be retried as it is, and nothing it was told was committed is lost — never `500`.
 */

/** Seconds a client is told to wait before retrying. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs: shutting down, starting, too many connections, cancelled by a timeout. */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

const MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /the database system is (starting up|shutting down|in recovery mode)/,
];

/** Whether `error` (or its cause) says the database is unavailable, not that the request is bad. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}
