/**
 * The codecs of a ticket's stored rows: the ticket row, and its derived rows (sla_clock, contact,
 * backlog_segment) as JSON objects (the upsert, `verify`) and as COPY lines (no tenant column, no
 * newline: the COPY, and what the ticket cache keeps of a stored row).
 *
 * Each derived table's columns are declared once, below ({@link SLA_CLOCK_COLUMNS},
 * {@link CONTACT_COLUMNS}, {@link BACKLOG_SEGMENT_COLUMNS}): a name, a type and where the value
 * comes from. The JSON rows, the COPY lines and the column lists are all built from them, and the
 * sla_clock declaration is checked against the table's type (schema.ts: SlaClockTable).
 */
import type { Selectable } from 'kysely';
import {
  DIM_NAMES,
  MEASURE_NAMES,
  type Contribution,
  type ContributionKind,
} from '../core/aggregate/index.js';
import type { TicketRecord } from '../core/aggregate/fold-batch.js';
import type { ClockRow } from '../core/sla/derive.js';
import type { BacklogSegmentRow, ContactRow } from '../core/ticket/index.js';
import { copyField } from './copy-text.js';
import { isoString } from './iso-string.js';
import type { SlaClockTable } from './schema.js';

/**
 * A ticket's stored derived rows, per table: their COPY lines (no tenant column) joined by
 * newlines, in derivation order ('' when none). One flat string per table keeps a cached ticket
 * cheap for the garbage collector.
 */
export interface StoredRowTexts {
  clocks: string;
  contacts: string;
  segments: string;
}

/** A folded ticket to write (core's record of it), with its rows as last written when known. */
export interface TicketWrite extends TicketRecord {
  /**
   * The ticket's stored derived rows as last written (from the ticket cache): only rows that
   * differ are written. Absent: unknown, every row of the ticket is replaced.
   */
  previous?: StoredRowTexts | undefined;
}

/**
 * Contributions as stored in `ticket.contributions`: one array per row, `[kind, bucket,
 * ...dimension values, ...measure values]` in DIM_NAMES / MEASURE_NAMES order — well under half
 * the size of the objects, so the row stays below PostgreSQL's compression threshold.
 */
export function encodeContributions(rows: readonly Contribution[]): unknown[][] {
  return rows.map((c) => {
    const dims = c.dims as unknown as Record<string, unknown>;
    const measures = c.measures as unknown as Record<string, number | undefined>;
    const out: unknown[] = [c.kind, c.bucket];
    for (const name of DIM_NAMES[c.kind]) out.push(dims[name] ?? null);
    for (const name of MEASURE_NAMES[c.kind]) out.push(measures[name] ?? 0);
    return out;
  });
}

export function decodeContributions(rows: readonly unknown[][]): Contribution[] {
  return rows.map((row) => {
    const kind = row[0] as ContributionKind;
    const dimNames = DIM_NAMES[kind];
    const measureNames = MEASURE_NAMES[kind];
    const dims: Record<string, unknown> = {};
    const measures: Record<string, number> = {};
    dimNames.forEach((name, i) => (dims[name] = row[2 + i]));
    measureNames.forEach((name, i) => (measures[name] = row[2 + dimNames.length + i] as number));
    return { kind, bucket: row[1] as number, dims, measures } as unknown as Contribution;
  });
}

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : isoString(ms);
/** A nullable text field of a COPY line. */
const txt = (v: string | null | undefined): string =>
  v === null || v === undefined ? '\\N' : copyField(v);
/** A nullable instant as a COPY field. */
const ts = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '\\N' : isoString(ms);
/** A nullable number as a COPY field (`String(v)`). */
const num = (v: number | null | undefined): string =>
  v === null || v === undefined ? '\\N' : String(v);

