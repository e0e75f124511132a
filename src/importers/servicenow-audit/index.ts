/**
 * The `servicenow-audit` import source: a ServiceNow incident audit-log CSV (`.csv` or
 * `.csv.gz`) — one row per update of an incident, the layout of the UCI "Incident management
 * process enriched event log" — read as a stream, each incident's rows mapped together by
 * {@link mapIncident} (uci-servicenow.ts documents every field and state it maps).
 *
 * A row the mapping cannot read (a date that is not `d/m/yyyy HH:MM`, a count that is not one,
 * an `incident_state` it does not know) is rejected with its row and column and left out; the
 * incident is mapped from its other rows. Rows are numbered as in a spreadsheet: the header is
 * row 1, the first data row row 2.
 *
 * Chunks end after whole incidents. The checkpoint is the count of data rows up to the last
 * complete incident, with the number of the incident that follows: a resumed read skips that
 * many rows (parsed as CSV, not mapped) and checks that the next incident is the one expected.
 */
import type {
  ImportSource,
  SourceChunk,
  SourceOptions,
  SourceRejection,
  WireEvent,
} from '../source.js';
import { openSourceFile } from '../source-file.js';
import { csvRecords } from './uci-servicenow-reader.js';
import {
  IncidentGrouper,
  uciHeader,
  uciRow,
  UciFormatError,
  type UciHeader,
  type UciRow,
} from './uci-rows.js';
import { mapIncident, UCI_STATUS, type UciMapOptions } from './uci-servicenow.js';

/** Events gathered before a chunk is yielded (a chunk always ends after a whole incident). */
const CHUNK_EVENTS = 250;

/** Where a read stands: data rows of complete incidents, and the incident after them. */
interface AuditCheckpoint {
  rows: number;
  next: string | null;
}

function resumePoint(value: unknown): AuditCheckpoint {
  if (value === undefined) return { rows: 0, next: null };
  const { rows, next } = (value ?? {}) as { rows?: unknown; next?: unknown };
  if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 0) {
    throw new UciFormatError('the checkpoint to resume from is not one of servicenow-audit');
  }
  return { rows, next: typeof next === 'string' ? next : null };
}

/** The row, or its rejection (spreadsheet row number, column). */
function readRow(
  header: UciHeader,
  record: readonly string[],
  position: number,
): UciRow | SourceRejection {
  const row = position + 2;
  try {
    const parsed = uciRow(header, record, position);
    if (!Object.hasOwn(UCI_STATUS, parsed.incidentState)) {
      const message = `unknown incident_state "${parsed.incidentState}"`;
      return { row, field: 'incident_state', message };
    }
    return parsed;
  } catch (error) {
    if (!(error instanceof UciFormatError)) throw error;
    // The parser's message starts with "data row N: "; the rejection carries the row itself.
    const message = error.message.replace(/^data row \d+: /, '');
    return { row, field: error.field ?? 'number', message };
  }
}

/** The mapped events as the source contract types them (the same objects). */
function wireEvents(rows: readonly UciRow[], map: UciMapOptions): WireEvent[] {
  return mapIncident(rows, map) as unknown as WireEvent[];
}

function mapOptions(options: SourceOptions): UciMapOptions {
  if (options.mapping !== undefined) {
    throw new UciFormatError('servicenow-audit takes no --mapping: its columns are fixed');
  }
  return options.timezone === undefined ? {} : { timezone: options.timezone };
}

async function* readAudit(path: string, options: SourceOptions): AsyncGenerator<SourceChunk> {
  const map = mapOptions(options);
  const resume = resumePoint(options.resumeFrom);
  const file = openSourceFile(path);
  const grouper = new IncidentGrouper();
  let header: UciHeader | undefined;
  let position = 0;
  let chunk: SourceChunk = { events: [], rejections: [], rowsRead: 0 };
  /** Rejections of rows after the last complete incident: a resume reads them again. */
  let held: SourceRejection[] = [];
  const take = (checkpoint: AuditCheckpoint): SourceChunk => {
    const done = { ...chunk, rowsRead: position, bytesRead: file.bytesRead(), checkpoint };
    done.rejections.push(...held.filter((r) => r.row - 2 < checkpoint.rows));
    held = held.filter((r) => r.row - 2 >= checkpoint.rows);
    chunk = { events: [], rejections: [], rowsRead: position };
    return done;
  };
  for await (const record of csvRecords(file.bytes)) {
    if (header === undefined) {
      header = uciHeader(record);
      continue;
    }
    const at = position++;
    if (at < resume.rows) continue;
    if (at === resume.rows && resume.next !== null && record[header.number] !== resume.next) {
      throw new UciFormatError(
        `the checkpoint expects incident ${resume.next} at row ${at + 2}: is this the same file?`,
      );
    }
    const row = readRow(header, record, at);
    if (!('number' in row)) {
      held.push(row);
      continue;
    }
    const incident = grouper.push(row);
    if (incident === undefined) continue;
    chunk.events.push(...wireEvents(incident, map));
    if (chunk.events.length >= CHUNK_EVENTS) yield take({ rows: row.position, next: row.number });
  }
  if (header === undefined) throw new UciFormatError('the file is empty (no header)');
  const last = grouper.end();
  if (last !== undefined) chunk.events.push(...wireEvents(last, map));
  yield take({ rows: position, next: null });
}

export const servicenowAudit: ImportSource = {
  name: 'servicenow-audit',
  summary: 'ServiceNow incident audit log, CSV (a row per update; the UCI log)',
  needsTimezone: false,
  read: readAudit,
};
