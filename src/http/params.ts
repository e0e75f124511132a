/**
 * Query and body parameters that need more than a JSON schema: instants with offsets, within the
 * input domain (core/domain.ts) that parseRfc3339 enforces.
 */
import { parseRfc3339 } from '../core/time/rfc3339.js';
import { ApiError } from './errors.js';

/** An RFC 3339 instant with an offset, as epoch ms; a 400 naming `name` otherwise. */
export function instantParam(
  value: unknown,
  name: string,
  where: 'query' | 'body' = 'query',
): number {
  const code = where === 'query' ? 'invalid_parameter' : 'invalid_body';
  if (typeof value !== 'string') {
    throw new ApiError(
      400,
      code,
      value === undefined ? `${name} is required` : `${name} must be a string`,
      `/${name}`,
    );
  }
  const parsed = parseRfc3339(value);
  if (typeof parsed === 'string') throw new ApiError(400, code, `${name} ${parsed}`, `/${name}`);
  return parsed;
}

export function iso(instant: number): string {
  return new Date(instant).toISOString();
}