/** The ticket row; without `contributions` when `withContributions` is false (they are kept). */
export function ticketJson(w: TicketWrite, withContributions = true) {
  const t = w.derived.ticket;
  return {
    ticket_id: w.ticketId,
    contributions: withContributions ? encodeContributions(w.contributions) : undefined,
    derived: t,
    status: t.exists ? t.status : null,
    priority: t.priority,
    channel: t.channel,
    team: t.group,
    assignee_id: t.assignee_id,
    category: t.category,
    created_at: iso(t.created_at),
    deleted: t.deleted,
    first_solved_at: iso(t.first_solved_at),
    policy_id: t.policy_id,
    last_occurred_at: iso(w.state.last?.occurredAt),
    last_seq: w.state.last?.seq ?? null,
    config_revision: w.configRevision,
  };
}

/** The columns of a new ticket's row as {@link ticketCopyLine} writes them (after the tenant). */
export const TICKET_COPY_COLUMNS = [
  'ticket_id',
  'contributions',
  'derived',
  'status',
  'priority',
  'channel',
  'team',
  'assignee_id',
  'category',
  'created_at',
  'deleted',
  'first_solved_at',
  'policy_id',
  'last_occurred_at',
  'last_seq',
  'config_revision',
  'rev',
] as const;

/** A new ticket's row as a COPY line (no tenant column, no newline): the values of {@link ticketJson}. */
export function ticketCopyLine(w: TicketWrite, rev: string): string {
  const t = w.derived.ticket;
  return [
    copyField(w.ticketId),
    copyField(JSON.stringify(encodeContributions(w.contributions))),
    copyField(JSON.stringify(t)),
    txt(t.exists ? t.status : null),
    txt(t.priority),
    txt(t.channel),
    txt(t.group),
    txt(t.assignee_id),
    txt(t.category),
    ts(t.created_at),
    t.deleted ? 't' : 'f',
    ts(t.first_solved_at),
    txt(t.policy_id),
    ts(w.state.last?.occurredAt),
    num(w.state.last?.seq),
    num(w.configRevision),
    rev,
  ].join('\t');
}

/** A column type, as an upsert's VALUES casts it and the key arrays of a delete read it. */
export type PgType = 'text' | 'int' | 'float8' | 'timestamptz';

/** A derived table's column: its type, and its value for the `n`-th row `row` of the ticket `w`. */
export interface Column<R, T extends PgType = PgType> {
  type: T;
  get: (row: R, n: number, w: TicketWrite) => string | number | null | undefined;
}

type Get<R, V> = (row: R, n: number, w: TicketWrite) => V | null | undefined;

const text = <R>(get: Get<R, string>): Column<R, 'text'> => ({ type: 'text', get });
const int = <R>(get: Get<R, number>): Column<R, 'int'> => ({ type: 'int', get });
const float8 = <R>(get: Get<R, number>): Column<R, 'float8'> => ({ type: 'float8', get });
/** An instant, as epoch ms. */
const instant = <R>(get: Get<R, number>): Column<R, 'timestamptz'> => ({
  type: 'timestamptz',
  get,
});

/** A column's value as a COPY field. */
function copyValue(type: PgType, v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (type === 'text') return copyField(v as string);
  return type === 'timestamptz' ? isoString(v as number) : String(v);
}

/** A column's value as JSON text (an instant as its ISO text). */
function jsonValue(type: PgType, v: string | number | null | undefined): string {
  if (v === null || v === undefined) return 'null';
  return type === 'timestamptz' ? `"${isoString(v as number)}"` : JSON.stringify(v);
}

/** The column type of a value of the table's type (schema.ts). */
type PgTypeOf<V> = [NonNullable<V>] extends [Date]
  ? 'timestamptz'
  : [NonNullable<V>] extends [number]
    ? 'int' | 'float8'
    : 'text';

/** sla_clock's columns after ticket_id: every column of SlaClockTable but the tenant's. */
type SlaClockColumns = {
  [K in Exclude<keyof SlaClockTable, 'tenant_id' | 'ticket_id'>]: Column<
    ClockRow,
    PgTypeOf<Selectable<SlaClockTable>[K]>
  >;
};

/**
 * sla_clock's columns after ticket_id, in COPY order: the derived clock's figures, and its
 * decision (who and what it is attributed to once achieved or breached).
 */
