/**
 * The input domain: the values deskmetrics accepts, stores and computes with. Every input is
 * checked against it at validation (ingest, configuration, query parameters), so nothing outside
 * it reaches storage or the fold.
 *
 * Why these bounds:
 * - instants 1970-01-01 … 2199-12-31 (UTC): wide enough for any help desk's history and future,
 *   and inside what the calendar engine expands quickly (zone rules and public holidays are
 *   computed per local year: a bounded span keeps every computation bounded);
 * - durations (contact times, SLA targets, business-time additions) at most ten 365-day years in
 *   seconds: sums of many of them, in milliseconds, stay exact in a double and in a bigint;
 * - texts at most 256 characters where they become a grouping key (an index row must stay small),
 *   `data` at most 32 levels deep and 10,000 members, so no walk over it can overflow the stack.
 */
export const MIN_INSTANT = Date.UTC(1970, 0, 1);
/** The last accepted instant, 2199-12-31T23:59:59.999Z. */
export const MAX_INSTANT = Date.UTC(2200, 0, 1) - 1;
export const INSTANT_RANGE_MESSAGE =
  'must be between 1970-01-01T00:00:00Z and 2199-12-31T23:59:59.999Z';

/** Ten 365-day years in seconds. */
export const MAX_DURATION_SECONDS = 315_360_000;

export const MAX_TEXT_LENGTH = 256;
export const MAX_TIER = 100;
export const MAX_TAGS = 100;
export const MAX_DATA_DEPTH = 32;
export const MAX_DATA_MEMBERS = 10_000;

export function isInstantInDomain(t: number): boolean {
  return t >= MIN_INSTANT && t <= MAX_INSTANT;
}

export const STORABLE_MESSAGE = 'must not contain U+0000 or unpaired surrogates';

/** PostgreSQL text and jsonb cannot hold NUL, nor UTF-16 halves without their pair. */
export function isStorableText(s: string): boolean {
  return !s.includes('\u0000') && s.isWellFormed();
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The JSON pointer of the first string (key or value) in `value` that cannot be stored. Recursive:
 * call it only on values whose depth is already bounded.
 */
export function unstorablePath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, v] of Object.entries(value)) {
    const at = `${path}/${escapePointer(key)}`;
    if (!isStorableText(key)) return at;
    const found = unstorablePath(v, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
