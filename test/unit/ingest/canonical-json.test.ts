/** canonicalJson: one encoding per content, so reordered keys are a duplicate, not a conflict. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/ingest/canonical-json.js';

describe('canonicalJson', () => {
  it.each<[string, unknown, string]>([
    ['keys sorted', { b: 1, a: 2 }, '{"a":2,"b":1}'],
    [
      'nested objects sorted, arrays keep their order',
      { z: { y: 1, x: [{ b: 1, a: 2 }, 3] }, a: null },
      '{"a":null,"z":{"x":[{"a":2,"b":1},3],"y":1}}',
    ],
    ['keys sorted by UTF-16 code unit', { é: 1, z: 2, A: 3, a: 4 }, '{"A":3,"a":4,"z":2,"é":1}'],
    ['undefined members dropped (as JSON.stringify does)', { a: undefined, b: 1 }, '{"b":1}'],
    ['undefined array items become null (as JSON.stringify does)', [1, undefined, 2], '[1,null,2]'],
    ['empty object', {}, '{}'],
    ['empty array', [], '[]'],
    ['string escaped', 'a"b\n', '"a\\"b\\n"'],
    ['key escaped', { 'a"b': 1 }, '{"a\\"b":1}'],
    ['number', 1.5, '1.5'],
    ['boolean', true, 'true'],
    ['null', null, 'null'],
    ['undefined at the top', undefined, 'null'],
  ])('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('two key orders of one event encode identically; a changed value does not', () => {
    const a = {
      id: 'e',
      data: { priority: 'high', channel: 'email', tags: ['x', 'y'] },
      actor: { type: 'agent', id: '1' },
    };
    const b = {
      actor: { id: '1', type: 'agent' },
      data: { tags: ['x', 'y'], channel: 'email', priority: 'high' },
      id: 'e',
    };
    const c = { ...b, data: { ...b.data, tags: ['y', 'x'] } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).not.toBe(canonicalJson(c));
  });

  it('parses back to the same value', () => {
    const value = { z: [1, { q: 'r', p: [true, null] }], a: { c: 'd', b: -0.25 } };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  it.each<[string, string, string]>([
    ['array-index keys', '{"b":1,"10":2,"9":3,"a":4}', '{"10":2,"9":3,"a":4,"b":1}'],
    ['index keys only, in order', '{"1":1,"2":2}', '{"1":1,"2":2}'],
    ['__proto__ as a key', '{"z":1,"__proto__":2}', '{"__proto__":2,"z":1}'],
    ['already sorted', '{"a":1,"b":[1,"x"],"c":null}', '{"a":1,"b":[1,"x"],"c":null}'],
  ])('%s (parsed from JSON)', (_name, text, expected) => {
    expect(canonicalJson(JSON.parse(text))).toBe(expected);
  });

  it('equals a plain reference encoding for any parsed JSON', () => {
    const reference = (v: unknown): string => {
      if (v === null || typeof v !== 'object') return JSON.stringify(v);
      if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`;
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(o[k])}`).join(',')}}`;
    };
    const key = fc.oneof(
      fc.string({ maxLength: 4 }),
      fc.constantFrom('__proto__', '0', '1', '10', '9', '01', '-1', 'a', 'B', 'é'),
    );
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }),
        fc.dictionary(key, fc.jsonValue({ maxDepth: 1 })),
        (nested, flat) => {
          // Through JSON text, as events arrive: `__proto__` is then an own key.
          for (const value of [nested, flat]) {
            const parsed = JSON.parse(JSON.stringify(value)) as unknown;
            expect(canonicalJson(parsed)).toBe(reference(parsed));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
