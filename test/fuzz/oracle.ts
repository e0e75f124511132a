/**
 * What every answer must satisfy, whatever was sent:
 * - no 5xx;
 * - a status the reached operation documents in openapi.yaml, or one of three generic answers the
 *   error handling gives before any route runs (src/http/errors.ts): 414 `uri_too_long` for a
 *   URL over 8 KiB (and only then), 400 for a path that is not percent-encoded UTF-8 (the router
 *   cannot decode it), 404 `not_found` "no route …" for a method and path no operation has (and
 *   only then);
 * - every 4xx is the JSON envelope `{ "error": { "code", "message", "path"? } }`, and matches the
 *   schema the operation documents for that status;
 * - a 2xx JSON body validates against the documented schema; any other 2xx body has a documented
 *   media type (the one `format=` asked for) and looks like that format; a 304 has no body.
 * Schemas are compiled by Ajv as draft-07, the dialect TypeBox writes and Fastify serialises with
 * (OpenAPI 3.1's `type` lists are draft-07 too; TypeBox's tuples use `additionalItems`).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { isStorableText } from '../../src/core/domain.js';
import type { BuiltRequest } from './draft.js';
import { URL_LIMIT } from './mutants-http.js';
import type { Operation, Schema, Spec } from './spec.js';

export interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: Buffer;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** The media type each `format=` value is served as. */
const FORMAT_TYPES: Record<string, string> = {
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  csv: 'text/csv',
  arrow: 'application/vnd.apache.arrow.stream',
  parquet: 'application/vnd.apache.parquet',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

function withRefsInto(value: unknown, base: string): unknown {
  if (Array.isArray(value)) return value.map((v) => withRefsInto(v, base));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#/')
        ? `${base}${v}`
        : withRefsInto(v, base),
    ]),
  );
}

