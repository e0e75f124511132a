/**
 * Mutants of request bodies. Each picks a node of the valid body's JSON tree (the root included)
 * and breaks it: wrong types, missing and unknown members, boundary numbers, 1 MB and empty
 * strings, bytes that are not UTF-8, NUL, lone surrogates, 10,000 levels of nesting, giant
 * arrays; or breaks the body as a whole: malformed JSON, no body, the wrong media type.
 */
import { rawBytes, rawJson, serialise, type Draft } from './draft.js';
import type { Mutant } from './mutants-params.js';
import { chance, pick, type Random } from './random.js';
import type { Operation } from './spec.js';

type Path = Array<string | number>;
type Json = Record<string | number, unknown>;

/** The paths of every node of `value`, breadth first, at most `max`. */
function nodes(value: unknown, max = 400): Path[] {
  const out: Path[] = [];
  const queue: Array<[Path, unknown]> = [[[], value]];
  while (queue.length > 0 && out.length < max) {
    const [path, v] = queue.shift()!;
    out.push(path);
    if (typeof v !== 'object' || v === null) continue;
    for (const [k, child] of Object.entries(v)) {
      queue.push([[...path, Array.isArray(v) ? Number(k) : k], child]);
    }
  }
  return out;
}

function at(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Json | undefined)?.[k], root);
}

/** Sets the node at `path` (an own property even for `__proto__`). */
function setAt(d: Draft & { body: { json: unknown } }, path: Path, value: unknown): void {
  if (path.length === 0) {
    d.body = { json: value };
    return;
  }
  const parent = at(d.body.json, path.slice(0, -1)) as Json;
  Object.defineProperty(parent, path.at(-1)!, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

type JsonDraft = Draft & { body: { json: unknown } };
const hasJson = (d: Draft): d is JsonDraft => d.body !== undefined && 'json' in d.body;

/** A node of the body, preferring those `want` accepts (leaves of a type, objects). */
function node(d: JsonDraft, r: Random, want?: (v: unknown) => boolean): Path {
  const all = nodes(d.body.json);
  const fit = want ? all.filter((p) => want(at(d.body.json, p))) : all;
  return pick(r, fit.length > 0 ? fit : all);
}

const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

function wrongType(v: unknown, r: Random): unknown {
  if (typeof v === 'string') return pick(r, [123, true, null, [], {}, ['x']]);
  if (typeof v === 'number') return pick(r, ['12', true, null, [1], {}, '']);
  if (typeof v === 'boolean') return pick(r, ['true', 1, null, 'false']);
  if (Array.isArray(v)) return pick(r, [{}, 'x', 1, null, { 0: v[0] }]);
  if (isObject(v)) return pick(r, [[], 'x', 1, null, [v]]);
  return pick(r, ['x', 0, {}, []]);
}

const NUMBERS = [
  -1,
  0,
  -0,
  1e308,
  -1e308,
  5e-324,
  2 ** 53 + 1,
  315_360_001,
  315_360_000,
  1e21,
  0.1 + 0.2,
  100,
  101,
  2 ** 31,
];
const RAW_NUMBERS = [
  '1e999',
  '-1e999',
  'NaN',
  'Infinity',
  '0x10',
  '01',
  '1.',
  '.5',
  '+1',
  '-',
  '1e',
  '123456789012345678901234567890',
];
const BAD_BYTES = [
  [0xff],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xe2, 0x82],
  [0xf4, 0x90, 0x80, 0x80],
  [0x80],
  [0xfe, 0xff],
  [0x00],
  [0x0a],
  [0x1b],
];
const EXTRA_KEYS = [
  'fuzz',
  '__proto__',
  'constructor',
  'prototype',
  '',
  ' ',
  'a'.repeat(300),
  'a\u0000b',
  '\ud800',
];

function huge(r: Random): string {
  return pick(r, [
    () => 'a'.repeat(1_048_576),
    () => 'ż'.repeat(300_000),
    () => 'x'.repeat(500_000),
    () => '😀'.repeat(100_000),
  ])();
}

function nested(r: Random): string {
  const depth = pick(r, [10_000, 10_000, 1_000, 100_000]);
  return chance(r, 0.7)
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '{}' + '}'.repeat(depth);
}

function giant(r: Random): unknown {
  return pick(r, [
    () => new Array<number>(100_000).fill(0),
    () => new Array<string>(100_000).fill('x'),
    () => Array.from({ length: 10_001 }, () => ({})),
    () => Array.from({ length: 50_000 }, (_, i) => ({ id: `g${i}` })),
  ])();
}

/** A body mutant that edits one node of the JSON tree. */
function treeMutant(name: string, edit: (d: JsonDraft, r: Random, op: Operation) => void): Mutant {
  return {
    name,
    applies: (op) => op.body !== undefined,
    apply: (op, d, ctx) => {
      if (!hasJson(d)) d.body = { json: parseRaw(d) };
      edit(d as JsonDraft, ctx.r, op);
    },
  };
}

/** An NDJSON body as its events, so the tree mutants can reach them. */
function parseRaw(d: Draft): unknown {
  const raw = d.body && 'raw' in d.body ? d.body.raw.toString() : '[]';
  d.headers['content-type'] = 'application/json';
  return raw
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown);
}

