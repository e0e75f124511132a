/**
 * The `event-csv` source: a flat event log CSV (`.csv` or `.csv.gz`), one row per event, the rows
 * of a case contiguous (as process-mining tools export them). Streamed: CSV records → cases (one
 * in memory) → wire events. mapping.ts documents the presets and the user mapping. Rows are
 * numbered as records of the file with the header as 1, so a row is its line number unless a
 * quoted field spans lines.
 */
import { CsvParser } from '../csv.js';
import type { ImportSource, SourceChunk, SourceOptions, SourceRejection } from '../source.js';
import { EventLogMapper, type LogCase, type LogRecord } from '../xes/event-log.js';
import {
  chunkTickets,
  instantReader,
  openText,
  type ReadTicket,
  type SourceText,
} from '../xes/reading.js';
import { csvMapping, type CsvMapping } from './mapping.js';

/** A case whose rows are not contiguous: its later rows are rejected, not merged. */
interface CsvCase extends LogCase {
  rejections: SourceRejection[];
}

async function* csvRecords(text: AsyncIterable<string>): AsyncGenerator<string[]> {
  const parser = new CsvParser();
  for await (const chunk of text) yield* parser.push(chunk);
  yield* parser.end();
}

/** Groups the data rows into cases, given the header's mapping. */
class CaseGrouper {
  private current: CsvCase | undefined;
  private readonly seen = new Set<string>();

  constructor(
    private readonly header: readonly string[],
    private readonly mapping: CsvMapping,
  ) {
    if (!header.includes(mapping.caseColumn)) {
      throw new TypeError(`the header has no case column "${mapping.caseColumn}"`);
    }
  }

  /** Adds data row `row`; returns the case it completes, if any. */
  push(record: readonly string[], row: number): CsvCase | undefined {
    const attributes: Record<string, string> = {};
    this.header.forEach((column, i) => {
      if (!Object.hasOwn(attributes, column)) attributes[column] = record[i] ?? '';
    });
    const caseId = (attributes[this.mapping.caseColumn] ?? '').trim();
    const reject = (message: string): undefined => {
      // A rejected row does not end the case being read: it is reported with it.
      this.current ??= this.newCase('');
      this.current.rejections.push({ row, field: this.mapping.caseColumn, message });
      return undefined;
    };
    if (record.length !== this.header.length) {
      return reject(`the row has ${record.length} fields, the header ${this.header.length}`);
    }
    if (caseId === '') return reject('is empty');
    if (caseId === this.current?.caseId) {
      this.current.records.push({ row, attributes } satisfies LogRecord);
      return undefined;
    }
    if (this.seen.has(caseId)) {
      return reject(`case ${caseId} appeared earlier in the file: its rows must be contiguous`);
    }
    const done = this.current;
    this.seen.add(caseId);
    this.current = this.newCase(caseId);
    this.current.records.push({ row, attributes });
    return done;
  }

  private newCase(caseId: string): CsvCase {
    return { caseId, caseField: this.mapping.caseColumn, records: [], rejections: [] };
  }

  end(): CsvCase | undefined {
    const done = this.current;
    this.current = undefined;
    return done;
  }
}

async function* csvCases(
  text: AsyncIterable<string>,
  raw: unknown,
  onMapping: (mapping: CsvMapping) => void,
): AsyncGenerator<ReadTicket<CsvCase>> {
  let grouper: CaseGrouper | undefined;
  let row = 1;
  const ticket = (c: CsvCase, rowsRead: number): ReadTicket<CsvCase> => ({
    key: c.caseId === '' ? `row-${c.rejections[0]?.row ?? rowsRead}` : c.caseId,
    rowsRead,
    item: c,
  });
  for await (const record of csvRecords(text)) {
    if (grouper === undefined) {
      const mapping = csvMapping(raw, record);
      onMapping(mapping);
      grouper = new CaseGrouper(record, mapping);
      continue;
    }
    row++;
    const done = grouper.push(record, row);
    if (done !== undefined) yield ticket(done, row - 1);
  }
  if (grouper === undefined) throw new TypeError('the file is empty (no header)');
  const last = grouper.end();
  if (last !== undefined) yield ticket(last, row);
}

/** The chunks of an event-log CSV text stream (the source's `read`, minus the file). */
export function readEventCsv(
  text: SourceText,
  options: SourceOptions,
  size?: number,
): AsyncGenerator<SourceChunk> {
  let mapper: EventLogMapper | undefined;
  const cases = csvCases(text, options.mapping, (mapping) => {
    if (mapping.events.wallClock && options.timezone === undefined) {
      throw new TypeError(
        "this log's UTC offsets are the exporter's, not the help desk's (wallClock): pass the help desk's time zone with --timezone, e.g. Europe/Rome",
      );
    }
    const reader = instantReader(options.timezone, mapping.events.wallClock);
    mapper = new EventLogMapper('event-csv', mapping.events, reader);
  });
  return chunkTickets(
    cases,
    (c) => {
      const mapped = mapper!.mapCase(c);
      const rejections = [...c.rejections, ...mapped.rejections].sort((a, b) => a.row - b.row);
      return { events: mapped.events, rejections };
    },
    { resumeFrom: options.resumeFrom, bytesRead: text.bytesRead, size },
  );
}

export const eventCsv: ImportSource = {
  name: 'event-csv',
  summary:
    'a flat event log CSV (case, activity, resource, timestamp); presets for the Italian help desk and BPIC 2013, --mapping for others; --timezone for times without offsets and the Italian preset',
  // Only some logs need a zone (naive times, or offsets that are the exporter's): the BPIC 2013
  // CSVs carry real offsets. Those that do say so when the header is read.
  needsTimezone: false,
  read: (path, options) => readEventCsv(openText(path), options),
};
