/**
 * The Arrow writer: an IPC stream decoded by two readers other than the writer's own code —
 * flechette and apache-arrow's stream reader — equal to the JSON writer's rows, with the schema
 * types asked for (Timestamp ms UTC, Int64, Float64, Bool, Utf8, Dictionary<Int32, Utf8>),
 * record batches of at most ARROW_BATCH_ROWS (16,384) rows, dictionaries across batches as deltas and, past the
 * limit, as replacements, and a valid stream for an empty table.
 */
import {
  MessageHeader,
  MessageReader,
  tableFromIPC as arrowFromIPC,
  type Table,
} from 'apache-arrow';
import { Precision, TimeUnit, Type, tableFromIPC as flechetteFromIPC } from '@uwdata/flechette';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARROW_BATCH_ROWS, toArrow, type ArrowOptions } from '../../../src/exports/arrow.js';
import {
  LARGE,
  TABLE,
  collect,
  fixtureRows,
  inBatches,
  jsonRows,
  noRows,
  type JsonRow,
} from './fixture.js';

const TIMESTAMPS = new Set(TABLE.columns.filter((c) => c.type === 'timestamp').map((c) => c.name));

/** A decoded value as the JSON writer writes it. */
function asJson(name: string, v: unknown): JsonRow[string] {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (TIMESTAMPS.has(name)) return new Date(v as number).toISOString();
  return v as JsonRow[string];
}

function flechetteRows(bytes: Uint8Array): JsonRow[] {
  const table = flechetteFromIPC(bytes, { useBigInt: false, useDate: false });
  return table
    .toArray()
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, asJson(k, v)])));
}

function apacheArrowRows(table: Table): JsonRow[] {
  return table
    .toArray()
    .map((row: { toJSON(): Record<string, unknown> }) =>
      Object.fromEntries(Object.entries(row.toJSON()).map(([k, v]) => [k, asJson(k, v)])),
    );
}

/** The dictionary messages of a stream, in order: id and whether each is a delta. */
function dictionaryMessages(
  bytes: Uint8Array,
): Array<{ id: number; isDelta: boolean; length: number }> {
  const out: Array<{ id: number; isDelta: boolean; length: number }> = [];
  const reader = new MessageReader(bytes);
  for (const message of reader) {
    if (message.headerType === MessageHeader.DictionaryBatch) {
      const header = message.header() as unknown as {
        id: number;
        isDelta: boolean;
        length: number;
      };
      out.push({ id: header.id, isDelta: header.isDelta, length: header.length });
    }
    reader.readMessageBody(message.bodyLength);
  }
  return out;
}

async function arrowBytes(rows = fixtureRows(LARGE), options?: ArrowOptions) {
  return collect(toArrow(TABLE, inBatches(rows), {}, options));
}

describe('Arrow writer', () => {
  let rows: ReturnType<typeof fixtureRows>;
  let expected: JsonRow[];
  let bytes: Buffer;
  beforeAll(async () => {
    rows = fixtureRows(LARGE);
    expected = await jsonRows(rows);
    bytes = await arrowBytes(rows);
  });

  it('decodes with flechette to the JSON writer’s rows', () => {
    expect(flechetteRows(bytes)).toEqual(expected);
  });

  it('decodes with apache-arrow’s reader to the JSON writer’s rows', () => {
    expect(apacheArrowRows(arrowFromIPC(bytes))).toEqual(expected);
  });

  it('declares the types asked for', () => {
    const fields = flechetteFromIPC(bytes).schema.fields;
    const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
    expect(fields.map((f) => f.name)).toEqual(TABLE.columns.map((c) => c.name));
    expect(fields.map((f) => f.nullable)).toEqual(TABLE.columns.map((c) => c.nullable));
    expect(byName.id!.type).toMatchObject({ typeId: Type.Int, bitWidth: 64, signed: true });
    expect(byName.amount!.type).toMatchObject({ typeId: Type.Int, bitWidth: 64, signed: true });
    for (const name of ['created_at', 'closed_at']) {
      expect(byName[name]!.type).toMatchObject({
        typeId: Type.Timestamp,
        unit: TimeUnit.MILLISECOND,
        timezone: 'UTC',
      });
    }
    expect(byName.score!.type).toMatchObject({ typeId: Type.Float, precision: Precision.DOUBLE });
    expect(byName.flag!.type).toMatchObject({ typeId: Type.Bool });
    expect(byName.label!.type).toMatchObject({ typeId: Type.Utf8 });
    expect(byName.status!.type).toMatchObject({
      typeId: Type.Dictionary,
      dictionary: { typeId: Type.Utf8 },
      indices: { typeId: Type.Int, bitWidth: 32, signed: true },
    });
  });

  it('re-chunks into record batches of at most ARROW_BATCH_ROWS rows', () => {
    const table = arrowFromIPC(bytes);
    const sizes = table.batches.map((b) => b.numRows);
    const full = Math.floor(rows.length / ARROW_BATCH_ROWS);
    expect(full).toBeGreaterThan(2);
    expect(sizes).toEqual([
      ...Array<number>(full).fill(ARROW_BATCH_ROWS),
      rows.length - full * ARROW_BATCH_ROWS,
    ]);
    expect(
      flechetteFromIPC(bytes)
        .getChild('id')
        .data.map((d) => d.length),
    ).toEqual(sizes);
  });

  it('sends each batch only the dictionary values not sent before (deltas)', () => {
    const messages = dictionaryMessages(bytes);
    // A batch sends a dictionary message only when it holds values no earlier batch held.
    const seen = new Set<unknown>();
    const withNew: boolean[] = [];
    for (let at = 0; at < rows.length; at += ARROW_BATCH_ROWS) {
      const values = rows.slice(at, at + ARROW_BATCH_ROWS).map((r) => r[2]);
      withNew.push(at === 0 || values.some((v) => v !== null && !seen.has(v)));
      for (const v of values) seen.add(v);
    }
    const expected = withNew.filter(Boolean).map((_, i) => i > 0);
    expect(expected.length).toBeGreaterThan(2);
    expect(messages.map((m) => m.isDelta)).toEqual(expected);
    // Every distinct value is sent once.
    const distinct = new Set(rows.map((r) => r[2]).filter((v) => v !== null));
    expect(messages.reduce((n, m) => n + m.length, 0)).toBe(distinct.size);
  });

  it('replaces a dictionary past its limit, and readers follow', async () => {
    const small = fixtureRows(30_000);
    const limited = await arrowBytes(small, { batchRows: 1000, dictionaryLimit: 4 });
    const messages = dictionaryMessages(limited);
    expect(messages.some((m) => !m.isDelta && messages.indexOf(m) > 0)).toBe(true);
    const want = await jsonRows(small);
    expect(flechetteRows(limited)).toEqual(want);
    expect(apacheArrowRows(arrowFromIPC(limited))).toEqual(want);
  });

  it('writes an empty table as a schema and the end-of-stream marker', async () => {
    const empty = await collect(toArrow(TABLE, noRows()));
    expect(empty.subarray(-8)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]));
    const flechette = flechetteFromIPC(empty);
    expect(flechette.numRows).toBe(0);
    expect(flechette.schema.fields.map((f) => f.name)).toEqual(TABLE.columns.map((c) => c.name));
    const arrow = arrowFromIPC(empty);
    expect(arrow.numRows).toBe(0);
    expect(String(arrow.schema.fields[3]!.type)).toBe('Timestamp<MILLISECOND, UTC>');
  });
});
