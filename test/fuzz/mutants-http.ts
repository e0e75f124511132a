/**
 * Mutants of the request around its parameters: the Authorization header, the method, Accept and
 * If-None-Match, and URLs around the service's length limit.
 */
import { build, type Draft, type GenContext } from './draft.js';
import type { Mutant } from './mutants-params.js';
import { pick } from './random.js';
import { methodsOf, type Operation } from './spec.js';

/** The service's URL limit (src/http/errors.ts MAX_URL_LENGTH). */
export const URL_LIMIT = 8 * 1024;

function badAuthorization(key: string, other: string, r: GenContext['r']): string | undefined {
  return pick(r, [
    undefined,
    '',
    'Bearer',
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    `bearer ${key}`,
    `Bearer ${key}x`,
    `Bearer ${key.slice(0, -1)}`,
    `Bearer ${key} extra`,
    `Bearer  ${key}`,
    `Token ${key}`,
    `Bearer ${'x'.repeat(10_000)}`,
    `Bearer ${key}\u0000`,
    'Bearer \u00e9\u00e8',
    'Bearer null',
    `Bearer ${other}`,
    `Bearer ${key.toUpperCase()}`,
    `Bearer ${key},Bearer ${key}`,
    "Bearer ' OR 1=1 --",
  ]);
}

const ACCEPTS = [
  'text/html',
  'application/xml',
  '*/*;q=0',
  'text/csv;q=0, application/json;q=0',
  'application/json;q=abc',
  ',,,',
  'x'.repeat(5000),
  'text/*',
  'application/*',
  'image/png, */*;q=0.1',
  'application/vnd.apache.parquet;q=1, text/csv;q=0.9',
  'application/json;q=-1',
  'application/json;q=NaN, text/csv',
  '',
  'application/x-ndjson;charset=utf-16',
];

function padTo(op: Operation, d: Draft, ctx: GenContext): void {
  const target = pick(ctx.r, [URL_LIMIT - 1, URL_LIMIT, URL_LIMIT + 1, 16_000, 70_000]);
  const name = op.queryParams.find((p) => p.name === 'team' || p.name === 'agent')?.name ?? 'pad';
  d.query = d.query.filter(([k]) => k !== name);
  const base = build(op, { ...d, query: [...d.query, [name, '']] }, ctx, '').url;
  // The URL as the router sees it: path and query of the parsed URL.
  const parsed = new URL(base, 'http://localhost');
  const length = parsed.pathname.length + parsed.search.length;
  d.query.push([name, 'a'.repeat(Math.max(0, target - length))]);
}

export const HTTP_MUTANTS: Mutant[] = [
  {
    name: 'bad-auth',
    applies: (op) => op.secured,
    apply: (_op, d, ctx) => {
      const { keys } = ctx.fixture;
      const value = badAuthorization(keys.admin, pick(ctx.r, Object.values(keys)), ctx.r);
      if (value === undefined) delete d.headers.authorization;
      else d.headers.authorization = value;
    },
  },
  {
    name: 'wrong-method',
    applies: () => true,
    apply: (op, d, ctx) => {
      const taken = methodsOf(ctx.spec, op.path);
      d.method = pick(
        ctx.r,
        ['DELETE', 'PATCH', 'POST', 'PUT', 'OPTIONS'].filter((m) => !taken.includes(m)),
      );
    },
  },
  {
    name: 'bad-accept',
    applies: (op) => Object.keys(op.responses.get(200) ?? {}).length > 1,
    apply: (_op, d, ctx) => {
      d.query = d.query.filter(([k]) => k !== 'format');
      d.headers.accept = pick(ctx.r, ACCEPTS);
    },
  },
  {
    name: 'bad-if-none-match',
    applies: (op) => op.responses.has(304),
    apply: (op, d, ctx) => {
      const etag = ctx.fixture.etags[op.path] ?? '"x"';
      d.headers['if-none-match'] = pick(ctx.r, [
        '*',
        'W/"abc"',
        '"',
        '',
        'x'.repeat(10_000),
        `${etag}, W/"x"`,
        `W/${etag}`,
        etag.slice(1),
        `"${'a'.repeat(100)}"`,
      ]);
    },
  },
  { name: 'long-url', applies: () => true, apply: padTo },
];