export const SLA_CLOCK_COLUMNS = {
  metric: text((c) => c.metric),
  cycle: int((c) => c.cycle),
  policy_id: text((c) => c.policy_id),
  policy_version: int((c) => c.policy_version),
  calendar_id: text((c) => c.calendar_id),
  status: text((c) => c.status),
  stop_reason: text((c) => c.stop_reason),
  started_at: instant((c) => c.started_at),
  stopped_at: instant((c) => c.stopped_at),
  target_seconds: float8((c) => c.target_seconds),
  elapsed_business_seconds: float8((c) => c.elapsed_business_seconds),
  elapsed_calendar_seconds: float8((c) => c.elapsed_calendar_seconds),
  paused_calendar_seconds: float8((c) => c.paused_calendar_seconds),
  running_since: instant((c) => c.running_since),
  due_at: instant((c) => c.due_at),
  at_risk_at: instant((c) => c.at_risk_at),
  breached_at: instant((c) => c.breached_at),
  decided_at: instant((c) => c.decision?.at),
  team: text((c) => c.decision?.team),
  agent: text((c) => c.decision?.agent),
  priority: text((c) => c.decision?.priority),
  channel: text((c) => c.decision?.channel),
  category: text((c) => c.decision?.category),
} satisfies SlaClockColumns;

/** contact's columns after ticket_id, in COPY order: `n` numbers the ticket's contacts. */
export const CONTACT_COLUMNS = {
  n: int((_c, n) => n),
  ended_at: instant((c) => c.ended_at),
  started_at: instant((c) => c.started_at),
  agent_id: text((c) => c.agent_id),
  channel: text((c) => c.channel),
  team: text((c) => c.group),
  priority: text((c) => c.priority),
  category: text((c) => c.category),
  policy_id: text((c) => c.policy_id),
  talk_seconds: float8((c) => c.talk_seconds),
  hold_seconds: float8((c) => c.hold_seconds),
  wrap_seconds: float8((c) => c.wrap_seconds),
  handle_seconds: float8((c) => c.handle_seconds),
} satisfies Record<string, Column<ContactRow>>;

/** backlog_segment's columns after ticket_id, in COPY order: `n` numbers the ticket's segments. */
export const BACKLOG_SEGMENT_COLUMNS = {
  n: int((_s, n) => n),
  valid_from: instant((s) => s.from),
  valid_to: instant((s) => s.to),
  status: text((s) => s.status),
  team: text((s) => s.group),
  agent: text((s) => s.assignee_id),
  priority: text((s) => s.priority),
  category: text((s) => s.category),
  channel: text((s) => s.channel),
  policy_id: text((s) => s.policy_id),
  calendar_id: text((s) => s.calendar_id),
  created_at: instant((_s, _n, w) => w.derived.ticket.created_at),
} satisfies Record<string, Column<BacklogSegmentRow>>;

/** A derived table's row codecs, built from its column declaration. */
interface RowCodec {
  /** Every column, ticket_id first, with its type. */
  columns: ReadonlyArray<readonly [string, PgType]>;
  /** The ticket's rows as JSON objects (what `verify` compares). */
  rows: (w: TicketWrite) => Array<Record<string, unknown>>;
  /**
   * The same rows' values in `columns` order, as the upsert sends them (an instant as its ISO
   * text), without building the objects.
   */
  values: (w: TicketWrite) => unknown[][];
  /** The ticket's rows as COPY lines, in `rows` order. */
  lines: (w: TicketWrite) => string[];
}

