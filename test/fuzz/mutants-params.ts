/**
 * Mutants of path and query parameters: wrong types, missing and unknown parameters, bounds,
 * long, empty, non-UTF-8 and NUL values, path traversal, SQL-looking text, repeated parameters.
 */
import { encode, type Draft, type GenContext } from './draft.js';
import { chance, int, pick } from './random.js';
import type { Operation, Parameter, Schema } from './spec.js';

export interface Mutant {
  name: string;
  applies(op: Operation): boolean;
  /** Edits `draft` (a copy of a valid request) in place. */
  apply(op: Operation, draft: Draft, ctx: GenContext): void;
}

export const paramsOf = (op: Operation): Parameter[] => [...op.pathParams, ...op.queryParams];

const typeOf = (schema: Schema): string => {
  const type = Array.isArray(schema.type) ? (schema.type as string[])[0] : schema.type;
  return typeof type === 'string' ? type : 'string';
};

/** Sets a parameter to `value`, replacing every occurrence of a query parameter. */
export function setParam(draft: Draft, param: Parameter, value: string): void {
  if (param.in === 'path') {
    draft.pathParams[param.name] = value;
    return;
  }
  draft.query = draft.query.filter(([k]) => k !== param.name);
  draft.query.push([param.name, value]);
}

/** Sets a parameter to already percent-encoded text (escapes that encode() would not write). */
export function setEncoded(op: Operation, draft: Draft, param: Parameter, encoded: string): void {
  if (param.in === 'query') {
    draft.query = draft.query.filter(([k]) => k !== param.name);
    draft.rawQuery = `${encode(param.name)}=${encoded}`;
    return;
  }
  draft.rawPath = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
    name === param.name ? encoded : encode(draft.pathParams[name] ?? ''),
  );
}

function wrongTyped(schema: Schema, r: GenContext['r']): string {
  const type = typeOf(schema);
  if (type === 'integer' || type === 'number') {
    return pick(r, [
      'abc',
      '1.5',
      'true',
      '',
      'NaN',
      'Infinity',
      '-Infinity',
      '1e400',
      '0x1F',
      '--1',
      '[]',
      '{}',
      '1,2',
      ' 1',
      '١٢',
      '1 OR 1',
    ]);
  }
  if (type === 'boolean') return pick(r, ['yes', '2', 'TRUE', 'null', '', 'on', '0.5', '[true]']);
  if (Array.isArray(schema.enum)) {
    const value = String(pick(r, schema.enum as unknown[]));
    return pick(r, [
      'NONE',
      value.toUpperCase(),
      `${value} `,
      ` ${value}`,
      `${value},${value}`,
      '123',
      'true',
    ]);
  }
  return pick(r, ['123', 'true', 'null', '[]', '{"a":1}', '-1', '1e9']);
}

function boundary(schema: Schema, r: GenContext['r']): string {
  const type = typeOf(schema);
  if (type === 'integer' || type === 'number') {
    const min = (schema.minimum as number | undefined) ?? 0;
    const max = (schema.maximum as number | undefined) ?? 2 ** 31;
    return String(
      pick(r, [
        min - 1,
        max + 1,
        min,
        max,
        max + 0.001,
        min - 0.001,
        1e308,
        -1e308,
        '-0',
        2 ** 53 + 1,
        '00001',
        '1e2',
        '1_000',
        5e-324,
        '1e400',
        '-1e400',
        'Infinity',
        'NaN',
      ]),
    );
  }
  const max = (schema.maxLength as number | undefined) ?? 256;
  const char = pick(r, ['a', 'ż', '😀', 'e\u0301']);
  return char.repeat(Math.min(max + int(r, -1, 1), 20_000));
}

const TRAVERSAL = [
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '....//....//etc/passwd',
  '/etc/passwd',
  '..',
  '.',
  '%252e%252e%252f',
  '..;/',
  '~/.ssh/id_rsa',
];
/** Written into the URL as they are: the client (and here the URL parser) sees the dot segments. */
const RAW_TRAVERSAL = [
  '../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%2e%2e/%2e%2e/etc/passwd',
  '..%5c..%5cboot.ini',
  '%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
  '..%00/etc/passwd',
];
export const SQL = [
  "' OR '1'='1",
  "'; DROP TABLE ticket; --",
  '1; SELECT pg_sleep(10)--',
  "\\'; select 1; --",
  '" OR ""="',
  "%' AND 1=1 --",
  '$$;select 1;$$',
  "1' UNION SELECT null,version()--",
  "admin'--",
  "E'\\\\x00'",
  "') OR ('a'='a",
  "L1,' OR 1=1--",
  '1)::text; --',
  '\\x27',
];
const BAD_ESCAPES = [
  '%FF',
  '%C0%AF',
  '%ED%A0%80',
  '%E2%82',
  '%F4%90%80%80',
  '%FE%FF',
  'a%80b',
  '%',
  '%zz',
  '%E',
  '%%',
  '%u0041',
];
const EXTRA_NAMES = [
  'fuzz',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '$where',
  'a[b]',
  'x.y',
  'limit[]',
];