export class Oracle {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly spec: Spec) {
    this.ajv = new Ajv({
      strict: false,
      allErrors: false,
      formats: {
        'date-time': (s: string) => RFC3339.test(s) && Number.isFinite(Date.parse(s)),
        date: /^\d{4}-\d{2}-\d{2}$/,
        uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
        'storable-text': isStorableText,
        binary: () => true,
      },
    });
    this.ajv.addSchema({ $id: 'openapi', components: { schemas: spec.components } });
  }

  private validator(key: string, schema: Schema): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(withRefsInto(schema, 'openapi') as object);
      this.validators.set(key, validate);
    }
    return validate;
  }

  /** The top-level members a schema names (through `$ref` and `anyOf`). */
  private memberNames(schema: Schema): Set<string> {
    const s = this.spec.resolve(schema);
    const branches = (s.anyOf ?? s.oneOf ?? s.allOf) as Schema[] | undefined;
    if (branches) return new Set(branches.flatMap((b) => [...this.memberNames(b)]));
    return new Set(Object.keys(s.properties ?? {}));
  }

  /** The problems of `answer` to `request`; none when it keeps the contract. */
  check(request: BuiltRequest, answer: Answer): string[] {
    const status = answer.statusCode;
    const problems: string[] = [];
    if (status >= 500) problems.push(`a ${status}: no request may cause a server error`);
    const url = new URL(request.url, 'http://localhost');
    const op = this.spec.route(request.method, url.pathname);
    const long = url.pathname.length + url.search.length > URL_LIMIT;
    if (long) {
      if (status !== 414) problems.push(`a URL over ${URL_LIMIT} bytes must be 414, not ${status}`);
    } else if (status === 414) {
      problems.push(`414 for a URL of ${url.pathname.length + url.search.length} bytes`);
    } else if (!isUtf8Path(url.pathname) && status === 400) {
      // The router cannot decode the path: a 400 before it knows which route, if any, it names.
    } else if (!op) {
      if (status !== 404)
        problems.push(`no operation has this method and path: 404, not ${status}`);
    } else if (!op.responses.has(status)) {
      problems.push(
        `${op.id} does not document ${status} (documented: ${[...op.responses.keys()].join(', ')})`,
      );
    }
    const content = op?.responses.get(status);
    const unrouted = !long && !op && !(status === 400 && !isUtf8Path(url.pathname));
    if (status >= 400) problems.push(...this.checkError(answer, content, unrouted, op));
    else if (status === 304) {
      if (answer.body.length > 0) problems.push('a 304 with a body');
    } else if (status < 300 && op) problems.push(...this.checkSuccess(op, request, answer));
    return problems;
  }

  private checkError(
    answer: Answer,
    documented: Record<string, Schema> | undefined,
    unrouted: boolean,
    op: Operation | undefined,
  ): string[] {
    const type = mediaType(answer);
    if (type !== 'application/json') return [`an error as ${type || 'no media type'}, not JSON`];
    let body: unknown;
    try {
      body = JSON.parse(answer.body.toString('utf8'));
    } catch {
      return ['an error body that is not JSON'];
    }
    const error = (body as { error?: Record<string, unknown> } | null)?.error;
    const problems: string[] = [];
    if (
      typeof error !== 'object' ||
      error === null ||
      typeof error.code !== 'string' ||
      error.code === '' ||
      typeof error.message !== 'string' ||
      !(error.path === undefined || typeof error.path === 'string')
    ) {
      return ['an error body that is not { "error": { "code", "message", "path"? } }'];
    }
    if (!/^[a-z][a-z0-9_]*$/.test(error.code))
      problems.push(`error code "${error.code}" is not snake_case`);
    const schema = documented?.['application/json'];
    const allowed = schema ? this.memberNames(schema) : new Set(['error']);
    const extra = Object.keys(body as object).filter((k) => !allowed.has(k));
    if (extra.length > 0)
      problems.push(`an error body with members beside "error": ${extra.join(', ')}`);
    const noRoute = answer.statusCode === 404 && error.message.startsWith('no route ');
    if (unrouted && !noRoute) problems.push('a 404 for no route must say "no route"');
    if (!unrouted && noRoute && op) problems.push(`"no route" for a request ${op.id} answers`);
    if (schema) {
      const validate = this.validator(`${op?.id} ${answer.statusCode}`, schema);
      if (!validate(body)) problems.push(`error body: ${this.ajv.errorsText(validate.errors)}`);
    }
    return problems;
  }

  private checkSuccess(op: Operation, request: BuiltRequest, answer: Answer): string[] {
    const documented = op.responses.get(answer.statusCode) ?? {};
    const type = mediaType(answer);
    const types = Object.keys(documented);
    if (types.length > 0 && !types.includes(type)) {
      return [
        `a ${answer.statusCode} as ${type || 'no media type'}; documented: ${types.join(', ')}`,
      ];
    }
    const asked = new URL(request.url, 'http://localhost').searchParams.getAll('format');
    const wanted = asked.length === 1 ? FORMAT_TYPES[asked[0]!] : undefined;
    if (wanted && type !== wanted) return [`format=${asked[0]} answered as ${type}`];
    if (type !== 'application/json') return looksLike(type, answer.body);
    let body: unknown;
    try {
      body = JSON.parse(answer.body.toString('utf8'));
    } catch {
      return ['a JSON 2xx body that is not JSON'];
    }
    const schema = documented[type];
    if (!schema) return [];
    const validate = this.validator(`${op.id} ${answer.statusCode}`, schema);
    return validate(body) ? [] : [`2xx body: ${this.ajv.errorsText(validate.errors)}`];
  }
}

function isUtf8Path(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function mediaType(answer: Answer): string {
  const header = answer.headers['content-type'];
  return String(header ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
}

/** A cheap look at a non-JSON body: each format's signature, or its lines. */
function looksLike(type: string, body: Buffer): string[] {
  const starts = (bytes: number[]) => bytes.every((b, i) => body[i] === b);
  switch (type) {
    case 'application/vnd.apache.parquet':
      return starts([0x50, 0x41, 0x52, 0x31]) ? [] : ['a Parquet body without PAR1'];
    case 'application/vnd.apache.arrow.stream':
      return starts([0xff, 0xff, 0xff, 0xff]) ? [] : ['an Arrow stream without its first message'];
    case 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet':
      return starts([0x50, 0x4b, 0x03, 0x04]) ? [] : ['an XLSX body that is not a ZIP file'];
    case 'application/x-ndjson':
      for (const line of body.toString('utf8').split('\n')) {
        if (line === '') continue;
        try {
          JSON.parse(line);
        } catch {
          return [`an NDJSON line that is not JSON: ${line.slice(0, 80)}`];
        }
      }
      return [];
    case 'text/csv':
      return body.length > 0 ? [] : ['a CSV body without its header row'];
    default:
      return [];
  }
}
