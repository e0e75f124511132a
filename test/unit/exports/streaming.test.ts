/**
 * What every writer owes the HTTP layer, whatever the format: it reads the source only as its
 * consumer asks (back-pressure), it closes the source when the consumer stops early (the client
 * went away: the database cursor must close), a source's error reaches the consumer, and it
 * works through `Readable.from`. Also the format table of index.ts.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  EXPORT_FORMATS,
  EXPORT_FORMAT_NAMES,
  exportFormat,
  type ExportFormatName,
} from '../../../src/exports/index.js';
import { ARROW_BATCH_ROWS } from '../../../src/exports/arrow.js';
import { PARQUET_ROW_GROUP_ROWS } from '../../../src/exports/parquet.js';
import { TABLE, WatchedSource, collect, failingSource, fixtureRows } from './fixture.js';

const ROWS = fixtureRows(400_000);
const BATCH = 5_000;
const BATCHES = Math.ceil(ROWS.length / BATCH);

/** The source batches each writer reads before it has its first chunk of rows to give. */
const READ_AHEAD: Record<ExportFormatName, number> = {
  json: 1,
  ndjson: 1,
  csv: 1,
  xlsx: 1,
  // A record batch is ARROW_BATCH_ROWS rows: that many batches of 5,000 make the first one.
  arrow: Math.ceil(ARROW_BATCH_ROWS / BATCH),
  // A row group (PARQUET_ROW_GROUP_ROWS), and the Parquet writer takes one more record batch
  // (half a group) before it lets the group go.
  parquet:
    Math.ceil(PARQUET_ROW_GROUP_ROWS / BATCH) + Math.ceil(PARQUET_ROW_GROUP_ROWS / 2 / BATCH),
};

/** Asks for chunks until the writer has started reading the source. */
async function untilReading(iterator: AsyncIterator<Uint8Array>, source: WatchedSource) {
  for (let i = 0; i < 100 && source.pulled === 0; i++) await iterator.next();
}

describe.each(EXPORT_FORMAT_NAMES)('%s writer', (name) => {
  const { write } = EXPORT_FORMATS[name];

  it('stops reading when its consumer stops, and closes the source', async () => {
    const source = new WatchedSource(ROWS, BATCH);
    const iterator = write(TABLE, source)[Symbol.asyncIterator]();
    await untilReading(iterator, source);
    expect(source.pulled).toBeGreaterThan(0);
    expect(source.pulled).toBeLessThanOrEqual(READ_AHEAD[name]);
    expect(source.pulled).toBeLessThan(BATCHES);
    expect(source.closed).toBe(false);
    await iterator.return?.(undefined);
    expect(source.closed).toBe(true);
    expect(source.pulled).toBeLessThan(BATCHES);
  });

  it('closes the source when a Readable over it is destroyed', async () => {
    const source = new WatchedSource(ROWS, BATCH);
    const readable = Readable.from(write(TABLE, source));
    await new Promise<void>((resolve) => {
      readable.on('data', () => {
        if (source.pulled === 0) return;
        readable.pause();
        resolve();
      });
    });
    readable.destroy();
    await new Promise((resolve) => readable.once('close', resolve));
    await expect.poll(() => source.closed).toBe(true);
    expect(source.pulled).toBeLessThan(BATCHES);
  });

  it('reads the source to the end, and closes it, when consumed whole', async () => {
    const source = new WatchedSource(ROWS.slice(0, 20_000), BATCH);
    const bytes = await collect(write(TABLE, source));
    expect(bytes.length).toBeGreaterThan(0);
    expect(source.pulled).toBe(4);
    expect(source.closed).toBe(true);
  });

  it('passes a source error on to its consumer', async () => {
    await expect(collect(write(TABLE, failingSource(ROWS)))).rejects.toThrow('cursor failed');
  });
});

describe('export formats', () => {
  it('give each format its MIME type and extension', () => {
    expect(
      Object.fromEntries(EXPORT_FORMAT_NAMES.map((n) => [n, exportFormat(n)!.extension])),
    ).toEqual({
      json: 'json',
      ndjson: 'ndjson',
      csv: 'csv',
      arrow: 'arrows',
      parquet: 'parquet',
      xlsx: 'xlsx',
    });
    expect(exportFormat('csv')!.mimeType).toMatch(/^text\/csv/);
    expect(exportFormat('arrow')!.mimeType).toBe('application/vnd.apache.arrow.stream');
    expect(exportFormat('toString')).toBeUndefined();
    expect(exportFormat('pdf')).toBeUndefined();
  });
});