function someParam(op: Operation, ctx: GenContext): Parameter {
  return pick(ctx.r, paramsOf(op));
}

const hasParams = (op: Operation) => paramsOf(op).length > 0;

export const PARAM_MUTANTS: Mutant[] = [
  {
    name: 'param-wrong-type',
    applies: hasParams,
    apply: (op, d, ctx) => {
      const param = someParam(op, ctx);
      setParam(d, param, wrongTyped(param.schema, ctx.r));
    },
  },
  {
    name: 'param-missing-required',
    applies: (op) => paramsOf(op).some((p) => p.required) || op.queryParams.length > 0,
    apply: (op, d, ctx) => {
      const required = paramsOf(op).filter((p) => p.required);
      const param = required.length > 0 ? pick(ctx.r, required) : someParam(op, ctx);
      if (param.in === 'path') d.pathParams[param.name] = '';
      else d.query = d.query.filter(([k]) => k !== param.name);
    },
  },
  {
    name: 'param-extra',
    applies: () => true,
    apply: (_op, d, ctx) => {
      d.query.push([pick(ctx.r, EXTRA_NAMES), pick(ctx.r, ['1', '', 'x', '{"a":1}'])]);
    },
  },
  {
    name: 'param-boundary',
    applies: hasParams,
    apply: (op, d, ctx) => {
      const param = someParam(op, ctx);
      setParam(d, param, boundary(param.schema, ctx.r));
    },
  },
  {
    name: 'param-long',
    applies: hasParams,
    apply: (op, d, ctx) => {
      const length = pick(ctx.r, [4_000, 7_900, 9_000, 100_000, 1_048_576]);
      const char = length > 100_000 ? 'a' : pick(ctx.r, ['a', 'ż', '%']);
      setParam(d, someParam(op, ctx), char.repeat(length));
    },
  },
  {
    name: 'param-empty',
    applies: hasParams,
    apply: (op, d, ctx) => {
      const param = someParam(op, ctx);
      if (param.in === 'query' && chance(ctx.r, 0.5)) setEncoded(op, d, param, '');
      else setParam(d, param, '');
      if (param.in === 'query' && chance(ctx.r, 0.3)) d.rawQuery = encode(param.name);
    },
  },
  {
    name: 'param-invalid-utf8',
    applies: hasParams,
    apply: (op, d, ctx) => setEncoded(op, d, someParam(op, ctx), pick(ctx.r, BAD_ESCAPES)),
  },
  {
    name: 'param-nul',
    applies: hasParams,
    apply: (op, d, ctx) => {
      setParam(
        d,
        someParam(op, ctx),
        pick(ctx.r, ['\u0000', 'a\u0000', '\u0000b', 'office\u0000', 'L1,\u0000']),
      );
    },
  },
  {
    name: 'param-traversal',
    applies: hasParams,
    apply: (op, d, ctx) => {
      const param = someParam(op, ctx);
      if (chance(ctx.r, 0.5)) setEncoded(op, d, param, pick(ctx.r, RAW_TRAVERSAL));
      else setParam(d, param, pick(ctx.r, TRAVERSAL));
    },
  },
  {
    name: 'param-sql',
    applies: hasParams,
    apply: (op, d, ctx) => setParam(d, someParam(op, ctx), pick(ctx.r, SQL)),
  },
  {
    name: 'param-duplicate',
    applies: (op) => op.queryParams.length > 0,
    apply: (op, d, ctx) => {
      const given = d.query.length > 0 ? pick(ctx.r, d.query) : undefined;
      const [name, value] = given ?? [pick(ctx.r, op.queryParams).name, '1'];
      d.query.push([name, chance(ctx.r, 0.5) ? value : `${value}x`]);
      if (chance(ctx.r, 0.3)) d.query.push([name, value]);
    },
  },
];
