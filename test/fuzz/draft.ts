/**
 * A request while it is being generated (a draft: parameters by name, the body as a value) and
 * the bytes it becomes. Mutants edit drafts; {@link build} percent-encodes and serialises.
 */
import type { Fixture } from './fixture.js';
import type { Random } from './random.js';
import type { Operation, Spec } from './spec.js';

export type DraftBody = { json: unknown } | { raw: string | Buffer };

export interface Draft {
  method: string;
  pathParams: Record<string, string>;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body?: DraftBody;
  /** An already-encoded path that replaces the operation's (raw `../`, invalid escapes). */
  rawPath?: string;
  /** Already-encoded text appended to the query string. */
  rawQuery?: string;
}

export interface BuiltRequest {
  seed: number;
  index: number;
  operationId: string;
  /** `valid`, or the mutant that produced it. */
  variant: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

/** What generating one request needs. */
export interface GenContext {
  r: Random;
  spec: Spec;
  fixture: Fixture;
  seed: number;
  index: number;
}

/** Percent-encodes every byte of the UTF-8 form but RFC 3986's unreserved characters. */
export function encode(value: string): string {
  return encodeURIComponent(value.toWellFormed()).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * A string that {@link serialise} replaces by `text` verbatim: JSON text that JSON.stringify
 * cannot write (10,000 nested arrays overflow its stack; `1e999`, `NaN`, a raw byte).
 */
export const rawJson = (text: string) => `\u0001raw:${Buffer.from(text).toString('hex')}\u0001`;

/** Strings {@link serialise} replaces by bytes that are not UTF-8 (or not JSON). */
export const rawBytes = (bytes: number[]) =>
  `\u0002bytes:${Buffer.from(bytes).toString('hex')}\u0002`;

const RAW_JSON = /"\\u0001raw:([0-9a-f]*)\\u0001"/g;
const RAW_BYTES = /\\u0002bytes:([0-9a-f]*)\\u0002/g;

/** JSON text of `value` with its {@link rawJson} and {@link rawBytes} markers written out. */
export function serialise(value: unknown): string | Buffer {
  const text = JSON.stringify(value).replace(RAW_JSON, (_m, hex: string) =>
    Buffer.from(hex, 'hex').toString(),
  );
  if (!text.includes('\\u0002bytes:')) return text;
  const parts: Buffer[] = [];
  let last = 0;
  for (const match of text.matchAll(RAW_BYTES)) {
    parts.push(Buffer.from(text.slice(last, match.index)), Buffer.from(match[1]!, 'hex'));
    last = match.index + match[0].length;
  }
  parts.push(Buffer.from(text.slice(last)));
  return Buffer.concat(parts);
}

export function pathOf(op: Operation, draft: Draft): string {
  if (draft.rawPath !== undefined) return draft.rawPath;
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
    encode(draft.pathParams[name] ?? ''),
  );
}

export function build(op: Operation, draft: Draft, ctx: GenContext, variant: string): BuiltRequest {
  const parts = draft.query.map(([k, v]) => `${encode(k)}=${encode(v)}`);
  if (draft.rawQuery !== undefined) parts.push(draft.rawQuery);
  const query = parts.length > 0 ? `?${parts.join('&')}` : '';
  const body = draft.body;
  const payload = body === undefined ? undefined : 'raw' in body ? body.raw : serialise(body.json);
  return {
    seed: ctx.seed,
    index: ctx.index,
    operationId: op.id,
    variant,
    method: draft.method,
    url: pathOf(op, draft) + query,
    headers: draft.headers,
    ...(payload !== undefined ? { payload } : {}),
  };
}

/** A deep copy of a draft, so a mutant never edits the valid request it started from. */
export function copyDraft(draft: Draft): Draft {
  return {
    ...draft,
    pathParams: { ...draft.pathParams },
    query: draft.query.map(([k, v]) => [k, v]),
    headers: { ...draft.headers },
    ...(draft.body
      ? { body: 'json' in draft.body ? { json: structuredClone(draft.body.json) } : draft.body }
      : {}),
  };
}
