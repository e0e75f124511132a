/**
 * The CLI's arguments: node's parseArgs with its errors reworded as one sentence each, and the
 * checks every `--tenant` gets — a malformed id is a usage mistake, an unknown one a failure that
 * names the command listing them (PostgreSQL's "invalid input syntax for type uuid" helps nobody).
 */
import type { Kysely } from 'kysely';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ExplainedError, UsageError } from '../failure.js';
import type { DB } from '../storage/schema.js';
import { findTenant, isScope, type Scope } from '../storage/tenant.repository.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The first quoted part of node's message: the option or argument it is about. */
function quoted(message: string): string {
  return /'([^']*)'/.exec(message)?.[1] ?? message;
}

const REWORD: Record<string, (about: string) => string> = {
  ERR_PARSE_ARGS_UNKNOWN_OPTION: (option) => `unknown option ${option}`,
  ERR_PARSE_ARGS_INVALID_OPTION_VALUE: (option) => `${option.split(' ')[0]} needs a value`,
  ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL: (argument) => `unexpected argument "${argument}"`,
};

function reword(error: NodeJS.ErrnoException): string {
  const sentence = error.code === undefined ? undefined : REWORD[error.code];
  return sentence ? sentence(quoted(error.message)) : error.message;
}

/** parseArgs, strict, with at most `maxPositionals` positional arguments. */
export function parseOptions<T extends Options>(args: string[], options: T, maxPositionals = 0) {
  try {
    const parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
    const extra = parsed.positionals[maxPositionals];
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    return parsed;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(reword(error as NodeJS.ErrnoException));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LIST_TENANTS = '"deskmetrics tenants list" shows them';

/** A `--tenant` value that can be a tenant id at all. */
export function tenantIdOption(value: string | undefined): string | undefined {
  if (value === undefined || UUID.test(value)) return value;
  throw new UsageError(`--tenant takes a tenant id (a UUID; ${LIST_TENANTS}), got "${value}"`);
}

/** The tenant exists, or an ExplainedError. */
export async function requireTenant(db: Kysely<DB>, tenantId: string): Promise<void> {
  if (!(await findTenant(db, tenantId))) {
    throw new ExplainedError(`there is no tenant ${tenantId} (${LIST_TENANTS})`);
  }
}

export function parseScopes(text: string | undefined): Scope[] {
  if (!text) throw new UsageError('--scopes is required (a comma-separated list)');
  const scopes = text.split(',').map((s) => s.trim());
  const bad = scopes.filter((s) => !isScope(s));
  if (bad.length > 0) throw new UsageError(`unknown scope(s): ${bad.join(', ')}`);
  return scopes as Scope[];
}
