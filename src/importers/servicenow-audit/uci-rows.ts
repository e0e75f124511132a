/**
 * The rows of the UCI ServiceNow incident audit log (uci-servicenow.ts documents the data set
 * and the mapping): its wall-clock dates, the columns the mapping reads, one parsed snapshot per
 * record, the order of an incident's snapshots (which of them are out of sequence), and the
 * grouping of snapshots into incidents. Pure: records in, rows out.
 */

/** A data problem the importer refuses to guess about (with the incident and row). */
export class UciFormatError extends Error {
  /** The column at fault, when one is (a row's rejection names it). */
  readonly field: string | undefined;

  constructor(message: string, field?: string) {
    super(message);
    this.name = 'UciFormatError';
    this.field = field;
  }
}

/** A wall-clock date and time without a zone, as the log writes it. */
export interface LocalDateTime {
  /** `yyyy-mm-ddTHH:MM:00` */
  wall: string;
  /** Minutes since 1970-01-01T00:00 of the same wall clock (for ordering and comparing). */
  minutes: number;
}

const DATE_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `d/m/yyyy HH:MM` → {@link LocalDateTime}; undefined when not such a valid date and time. */
export function parseUciDateTime(text: string): LocalDateTime | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [d, mo, y, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const maxDay = mo === 2 && leap ? 29 : (DAYS_IN_MONTH[mo - 1] ?? 0);
  if (mo < 1 || mo > 12 || d < 1 || d > maxDay || h > 23 || mi > 59) return undefined;
  return {
    wall: `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:00`,
    minutes: Date.UTC(y, mo - 1, d, h, mi) / 60_000,
  };
}

/** The columns the mapping reads (the log has 36; the others are not mapped). */
export const UCI_COLUMNS = [
  'number',
  'incident_state',
  'reassignment_count',
  'reopen_count',
  'sys_mod_count',
  'caller_id',
  'opened_by',
  'opened_at',
  'sys_updated_by',
  'sys_updated_at',
  'contact_type',
  'category',
  'priority',
  'assignment_group',
  'assigned_to',
] as const;
export type UciColumn = (typeof UCI_COLUMNS)[number];

/** One audit snapshot, parsed. Strings are verbatim; `?` is null. */
export interface UciRow {
  number: string;
  incidentState: string;
  sysModCount: number;
  reopenCount: number;
  reassignmentCount: number;
  callerId: string | null;
  openedBy: string | null;
  openedAt: LocalDateTime;
  sysUpdatedBy: string | null;
  sysUpdatedAt: LocalDateTime;
  contactType: string | null;
  category: string | null;
  priority: string | null;
  assignmentGroup: string | null;
  assignedTo: string | null;
  /** Position in the input (0-based data row): breaks ties in ordering. */
  position: number;
}

/** Column name → index in a record, from the header record. */
export type UciHeader = Record<UciColumn, number>;

export function uciHeader(header: readonly string[]): UciHeader {
  const index: Partial<UciHeader> = {};
  for (const column of UCI_COLUMNS) {
    const i = header.indexOf(column);
    if (i < 0) throw new UciFormatError(`the header has no "${column}" column`);
    index[column] = i;
  }
  return index as UciHeader;
}

/** Parses one data record (`position` = its 0-based index among data rows). */
export function uciRow(header: UciHeader, record: readonly string[], position: number): UciRow {
  const where = () => `data row ${position + 1}`;
  const text = (column: UciColumn): string => {
    const v = record[header[column]];
    if (v === undefined) throw new UciFormatError(`${where()}: no "${column}" field`, column);
    return v;
  };
  const nullable = (column: UciColumn): string | null => {
    const v = text(column);
    return v === '?' ? null : v;
  };
  const count = (column: UciColumn): number => {
    const v = text(column);
    if (!/^\d+$/.test(v)) {
      throw new UciFormatError(`${where()}: ${column} "${v}" is not a count`, column);
    }
    return Number(v);
  };
  const dateTime = (column: UciColumn): LocalDateTime => {
    const v = text(column);
    const parsed = parseUciDateTime(v);
    if (parsed === undefined) {
      throw new UciFormatError(`${where()}: ${column} "${v}" is not a d/m/yyyy HH:MM date`, column);
    }
    return parsed;
  };
  const number = text('number');
  if (number === '' || number === '?') {
    throw new UciFormatError(`${where()}: no incident number`, 'number');
  }
  return {
    number,
    incidentState: text('incident_state'),
    sysModCount: count('sys_mod_count'),
    reopenCount: count('reopen_count'),
    reassignmentCount: count('reassignment_count'),
    callerId: nullable('caller_id'),
    openedBy: nullable('opened_by'),
    openedAt: dateTime('opened_at'),
    sysUpdatedBy: nullable('sys_updated_by'),
    sysUpdatedAt: dateTime('sys_updated_at'),
    contactType: nullable('contact_type'),
    category: nullable('category'),
    priority: nullable('priority'),
    assignmentGroup: nullable('assignment_group'),
    assignedTo: nullable('assigned_to'),
    position,
  };
}

