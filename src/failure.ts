/**
 * What a failed start (main.ts) or command (the CLI) prints and exits with. A mistake the user
 * can fix is one sentence — never a stack trace — with exit status 2 for how deskmetrics was
 * invoked (arguments, settings) and 1 for the rest; anything unexpected is its message and a hint
 * to set LOG_LEVEL=debug, which prints the stack.
 */
import { ConfigError, type LogLevel } from './config.js';
import { DataDirInUseError } from './storage/data-dir-lock.js';

/** A mistake in the command line or the settings: exit status 2. */
export class UsageError extends Error {}

/** A failure its message explains (a tenant that does not exist): exit status 1, no stack. */
export class ExplainedError extends Error {}

export interface Failure {
  text: string;
  exitCode: 1 | 2;
}

/** Node's and node-postgres's system errors carry `code`, `syscall`, `address` and `port`. */
interface SystemError extends Error {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

function explainSystemError(error: SystemError): string | undefined {
  const where = `${error.address ?? ''}:${error.port ?? ''}`;
  if (error.syscall === 'listen' && error.code === 'EADDRINUSE') {
    return `${where} is already in use (another deskmetrics?); set PORT to another port`;
  }
  if (error.syscall === 'listen' && error.code === 'EACCES') {
    return `no permission to listen on ${where}; set PORT above 1023`;
  }
  // PostgreSQL refusing the connection itself: no such role, password or database.
  if (error.code !== undefined && /^(28|3D)/.test(error.code) && 'severity' in error) {
    return `the PostgreSQL server of DATABASE_URL refuses: ${error.message}`;
  }
  if (error.code !== undefined && UNREACHABLE.has(error.code)) {
    // Several addresses (localhost: ::1 and 127.0.0.1) fail as one AggregateError without a message.
    return `cannot reach the PostgreSQL server of DATABASE_URL (${error.message || error.code})`;
  }
  return undefined;
}

export function describeFailure(error: unknown, logLevel?: LogLevel): Failure {
  if (error instanceof UsageError || error instanceof ConfigError) {
    return { text: error.message, exitCode: 2 };
  }
  if (error instanceof ExplainedError || error instanceof DataDirInUseError) {
    return { text: error.message, exitCode: 1 };
  }
  if (!(error instanceof Error)) return { text: String(error), exitCode: 1 };
  const explained = explainSystemError(error);
  if (explained !== undefined) return { text: explained, exitCode: 1 };
  const debug = logLevel === 'debug' || logLevel === 'trace';
  return {
    text: debug ? (error.stack ?? error.message) : `${error.message} (LOG_LEVEL=debug shows where)`,
    exitCode: 1,
  };
}
