/**
 * Rows as a server sends them: PostgreSQL's COPY text read into `TextBatch`es
 * (storage/reports/copy-rows.ts) and written by every writer straight from the bytes. Whatever
 * way the text is cut into chunks (inside an escape, inside a UTF-8 character), each format must
 * give what it gives for the same rows as values: the same bytes for JSON, NDJSON, CSV and
 * Parquet, the same decoded rows for Arrow and the same cells for XLSX (whose column widths
 * follow its first batch, whose size differs). Also the field readers of core/report/copy-text.ts.
 */
import fc from 'fast-check';
import { tableFromIPC } from '@uwdata/flechette';
import XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import {
  escapedByte,
  escapeEnd,
  textBatchRows,
  textFloat,
  textInt,
  textString,
} from '../../../src/core/report/copy-text.js';
import type { ColumnType, ReportRow, TextBatch } from '../../../src/core/report/table.js';
import { EXPORT_FORMATS, EXPORT_FORMAT_NAMES } from '../../../src/exports/index.js';
import { pgFloat } from '../../../src/exports/text.js';
import { copyTextBatches } from '../../../src/storage/reports/copy-rows.js';
import { LARGE, TABLE, TRICKY, collect, fixtureRows, inBatches } from './fixture.js';

const TYPES: ColumnType[] = TABLE.columns.map((c) => c.type);

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/** A value as `COPY … TO STDOUT` (text) prints it: what statements.ts asks the server for. */
function copyField(v: ReportRow[number], type: ColumnType): string {
  if (v === null) return '\\N';
  switch (type) {
    case 'string':
      return (v as string).replace(/[\\\b\f\n\r\t\v]/g, (c) => ESCAPES[c]!);
    case 'bool':
      return v === true ? 't' : 'f';
    case 'float':
      return pgFloat(v as number);
    case 'int':
    case 'timestamp':
      return String(v);
  }
}

function copyText(rows: readonly ReportRow[]): Buffer {
  return Buffer.from(
    rows.map((row) => row.map((v, c) => copyField(v, TYPES[c]!)).join('\t') + '\n').join(''),
  );
}

/** The text cut into chunks of the given sizes, repeating. */
async function* chunked(text: Buffer, sizes: readonly number[]): AsyncGenerator<Buffer> {
  for (let at = 0, k = 0; at < text.length; k++) {
    const size = sizes[k % sizes.length]!;
    yield text.subarray(at, at + size);
    at += size;
  }
}

const CUTS = [1, 2, 3, 5, 8, 13, 1000, 4096, 70_000];

function textBatches(rows: readonly ReportRow[], batchBytes = 700) {
  return copyTextBatches(chunked(copyText(rows), CUTS), TYPES.length, batchBytes);
}

describe('COPY text batches', () => {
  it('hold the rows, whatever the chunks and batch sizes', async () => {
    const rows = fixtureRows(3000);
    for (const batchBytes of [1, 100, 65_536]) {
      const got: ReportRow[] = [];
      for await (const batch of textBatches(rows, batchBytes)) {
        got.push(...textBatchRows(batch, TYPES));
      }
      expect(got).toEqual(rows);
    }
  });

  it('mark only `\\N` as null, not the text "\\N" nor an empty string', async () => {
    const rows: ReportRow[] = [[1, '\\N', '', 0, null, null, null, null]];
    const batches: TextBatch[] = [];
    for await (const b of textBatches(rows)) batches.push({ ...b });
    expect(batches[0]!.starts[1]).toBeGreaterThanOrEqual(0);
    expect(batches[0]!.starts[2]).toBeGreaterThanOrEqual(0);
    expect(batches[0]!.starts[4]).toBe(-1);
    expect(textBatchRows(batches[0]!, TYPES)).toEqual(rows);
  });

  it('refuse a row of the wrong width and a stream cut inside a row', async () => {
    const read = async (text: string) => {
      for await (const _ of copyTextBatches(chunked(Buffer.from(text), [3]), 3, 1)) void _;
    };
    await expect(read('1\t2\n')).rejects.toThrow('COPY row with 2 fields, not 3');
    await expect(read('1\t2\t3\t4\n')).rejects.toThrow('more than 3 fields');
    await expect(read('1\t2\t3\n4\t5')).rejects.toThrow('ended inside a row');
  });
});

describe.each(EXPORT_FORMAT_NAMES)('%s writer on COPY text', (name) => {
  const { write } = EXPORT_FORMATS[name];
  const rows = fixtureRows(name === 'xlsx' ? 5000 : LARGE);

  it('writes what it writes for the same rows as values', async () => {
    const fromValues = await collect(write(TABLE, inBatches(rows), { nextCursor: 'c' }));
    const fromText = await collect(write(TABLE, textBatches(rows, 65_536), { nextCursor: 'c' }));
    if (name === 'arrow') {
      const decode = (bytes: Uint8Array) =>
        tableFromIPC(bytes, { useBigInt: false, useDate: false }).toArray();
      expect(decode(fromText)).toEqual(decode(fromValues));
    } else if (name === 'xlsx') {
      const cells = (bytes: Buffer) => {
        const book = XLSX.read(bytes, { type: 'buffer' });
        return book.SheetNames.map((n) => XLSX.utils.sheet_to_json(book.Sheets[n]!));
      };
      const got = cells(fromText);
      expect(got[0]).toHaveLength(rows.length);
      expect(got).toEqual(cells(fromValues));
    } else {
      expect(fromText.equals(fromValues)).toBe(true);
    }
  });
});

describe('field readers', () => {
  const bytes = (s: string) => Buffer.from(s, 'latin1');

  it('read integers exactly across the safe range, longer ones as Number does', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        const b = bytes(String(n));
        expect(textInt(b, 0, b.length)).toBe(n);
      }),
    );
    const big = bytes('-12345678901234567890');
    expect(textInt(big, 0, big.length)).toBe(Number('-12345678901234567890'));
  });

  it('read floats as PostgreSQL prints them to the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const b = bytes(pgFloat(n));
        expect(Object.is(textFloat(b, 0, b.length), n)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    for (const text of ['0.1', '-0', '1830.2', '123456789.125', '1e-05', 'NaN', '-Infinity']) {
      const b = bytes(text);
      expect(Object.is(textFloat(b, 0, b.length), Number(text))).toBe(true);
    }
  });

  it('undo every escape COPY writes or reads', () => {
    const cases: Array<[string, number, number]> = [
      ['\\\\', 0x5c, 2],
      ['\\n', 0x0a, 2],
      ['\\t', 0x09, 2],
      ['\\v', 0x0b, 2],
      ['\\101x', 0x41, 4],
      ['\\7', 0x07, 2],
      ['\\x41', 0x41, 4],
      ['\\x4', 0x04, 3],
      ['\\q', 0x71, 2],
      ['\\', 0x5c, 1],
    ];
    for (const [text, byte, end] of cases) {
      const b = bytes(text);
      expect([escapedByte(b, 0, b.length), escapeEnd]).toEqual([byte, end]);
    }
    const utf8 = Buffer.from('tab\\there — 日本語 😀 back\\\\slash');
    expect(textString(utf8, 0, utf8.length)).toBe('tab\there — 日本語 😀 back\\slash');
  });

  it('read the tricky rows back from their COPY text', async () => {
    const got: ReportRow[] = [];
    for await (const batch of textBatches(TRICKY, 1)) got.push(...textBatchRows(batch, TYPES));
    expect(got).toEqual(TRICKY);
  });
});