/** Orders an incident's rows: `sys_updated_at`, `sys_mod_count`, input position (uci-servicenow.ts). */
export function compareUciRows(a: UciRow, b: UciRow): number {
  return (
    a.sysUpdatedAt.minutes - b.sysUpdatedAt.minutes ||
    a.sysModCount - b.sysModCount ||
    a.position - b.position
  );
}

/**
 * For rows in {@link compareUciRows} order: which are out of sequence, i.e. not on the longest
 * chain along which `sys_mod_count` strictly increases (time already does). Among chains of the
 * same length, the one ending first, and built from the earliest rows, is kept.
 */
export function outOfSequence(ordered: readonly UciRow[]): boolean[] {
  const n = ordered.length;
  const length: number[] = new Array<number>(n).fill(1);
  const previous: number[] = new Array<number>(n).fill(-1);
  let best = -1;
  for (let i = 0; i < n; i++) {
    const mod = ordered[i]!.sysModCount;
    for (let j = 0; j < i; j++) {
      if (ordered[j]!.sysModCount < mod && length[j]! + 1 > length[i]!) {
        length[i] = length[j]! + 1;
        previous[i] = j;
      }
    }
    if (best < 0 || length[i]! > length[best]!) best = i;
  }
  const out = new Array<boolean>(n).fill(true);
  for (let i = best; i >= 0; i = previous[i]!) out[i] = false;
  return out;
}

/** The log's own counters for an incident: the values on its last snapshot (their maxima). */
export interface UciCounters {
  reopenCount: number;
  reassignmentCount: number;
}

export function uciCounters(rows: readonly UciRow[]): UciCounters {
  let reopenCount = 0;
  let reassignmentCount = 0;
  for (const row of rows) {
    reopenCount = Math.max(reopenCount, row.reopenCount);
    reassignmentCount = Math.max(reassignmentCount, row.reassignmentCount);
  }
  return { reopenCount, reassignmentCount };
}

/**
 * Groups rows into incidents, for input where each incident's rows are contiguous (the data
 * set's layout), holding one incident at a time. An incident number that comes back after
 * another one is an error: sort the input by `number` first.
 */
export function* groupIncidents(rows: Iterable<UciRow>): Generator<UciRow[]> {
  const grouper = new IncidentGrouper();
  for (const row of rows) {
    const done = grouper.push(row);
    if (done !== undefined) yield done;
  }
  const last = grouper.end();
  if (last !== undefined) yield last;
}

/** The state of {@link groupIncidents}, usable from async code too. */
export class IncidentGrouper {
  private readonly done = new Set<string>();
  private current: UciRow[] = [];

  /** Adds a row; returns the previous incident when this row starts a new one. */
  push(row: UciRow): UciRow[] | undefined {
    const head = this.current[0];
    if (head === undefined || head.number === row.number) {
      this.current.push(row);
      return undefined;
    }
    this.done.add(head.number);
    if (this.done.has(row.number)) {
      throw new UciFormatError(
        `${row.number} (data row ${row.position + 1}) comes back after other incidents: ` +
          'the rows of an incident must be contiguous',
      );
    }
    const finished = this.current;
    this.current = [row];
    return finished;
  }

  end(): UciRow[] | undefined {
    const last = this.current;
    this.current = [];
    return last.length > 0 ? last : undefined;
  }
}