function rowCodec<R>(
  rowsOf: (w: TicketWrite) => readonly R[],
  declared: Record<string, Column<R>>,
): RowCodec {
  const entries = Object.entries(declared);
  const keys = entries.map(([name]) => `,${JSON.stringify(name)}:`);
  const types = entries.map(([, column]) => column.type);
  const gets = entries.map(([, column]) => column.get);
  const texts = (w: TicketWrite) => {
    const id = `{"ticket_id":${JSON.stringify(w.ticketId)}`;
    return rowsOf(w).map((row, n) => {
      const parts = new Array<string>(2 * gets.length + 2);
      parts[0] = id;
      for (let i = 0; i < gets.length; i++) {
        parts[2 * i + 1] = keys[i]!;
        parts[2 * i + 2] = jsonValue(types[i]!, gets[i]!(row, n, w));
      }
      parts[parts.length - 1] = '}';
      return parts.join('');
    });
  };
  return {
    columns: [['ticket_id', 'text'], ...entries.map(([name, c]) => [name, c.type] as const)],
    rows: (w) => texts(w).map((text) => JSON.parse(text) as Record<string, unknown>),
    values: (w) =>
      rowsOf(w).map((row, n) => {
        const out = new Array<unknown>(gets.length + 1);
        out[0] = w.ticketId;
        for (let i = 0; i < gets.length; i++) {
          const v = gets[i]!(row, n, w);
          out[i + 1] =
            v === null || v === undefined
              ? null
              : types[i] === 'timestamptz'
                ? isoString(v as number)
                : v;
        }
        return out;
      }),
    // Array joins, not template concatenation: each line is one flat string at once (the cache
    // keeps it, and joins of ropes pay for flattening them later).
    lines: (w) => {
      const id = copyField(w.ticketId);
      return rowsOf(w).map((row, n) => {
        const fields = new Array<string>(gets.length + 1);
        fields[0] = id;
        for (let i = 0; i < gets.length; i++)
          fields[i + 1] = copyValue(types[i]!, gets[i]!(row, n, w));
        return fields.join('\t');
      });
    },
  };
}

const CLOCKS = rowCodec((w) => w.derived.clocks, SLA_CLOCK_COLUMNS);
const CONTACTS = rowCodec((w) => w.derived.contacts, CONTACT_COLUMNS);
const SEGMENTS = rowCodec((w) => w.derived.backlog_segments, BACKLOG_SEGMENT_COLUMNS);

export const clockJson = CLOCKS.rows;
export const contactJson = CONTACTS.rows;
export const segmentJson = SEGMENTS.rows;
/**
 * The COPY lines of a ticket's derived rows (no tenant column, no newline), written straight from
 * the derived ticket: the values of `clockJson` / `contactJson` / `segmentJson` in the tables'
 * column order (`DERIVED_COLUMNS`; tested), without building the row objects first.
 */
export const clockLines = CLOCKS.lines;
export const contactLines = CONTACTS.lines;
export const segmentLines = SEGMENTS.lines;

/** A derived table: its codecs, and its key columns within a ticket. */
export interface DerivedTable extends RowCodec {
  table: 'sla_clock' | 'contact' | 'backlog_segment';
  /** The key of the ticket's `i`-th row. */
  keyAt: (w: TicketWrite, i: number) => string;
  /** The same key read from the row's COPY line. */
  lineKey: (line: string) => string;
  keyColumns: readonly string[];
  slot: keyof StoredRowTexts;
}

/** A table whose rows are numbered within a ticket (`n`): contacts, backlog segments. */
function numbered(
  table: DerivedTable['table'],
  slot: DerivedTable['slot'],
  codec: RowCodec,
): DerivedTable {
  return {
    ...codec,
    table,
    slot,
    keyAt: (_w, i) => String(i),
    lineKey: (line) => line.split('\t', 2)[1]!,
    keyColumns: ['n'],
  };
}

export const DERIVED_TABLES: readonly DerivedTable[] = [
  {
    ...CLOCKS,
    table: 'sla_clock',
    slot: 'clocks',
    keyAt: (w, i) => {
      const c = w.derived.clocks[i]!;
      return `${c.metric}|${c.cycle}`;
    },
    lineKey: (line) => {
      const [, metric, cycle] = line.split('\t', 3);
      return `${metric}|${cycle}`;
    },
    keyColumns: ['metric', 'cycle'],
  },
  numbered('contact', 'contacts', CONTACTS),
  numbered('backlog_segment', 'segments', SEGMENTS),
];

/** Each derived table's columns in COPY order (after the tenant). */
export const DERIVED_COLUMNS = Object.fromEntries(
  DERIVED_TABLES.map((t) => [t.table, t.columns.map(([name]) => name)]),
) as Record<DerivedTable['table'], string[]>;
