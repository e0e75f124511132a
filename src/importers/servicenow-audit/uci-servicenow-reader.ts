/**
 * Reads the UCI ServiceNow log (`.csv` or `.csv.gz`) as a stream: gunzip → UTF-8 text →
 * {@link CsvParser} → {@link UciRow} → incidents (contiguous runs of one `number`, see
 * {@link IncidentGrouper}) → wire events ({@link mapIncident}). Memory holds one chunk and one
 * incident at a time, whatever the file size. The mapping decisions are documented in
 * `uci-servicenow.ts`.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { CsvParser } from '../csv.js';
import {
  IncidentGrouper,
  uciHeader,
  uciRow,
  UciFormatError,
  type UciHeader,
  type UciRow,
} from './uci-rows.js';
import { mapIncident, type UciMapOptions, type UciWireEvent } from './uci-servicenow.js';

/** The file as a byte stream, gunzipped when its name ends in `.gz`. */
export function openUciFile(path: string): Readable {
  const file = createReadStream(path);
  if (!path.endsWith('.gz')) return file;
  const gunzip = createGunzip();
  file.on('error', (error) => gunzip.destroy(error));
  return file.pipe(gunzip);
}

/** CSV records of a byte stream (UTF-8). */
export async function* csvRecords(bytes: AsyncIterable<Buffer | string>): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  const parser = new CsvParser();
  for await (const chunk of bytes) {
    yield* parser.push(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  }
  yield* parser.push(decoder.end());
  yield* parser.end();
}

/** The data rows of a byte stream whose first record is the header. */
export async function* uciRows(bytes: AsyncIterable<Buffer | string>): AsyncGenerator<UciRow> {
  let header: UciHeader | undefined;
  let position = 0;
  for await (const record of csvRecords(bytes)) {
    if (header === undefined) {
      header = uciHeader(record);
      continue;
    }
    yield uciRow(header, record, position++);
  }
  if (header === undefined) throw new UciFormatError('the file is empty (no header)');
}

/** The rows of each incident, one incident at a time. */
export async function* uciIncidents(
  bytes: AsyncIterable<Buffer | string>,
): AsyncGenerator<UciRow[]> {
  const grouper = new IncidentGrouper();
  for await (const row of uciRows(bytes)) {
    const done = grouper.push(row);
    if (done !== undefined) yield done;
  }
  const last = grouper.end();
  if (last !== undefined) yield last;
}

/** Every wire event of the file, incident by incident, in emission order. */
export async function* uciWireEvents(
  path: string,
  options: UciMapOptions = {},
): AsyncGenerator<UciWireEvent> {
  for await (const rows of uciIncidents(openUciFile(path))) yield* mapIncident(rows, options);
}