/** The valid body's events as NDJSON lines, whatever its media type. */
function ndjsonLines(d: Draft): string[] {
  if (d.body && 'raw' in d.body) return d.body.raw.toString().split('\n');
  const json: unknown = d.body && 'json' in d.body ? d.body.json : [];
  return (Array.isArray(json) ? json : [json]).map((e) => JSON.stringify(e));
}

/** Ways to break an NDJSON stream: bad lines among good ones, a line past 1 MiB, odd bytes. */
const NDJSON_BREAKERS: Array<(lines: string[]) => string | Buffer> = [
  (lines) => [lines[0], 'not json', ...lines.slice(1)].join('\n'),
  (lines) => [...lines, '{"id":'].join('\n'),
  (lines) => [...lines, `{"id":"${'x'.repeat(1_100_000)}"}`].join('\n'),
  (lines) => lines.join('\r\n'),
  (lines) => `\ufeff${lines.join('\n')}`,
  (lines) => `\n\n${lines.join('\n\n')}\n\n`,
  () => '\n \n\t\n',
  (lines) => [...lines, '[]', 'null', '1', '"x"', '{}'].join('\n'),
  (lines) =>
    Buffer.concat([
      Buffer.from(`${lines.join('\n')}\n{"id":"`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]),
  (lines) => `${lines.join('\n')}\n${'['.repeat(10_000)}${']'.repeat(10_000)}`,
  (lines) => lines.map((l) => l.replace('{', '{"id":"dup",')).join('\n'),
];

export const BODY_MUTANTS: Mutant[] = [
  treeMutant('body-wrong-type', (d, r) => {
    const path = node(d, r);
    setAt(d, path, wrongType(at(d.body.json, path), r));
  }),
  treeMutant('body-missing-field', (d, r) => {
    const path = node(d, r, isObject);
    const parent = at(d.body.json, path) as Json;
    const keys = Object.keys(parent);
    if (keys.length > 0) delete parent[pick(r, keys)];
  }),
  treeMutant('body-extra-field', (d, r) => {
    const path = node(d, r, isObject);
    setAt(d, [...path, pick(r, EXTRA_KEYS)], pick(r, [1, 'x', { polluted: true }, null, []]));
  }),
  treeMutant('body-boundary-number', (d, r) => {
    const path = node(d, r, (v) => typeof v === 'number');
    const raw = chance(r, 0.3);
    setAt(d, path, raw ? rawJson(pick(r, RAW_NUMBERS)) : pick(r, NUMBERS));
  }),
  treeMutant('body-huge-string', (d, r) =>
    setAt(
      d,
      node(d, r, (v) => typeof v === 'string'),
      huge(r),
    ),
  ),
  treeMutant('body-empty-string', (d, r) =>
    setAt(
      d,
      node(d, r, (v) => typeof v === 'string'),
      '',
    ),
  ),
  treeMutant('body-invalid-utf8', (d, r) => {
    const path = node(d, r, (v) => typeof v === 'string');
    const value = at(d.body.json, path);
    const text = typeof value === 'string' ? value : 'x';
    setAt(d, path, `${text.slice(0, 1)}${rawBytes(pick(r, BAD_BYTES))}${text.slice(1)}`);
  }),
  treeMutant('body-nul', (d, r) => {
    const path = node(d, r, (v) => typeof v === 'string');
    setAt(d, path, pick(r, ['\u0000', 'a\u0000b', `${String(at(d.body.json, path))}\u0000`]));
  }),
  treeMutant('body-lone-surrogate', (d, r) => {
    const path = node(d, r, (v) => typeof v === 'string');
    setAt(d, path, pick(r, ['\ud800', 'a\udfff', '\udc00\ud800', '😀'.slice(0, 1)]));
  }),
  treeMutant('body-deep-nesting', (d, r) => setAt(d, node(d, r), rawJson(nested(r)))),
  treeMutant('body-giant-array', (d, r) => setAt(d, node(d, r), giant(r))),
  {
    name: 'body-malformed-json',
    applies: (op) => op.body !== undefined,
    apply: (_op, d, ctx) => {
      const text = d.body
        ? ('json' in d.body ? serialise(d.body.json) : d.body.raw).toString()
        : '{}';
      const r = ctx.r;
      const cut = Math.floor(r() * text.length);
      d.body = {
        raw: pick(r, [
          text.slice(0, cut),
          `${text},`,
          `\ufeff${text}`,
          `${text} garbage`,
          text.replace(/"/g, "'"),
          '{"a":1,}',
          '[1,]',
          `// comment\n${text}`,
          `${text}${text}`,
          '{"timezone":"UTC","timezone":1,"weekly":{},"policies":[]}',
          '{',
          ']',
          'null',
          '"\\ud800"',
          '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}',
        ]),
      };
    },
  },
  {
    name: 'body-empty',
    applies: (op) => op.body !== undefined,
    apply: (_op, d, ctx) => {
      const choice = pick(ctx.r, ['none', 'zero', 'json', 'json', 'no-type']);
      if (choice === 'none') delete d.body;
      else if (choice === 'zero') d.body = { raw: '' };
      else if (choice === 'no-type') delete d.headers['content-type'];
      else d.body = { json: pick(ctx.r, [null, {}, [], '', 0, true, [null], [[]], [{}]]) };
    },
  },
  {
    name: 'ndjson-lines',
    applies: (op) => op.body?.['application/x-ndjson'] !== undefined,
    apply: (_op, d, ctx) => {
      const lines = ndjsonLines(d);
      d.headers['content-type'] = 'application/x-ndjson';
      d.body = { raw: pick(ctx.r, NDJSON_BREAKERS)(lines) };
      if (chance(ctx.r, 0.3))
        d.query = [...d.query.filter(([k]) => k !== 'atomic'), ['atomic', 'true']];
    },
  },
  {
    name: 'wrong-content-type',
    applies: (op) => op.body !== undefined,
    apply: (_op, d, ctx) => {
      d.headers['content-type'] = pick(ctx.r, [
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-16',
        'APPLICATION/JSON',
        'application/jsonx',
        'application/json; charset=latin1',
        'application/*',
        '*/*',
        ';;;',
        'application/json;',
        'application/vnd.api+json',
        'text/csv',
        'application/x-ndjson',
        'application/cloudevents+json',
        'application/json, text/plain',
        'application/json; boundary="',
      ]);
    },
  },
];
