/**
 * Values that satisfy a JSON Schema (the subset TypeBox writes: type and type lists, enum, const,
 * anyOf/oneOf/allOf, formats, string lengths, simple patterns, numeric bounds, arrays and
 * tuples, objects), drawn from a seeded PRNG. Bounds are hit on purpose now and then: a minimum,
 * a maximum and a maxLength are valid values too.
 */
import { chance, int, pick, type Random } from './random.js';
import type { Schema } from './spec.js';

export interface ValueContext {
  r: Random;
  resolve: (schema: Schema) => Schema;
  /** Instants are drawn from this window (ms), so valid requests meet the seeded data. */
  window: { from: number; to: number };
}

/** Valid text beyond ASCII: Latin-1, CJK, an astral emoji, a combining accent. */
const WORDS = ['alpha', 'beta', 'L1', 'zażółć', 'café', '日本語', 'x', 'team-7', '🙂ok', 'e\u0301'];

export function instantIn(r: Random, window: { from: number; to: number }): string {
  const ms = window.from + Math.floor(r() * (window.to - window.from));
  return new Date(ms).toISOString();
}

function classChars(body: string): string[] {
  const chars: string[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (body[i + 1] === '-' && i + 2 < body.length) {
      for (let code = c.charCodeAt(0); code <= body.charCodeAt(i + 2); code++) {
        chars.push(String.fromCharCode(code));
      }
      i += 2;
    } else chars.push(c === '\\' ? body[++i]! : c);
  }
  return chars;
}

function repeatOf(
  pattern: string,
  at: number,
  r: Random,
): { count: number; next: number } | undefined {
  const q = pattern[at];
  if (q === '*') return { count: int(r, 0, 8), next: at + 1 };
  if (q === '+') return { count: int(r, 1, 8), next: at + 1 };
  if (q === '?') return { count: int(r, 0, 1), next: at + 1 };
  if (q !== '{') return undefined;
  const close = pattern.indexOf('}', at);
  const [lo = '0', hi] = pattern.slice(at + 1, close).split(',');
  const max = hi === undefined ? Number(lo) : hi === '' ? Number(lo) + 8 : Number(hi);
  return { count: int(r, Number(lo), max), next: close + 1 };
}

/**
 * A string matching `pattern` when it is a sequence of literals and character classes with
 * quantifiers (`^[A-Za-z0-9][A-Za-z0-9._-]*$`, a UUID's); undefined for anything richer.
 */
export function fromPattern(pattern: string, r: Random): string | undefined {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    let chars: string[];
    if (c === '^' || c === '$') {
      i += 1;
      continue;
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (pattern[i + 1] === '^' || close < 0) return undefined;
      chars = classChars(pattern.slice(i + 1, close));
      i = close + 1;
    } else if ('()|.'.includes(c)) {
      return undefined;
    } else {
      chars = [c === '\\' ? pattern[++i]! : c];
      i += 1;
    }
    const repeat = repeatOf(pattern, i, r) ?? { count: 1, next: i };
    for (let k = 0; k < repeat.count; k++) out += pick(r, chars);
    i = repeat.next;
  }
  return new RegExp(pattern, 'u').test(out) ? out : undefined;
}

function uuid(r: Random): string {
  const hex = () => int(r, 0, 15).toString(16);
  const part = (n: number) => Array.from({ length: n }, hex).join('');
  return `${part(8)}-${part(4)}-4${part(3)}-a${part(3)}-${part(12)}`;
}

function stringValue(schema: Schema, ctx: ValueContext): string {
  const { r } = ctx;
  const min = (schema.minLength as number | undefined) ?? 0;
  const max = Math.min((schema.maxLength as number | undefined) ?? 64, 4096);
  if (schema.format === 'date-time') return instantIn(r, ctx.window);
  if (schema.format === 'date') return instantIn(r, ctx.window).slice(0, 10);
  if (schema.format === 'uuid') return uuid(r);
  if (typeof schema.pattern === 'string') {
    const matched = fromPattern(schema.pattern, r);
    if (matched !== undefined && matched.length >= min && matched.length <= max) return matched;
  }
  if (chance(r, 0.05) && max <= 4096) return 'm'.repeat(max);
  let text = min === 0 && chance(r, 0.05) ? '' : pick(r, WORDS);
  while ([...text].length < min) text += pick(r, WORDS);
  return [...text].slice(0, max).join('');
}

function numberValue(schema: Schema, r: Random, integer: boolean): number {
  const exclusive = schema.exclusiveMinimum as number | undefined;
  const lo = (schema.minimum as number | undefined) ?? (exclusive ?? -1000) + (integer ? 1 : 0.5);
  const hi = (schema.maximum as number | undefined) ?? lo + 100_000;
  const roll = r();
  if (roll < 0.1) return lo;
  if (roll < 0.2) return hi;
  const x = lo + r() * (hi - lo);
  return integer ? Math.floor(x) : Math.round(x * 1000) / 1000;
}

function objectValue(schema: Schema, ctx: ValueContext, depth: number): Record<string, unknown> {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    if (required.has(key) || chance(ctx.r, 0.5)) out[key] = valueOf(sub, ctx, depth + 1);
  }
  return out;
}

function arrayValue(schema: Schema, ctx: ValueContext, depth: number): unknown[] {
  if (Array.isArray(schema.items)) {
    return (schema.items as Schema[]).map((item) => valueOf(item, ctx, depth + 1));
  }
  const min = (schema.minItems as number | undefined) ?? 0;
  const max = Math.min((schema.maxItems as number | undefined) ?? min + 3, min + 3);
  const items = (schema.items ?? {}) as Schema;
  return Array.from({ length: int(ctx.r, min, max) }, () => valueOf(items, ctx, depth + 1));
}

function typed(type: string, schema: Schema, ctx: ValueContext, depth: number): unknown {
  switch (type) {
    case 'string':
      return stringValue(schema, ctx);
    case 'integer':
    case 'number':
      return numberValue(schema, ctx.r, type === 'integer');
    case 'boolean':
      return chance(ctx.r, 0.5);
    case 'null':
      return null;
    case 'array':
      return arrayValue(schema, ctx, depth);
    default:
      return objectValue(schema, ctx, depth);
  }
}

/** A value valid against `schema`. */
export function valueOf(schema: Schema, ctx: ValueContext, depth = 0): unknown {
  const s = ctx.resolve(schema);
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return pick(ctx.r, s.enum as unknown[]);
  const branches = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (branches) return valueOf(pick(ctx.r, branches), ctx, depth);
  if (Array.isArray(s.allOf)) {
    return Object.assign({}, ...(s.allOf as Schema[]).map((b) => valueOf(b, ctx, depth)));
  }
  const types = Array.isArray(s.type) ? (s.type as string[]) : [(s.type as string) ?? 'object'];
  const nonNull = types.filter((t) => t !== 'null');
  const type =
    nonNull.length > 0 && !chance(ctx.r, 0.1) ? pick(ctx.r, nonNull) : pick(ctx.r, types);
  return typed(type, s, ctx, depth);
}
