/**
 * The JSON and NDJSON writers: the document shape (header, rows, trailer), the value encoding
 * (timestamps as ISO text with milliseconds, numbers, booleans, null), keys in column order, the
 * same rows in both formats, and empty tables.
 */
import { describe, expect, it } from 'vitest';
import { toJson } from '../../../src/exports/json.js';
import { toNdjson } from '../../../src/exports/ndjson.js';
import { TABLE, TRICKY, collect, fixtureRows, inBatches, noRows } from './fixture.js';

describe('JSON writer', () => {
  it('writes header, rows and trailer as one document', async () => {
    const body = await collect(toJson(TABLE, inBatches(TRICKY), { nextCursor: 'abc' }));
    const doc = JSON.parse(body.toString('utf8'));
    expect(Object.keys(doc)).toEqual(['report', 'columns', 'rows', 'next_cursor', 'row_count']);
    expect(doc.report).toBe('fixture');
    expect(doc.columns).toEqual(TABLE.columns.map((c) => ({ name: c.name, type: c.type })));
    expect(doc.next_cursor).toBe('abc');
    expect(doc.row_count).toBe(TRICKY.length);
    expect(doc.rows).toHaveLength(TRICKY.length);
  });

  it('encodes each type as JSON has it, keys in column order', async () => {
    const body = await collect(toJson(TABLE, inBatches(TRICKY)));
    const { rows, next_cursor } = JSON.parse(body.toString('utf8'));
    expect(next_cursor).toBeNull();
    expect(Object.keys(rows[0])).toEqual(TABLE.columns.map((c) => c.name));
    expect(rows[0]).toEqual({
      id: 1,
      label: 'plain',
      status: 'open',
      created_at: '2026-01-01T10:00:00.000Z',
      closed_at: null,
      score: 1830.2,
      flag: true,
      amount: 0,
    });
    expect(rows[2].created_at).toBe('1969-12-31T23:59:59.999Z');
    expect(rows[1].label).toBe('');
    expect(rows[2].label).toBeNull();
    expect(rows[3].amount).toBe(Number.MAX_SAFE_INTEGER);
    expect(rows[4].amount).toBe(-Number.MAX_SAFE_INTEGER);
    expect(rows[5].score).toBe(1e-7);
    expect(rows[6].label).toBe('crlf\r\nline and cr\ronly');
    expect(rows[9].label).toBe('zażółć gęślą jaźń — 日本語 — 😀👍🏽');
    expect(rows[11].label).toBe('tab\there and ctrl\u0001char');
    // Every value round-trips: the text is JSON.parse-able and equal to the source.
    rows.forEach((row: Record<string, unknown>, r: number) => {
      TABLE.columns.forEach((c, i) => {
        const v = TRICKY[r]![i];
        const expected =
          c.type === 'timestamp' && v !== null ? new Date(v as number).toISOString() : v;
        expect(row[c.name]).toEqual(expected);
      });
    });
  });

  it('escapes lone surrogates and controls as JSON.stringify does', async () => {
    const table = { ...TABLE, columns: TABLE.columns.slice(0, 2) };
    const rows = [
      [1, 'lone \ud800 high'],
      [2, '\u0000\u001f"\\'],
    ];
    const body = await collect(toJson(table, inBatches(rows)));
    expect(body.toString('utf8')).toContain(
      `"rows":[{"id":1,"label":"lone \\ud800 high"},{"id":2,"label":"\\u0000\\u001f\\"\\\\"}]`,
    );
  });

  it('writes an empty table as a document with no rows', async () => {
    const body = await collect(toJson(TABLE, noRows()));
    const doc = JSON.parse(body.toString('utf8'));
    expect(doc.rows).toEqual([]);
    expect(doc.row_count).toBe(0);
    expect(doc.next_cursor).toBeNull();
  });
});

describe('NDJSON writer', () => {
  it('writes one object per line and a trailer line', async () => {
    const body = (
      await collect(toNdjson(TABLE, inBatches(TRICKY), { nextCursor: 'next' }))
    ).toString('utf8');
    expect(body.endsWith('\n')).toBe(true);
    const lines = body.slice(0, -1).split('\n');
    expect(lines).toHaveLength(TRICKY.length + 1);
    expect(JSON.parse(lines.at(-1)!)).toEqual({
      _trailer: true,
      next_cursor: 'next',
      row_count: TRICKY.length,
    });
  });

  it('gives the JSON writer’s rows, line by line', async () => {
    const rows = fixtureRows(20_000);
    const [json, ndjson] = await Promise.all([
      collect(toJson(TABLE, inBatches(rows))),
      collect(toNdjson(TABLE, inBatches(rows))),
    ]);
    const lines = ndjson.toString('utf8').slice(0, -1).split('\n');
    const trailer = JSON.parse(lines.pop()!);
    expect(trailer).toEqual({ _trailer: true, next_cursor: null, row_count: rows.length });
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(
      JSON.parse(json.toString('utf8')).rows,
    );
  });

  it('writes an empty table as the trailer alone', async () => {
    const body = await collect(toNdjson(TABLE, noRows()));
    expect(body.toString('utf8')).toBe('{"_trailer":true,"next_cursor":null,"row_count":0}\n');
  });
});
