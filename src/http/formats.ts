/**
 * Which body format a report or export request asked for (api.md "Formats"): `format=` first,
 * else the best match of the Accept header, else JSON. Each format's writer is in src/exports.
 */
import { exportFormat } from '../exports/index.js';
import { ApiError } from './errors.js';

/** The media type of each format, without parameters (what `Accept` names). */
const mediaType = (format: string) =>
  exportFormat(format)?.mimeType.split(';')[0]!.trim() ?? 'application/octet-stream';

/** Content-Type header values: text formats name their charset. */
export function contentType(format: string): string {
  const type = exportFormat(format)?.mimeType ?? 'application/octet-stream';
  return format === 'json' || format === 'ndjson' ? `${type}; charset=utf-8` : type;
}

/** The file name extension of a format. */
export const extensionOf = (format: string) => exportFormat(format)?.extension ?? format;

interface Range {
  type: string;
  q: number;
  order: number;
}

function ranges(accept: string): Range[] {
  return accept
    .split(',')
    .map((part, order) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { type, q: Number.isFinite(weight) ? weight : 0, order };
    })
    .filter((r) => r.type !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
}

/** The format of the request, one of `allowed` (the first of which is the default). */
export function negotiateFormat<F extends string>(
  format: string | undefined,
  accept: string | undefined,
  allowed: readonly F[],
): F {
  if (format !== undefined) return format as F;
  if (accept === undefined || accept.trim() === '') return allowed[0]!;
  for (const range of ranges(accept)) {
    if (range.type === '*/*' || range.type === 'application/*') return allowed[0]!;
    const match = allowed.find((f) => mediaType(f) === range.type);
    if (match !== undefined) return match;
    if (range.type === 'text/*' && allowed.includes('csv' as F)) return 'csv' as F;
  }
  throw new ApiError(
    406,
    'not_acceptable',
    `none of the Accept header's types is served here: use ${allowed.map(mediaType).join(', ')} or format=`,
  );
}
