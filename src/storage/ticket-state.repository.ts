/**
 * Per-ticket derived data: the ticket row (with the rev of the transaction that wrote it), the
 * derived rows (clocks, contacts, backlog segments) and the contributions last written to the
 * rollups. Tickets are locked in ticket_id order, so concurrent batches touching overlapping
 * tickets queue instead of deadlocking.
 *
 * Lookups by a list of ticket ids go through `unnest(ids) cross join lateral (… where ticket_id =
 * x.id for update | offset 0)`: one index probe per id whatever the statistics say (`for update`
 * or `offset 0` keeps the planner from flattening the subquery back into a join). With
 * `ticket_id = any(ids)` or a join, a growing tenant whose statistics lag behind got a scan of
 * every ticket (or event) it has.
 */
import { sql, type Kysely } from 'kysely';
import {
  DIM_NAMES,
  MEASURE_NAMES,
  type Contribution,
  type ContributionKind,
} from '../core/aggregate/index.js';
import type { TicketState } from '../core/ticket/index.js';
import type { DerivedTicket } from '../core/ticket/index.js';
import type { StoredEventRow } from './ticket-event.repository.js';
import type { CopyIn } from './database.js';
import { copyField } from './copy-text.js';
import { isoString } from './iso-string.js';

export { isoString };
import type { DB } from './schema.js';

export interface LockedTicket {
  ticketId: string;
  /** xid8 of the transaction that last wrote the derived rows (null: never written). */
  rev: string | null;
  configRevision: number | null;
  /**
   * No row exists: the ticket is new (its row is inserted with its first derived data, see
   * {@link insertTickets}), it has no derived rows or contributions yet.
   */
  created: boolean;
  /** A fold of the ticket failed and none has succeeded since (ticket_fold_failure). */
  foldFailed: boolean;
}

export interface LockedTickets {
  tickets: Map<string, LockedTicket>;
  /** This transaction's xid8: the rev the rows written now will carry. */
  xid: string;
}

/**
 * Locks the existing rows of `ticketIds` for the transaction, in ticket_id order; the others are
 * new tickets, whose rows {@link insertTickets} creates once they are folded.
 */
export async function lockTickets(
  db: Kysely<DB>,
  tenantId: string,
  ticketIds: readonly string[],
): Promise<LockedTickets> {
  const sorted = [...new Set(ticketIds)].sort();
  const { rows } = await sql<{
    ticket_id: string;
    exists: boolean;
    rev: string | null;
    config_revision: string | number | null;
    fold_failed: boolean;
    xid: string;
  }>`
    select x.id as ticket_id, t.ticket_id is not null as exists, t.rev::text as rev,
      t.config_revision, f.ticket_id is not null as fold_failed,
      pg_current_xact_id()::text as xid
    from unnest(${sorted}::text[]) with ordinality as x(id, ord)
    left join lateral (
      select ticket_id, rev, config_revision from ticket
      where tenant_id = ${tenantId}::uuid and ticket_id = x.id
      for update
    ) t on true
    left join ticket_fold_failure f on f.tenant_id = ${tenantId}::uuid and f.ticket_id = x.id
    where t.ticket_id is not null or f.ticket_id is not null
    order by x.ord`.execute(db);
  let xid = rows[0]?.xid;
  if (xid === undefined) {
    const r = await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(db);
    xid = r.rows[0]!.xid;
  }
  const tickets = new Map<string, LockedTicket>(
    sorted.map((id) => [
      id,
      { ticketId: id, rev: null, configRevision: null, created: true, foldFailed: false },
    ]),
  );
  for (const r of rows) {
    tickets.set(r.ticket_id, {
      ticketId: r.ticket_id,
      rev: r.rev,
      configRevision: r.config_revision === null ? null : Number(r.config_revision),
      created: !r.exists,
      foldFailed: r.fold_failed,
    });
  }
  return { xid, tickets };
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

/** The contributions stored for each of the tickets (absent: none written). */
export async function loadContributions(
  db: Kysely<DB>,
  tenantId: string,
  ticketIds: readonly string[],
): Promise<Map<string, Contribution[]>> {
  if (ticketIds.length === 0) return new Map();
  const { rows } = await sql<{ ticket_id: string; contributions: Contribution[] }>`
    select t.ticket_id, t.contributions
    from unnest(${[...ticketIds]}::text[]) as x(id)
    cross join lateral (
      select ticket_id, contributions from ticket
      where tenant_id = ${tenantId}::uuid and ticket_id = x.id
      offset 0
    ) t
    where t.contributions is not null`.execute(db);
  return new Map(
    rows.map((r) => [r.ticket_id, decodeContributions(r.contributions as unknown as unknown[][])]),
  );
}

/** Every stored event of the tickets, in fold order (occurred_at, then arrival). */
export async function loadTicketEvents(
  db: Kysely<DB>,
  tenantId: string,
  ticketIds: readonly string[],
): Promise<StoredEventRow[]> {
  if (ticketIds.length === 0) return [];
  const { rows } = await sql<StoredEventRow>`
    select e.event_id, e.ticket_id, e.type, e.occurred_at, e.actor_type, e.actor_id, e.data, e.seq
    from unnest(${[...ticketIds]}::text[]) as x(id)
    cross join lateral (
      select * from ticket_event
      where tenant_id = ${tenantId}::uuid and ticket_id = x.id
      offset 0
    ) e
    order by e.ticket_id, e.occurred_at, e.seq`.execute(db);
  return rows;
}

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

export interface TicketWrite {
  ticketId: string;
  state: TicketState;
  derived: DerivedTicket;
  contributions: Contribution[];
  configRevision: number;
  /** The stored contributions already are `contributions` (as JSON): keep them, send nothing. */
  contributionsStored?: boolean;
  /**
   * The ticket's stored derived rows as last written (from the ticket cache): only rows that
   * differ are written. Absent: unknown, every row of the ticket is replaced.
   */
  previous?: StoredRowTexts;
  /** The ticket row was just created: it has no derived rows to delete. */
  created?: boolean;
}

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : isoString(ms);

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

export function clockJson(w: TicketWrite) {
  return w.derived.clocks.map((c) => ({
    ticket_id: w.ticketId,
    metric: c.metric,
    cycle: c.cycle,
    policy_id: c.policy_id,
    policy_version: c.policy_version,
    calendar_id: c.calendar_id,
    status: c.status,
    stop_reason: c.stop_reason,
    started_at: iso(c.started_at),
    stopped_at: iso(c.stopped_at),
    target_seconds: c.target_seconds,
    elapsed_business_seconds: c.elapsed_business_seconds,
    elapsed_calendar_seconds: c.elapsed_calendar_seconds,
    paused_calendar_seconds: c.paused_calendar_seconds,
    running_since: iso(c.running_since),
    due_at: iso(c.due_at),
    at_risk_at: iso(c.at_risk_at),
    breached_at: iso(c.breached_at),
    decided_at: iso(c.decision?.at),
    team: c.decision?.team ?? null,
    agent: c.decision?.agent ?? null,
    priority: c.decision?.priority ?? null,
    channel: c.decision?.channel ?? null,
    category: c.decision?.category ?? null,
  }));
}

export function contactJson(w: TicketWrite) {
  return w.derived.contacts.map((c, n) => ({
    ticket_id: w.ticketId,
    n,
    ended_at: iso(c.ended_at),
    started_at: iso(c.started_at),
    agent_id: c.agent_id,
    channel: c.channel,
    team: c.group,
    priority: c.priority,
    category: c.category,
    policy_id: c.policy_id,
    talk_seconds: c.talk_seconds,
    hold_seconds: c.hold_seconds,
    wrap_seconds: c.wrap_seconds,
    handle_seconds: c.handle_seconds,
  }));
}

export function segmentJson(w: TicketWrite) {
  const createdAt = iso(w.derived.ticket.created_at);
  return w.derived.backlog_segments.map((s, n) => ({
    ticket_id: w.ticketId,
    n,
    valid_from: iso(s.from),
    valid_to: iso(s.to),
    status: s.status,
    team: s.group,
    agent: s.assignee_id,
    priority: s.priority,
    channel: s.channel,
    category: s.category,
    policy_id: s.policy_id,
    calendar_id: s.calendar_id,
    created_at: createdAt,
  }));
}

/** A nullable text field of a COPY line. */
const txt = (v: string | null | undefined): string =>
  v === null || v === undefined ? '\\N' : copyField(v);
/** A nullable instant as a COPY field. */
const ts = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '\\N' : isoString(ms);
/** A nullable number as a COPY field (`String(v)`). */
const num = (v: number | null | undefined): string =>
  v === null || v === undefined ? '\\N' : String(v);

/**
 * The COPY lines of a ticket's derived rows (no tenant column, no newline), written straight from
 * the derived ticket: the values of `clockJson` / `contactJson` / `segmentJson` in the tables'
 * column order (`DERIVED_COLUMNS`; tested), without building the row objects first.
 */
export function clockLines(w: TicketWrite): string[] {
  const id = copyField(w.ticketId);
  // Array joins, not template concatenation: each line is one flat string at once (the cache
  // keeps it, and joins of ropes pay for flattening them later).
  return w.derived.clocks.map((c) => {
    const d = c.decision;
    return [
      id,
      c.metric,
      c.cycle,
      txt(c.policy_id),
      num(c.policy_version),
      txt(c.calendar_id),
      c.status,
      txt(c.stop_reason),
      ts(c.started_at),
      ts(c.stopped_at),
      num(c.target_seconds),
      num(c.elapsed_business_seconds),
      num(c.elapsed_calendar_seconds),
      num(c.paused_calendar_seconds),
      ts(c.running_since),
      ts(c.due_at),
      ts(c.at_risk_at),
      ts(c.breached_at),
      ts(d?.at),
      txt(d?.team),
      txt(d?.agent),
      txt(d?.priority),
      txt(d?.channel),
      txt(d?.category),
    ].join('\t');
  });
}

export function contactLines(w: TicketWrite): string[] {
  const id = copyField(w.ticketId);
  return w.derived.contacts.map((c, n) =>
    [
      id,
      n,
      ts(c.ended_at),
      ts(c.started_at),
      txt(c.agent_id),
      txt(c.channel),
      txt(c.group),
      txt(c.priority),
      txt(c.category),
      txt(c.policy_id),
      num(c.talk_seconds),
      num(c.hold_seconds),
      num(c.wrap_seconds),
      num(c.handle_seconds),
    ].join('\t'),
  );
}

export function segmentLines(w: TicketWrite): string[] {
  const id = copyField(w.ticketId);
  const createdAt = ts(w.derived.ticket.created_at);
  return w.derived.backlog_segments.map((s, n) =>
    [
      id,
      n,
      ts(s.from),
      ts(s.to),
      txt(s.status),
      txt(s.group),
      txt(s.assignee_id),
      txt(s.priority),
      txt(s.category),
      txt(s.channel),
      txt(s.policy_id),
      txt(s.calendar_id),
      createdAt,
    ].join('\t'),
  );
}

/** A derived table: its key columns within a ticket and every column, as jsonb_to_recordset types. */
interface DerivedTable {
  table: 'sla_clock' | 'contact' | 'backlog_segment';
  rows: (w: TicketWrite) => Array<Record<string, unknown>>;
  /** The rows' COPY lines, in `rows` order. */
  lines: (w: TicketWrite) => string[];
  /** The key of the ticket's `i`-th row. */
  keyAt: (w: TicketWrite, i: number) => string;
  /** The same key read from the row's COPY line. */
  lineKey: (line: string) => string;
  keyColumns: readonly string[];
  columns: ReadonlyArray<readonly [string, string]>;
  slot: keyof StoredRowTexts;
}

/** A table whose rows are numbered within a ticket (`n`): contacts, backlog segments. */
function numbered(
  table: DerivedTable['table'],
  slot: DerivedTable['slot'],
  rows: DerivedTable['rows'],
  lines: DerivedTable['lines'],
  columns: ReadonlyArray<readonly [string, string]>,
): DerivedTable {
  return {
    table,
    slot,
    rows,
    lines,
    keyAt: (_w, i) => String(i),
    lineKey: (line) => line.split('\t', 2)[1]!,
    keyColumns: ['n'],
    columns: [['ticket_id', 'text'], ['n', 'int'], ...columns],
  };
}

const DERIVED_TABLES: readonly DerivedTable[] = [
  {
    table: 'sla_clock',
    slot: 'clocks',
    rows: clockJson,
    lines: clockLines,
    keyAt: (w, i) => {
      const c = w.derived.clocks[i]!;
      return `${c.metric}|${c.cycle}`;
    },
    lineKey: (line) => {
      const [, metric, cycle] = line.split('\t', 3);
      return `${metric}|${cycle}`;
    },
    keyColumns: ['metric', 'cycle'],
    columns: [
      ['ticket_id', 'text'],
      ['metric', 'text'],
      ['cycle', 'int'],
      ['policy_id', 'text'],
      ['policy_version', 'int'],
      ['calendar_id', 'text'],
      ['status', 'text'],
      ['stop_reason', 'text'],
      ['started_at', 'timestamptz'],
      ['stopped_at', 'timestamptz'],
      ['target_seconds', 'float8'],
      ['elapsed_business_seconds', 'float8'],
      ['elapsed_calendar_seconds', 'float8'],
      ['paused_calendar_seconds', 'float8'],
      ['running_since', 'timestamptz'],
      ['due_at', 'timestamptz'],
      ['at_risk_at', 'timestamptz'],
      ['breached_at', 'timestamptz'],
      ['decided_at', 'timestamptz'],
      ['team', 'text'],
      ['agent', 'text'],
      ['priority', 'text'],
      ['channel', 'text'],
      ['category', 'text'],
    ],
  },
  numbered('contact', 'contacts', contactJson, contactLines, [
    ['ended_at', 'timestamptz'],
    ['started_at', 'timestamptz'],
    ['agent_id', 'text'],
    ['channel', 'text'],
    ['team', 'text'],
    ['priority', 'text'],
    ['category', 'text'],
    ['policy_id', 'text'],
    ['talk_seconds', 'float8'],
    ['hold_seconds', 'float8'],
    ['wrap_seconds', 'float8'],
    ['handle_seconds', 'float8'],
  ]),
  numbered('backlog_segment', 'segments', segmentJson, segmentLines, [
    ['valid_from', 'timestamptz'],
    ['valid_to', 'timestamptz'],
    ['status', 'text'],
    ['team', 'text'],
    ['agent', 'text'],
    ['priority', 'text'],
    ['category', 'text'],
    ['channel', 'text'],
    ['policy_id', 'text'],
    ['calendar_id', 'text'],
    ['created_at', 'timestamptz'],
  ]),
];

/** Each derived table's columns in COPY order (after the tenant). */
export const DERIVED_COLUMNS = Object.fromEntries(
  DERIVED_TABLES.map((t) => [t.table, t.columns.map(([name]) => name)]),
) as Record<DerivedTable['table'], string[]>;

/** What {@link writeTickets} sends for one derived table. */
export interface DerivedTableWrite {
  /** Tickets whose every stored row is deleted first (their stored rows are unknown). */
  replaceAll: string[];
  /** Rows to delete, as `{ticket_id, ...key}`: gone, or (with COPY) changed and copied anew. */
  deleted: Array<Record<string, unknown>>;
  /** The rows to write, new or changed, as objects (without COPY only). */
  rows: Array<Record<string, unknown>>;
  /** Their COPY lines (without the tenant column). */
  lines: string[];
}

/** What a ticket's rows are once written (what the ticket cache keeps). */
export interface WrittenTicket {
  rows: StoredRowTexts;
}

/** The parameters of {@link writeTickets}, and what each ticket's rows are once written. */
export interface TicketWritePlan {
  tickets: string;
  tables: Map<DerivedTable['table'], DerivedTableWrite>;
  written: Map<string, WrittenTicket>;
}

/** A ticket row of the UPDATE as JSON; without `contributions` the stored ones are kept. */
function ticketUpdateJson(w: TicketWrite): string {
  return JSON.stringify(ticketJson(w, w.contributionsStored !== true));
}

function storedLines(
  spec: DerivedTable,
  text: string | undefined,
): Map<string, string> | undefined {
  if (text === undefined) return undefined;
  const lines = new Map<string, string>();
  if (text === '') return lines;
  for (const line of text.split('\n')) lines.set(spec.lineKey(line), line);
  return lines;
}

/**
 * Compares each ticket's rows with what is stored and plans the smallest write. A row is
 * compared by its COPY line, which is also what the cache keeps of it.
 */
export function planTicketWrites(writes: readonly TicketWrite[], copy: boolean): TicketWritePlan {
  const written = new Map<string, WrittenTicket>();
  writes.forEach((w) => {
    written.set(w.ticketId, { rows: { clocks: '', contacts: '', segments: '' } });
  });
  const tables = new Map<DerivedTable['table'], DerivedTableWrite>();
  for (const spec of DERIVED_TABLES) {
    const write: DerivedTableWrite = { replaceAll: [], deleted: [], rows: [], lines: [] };
    for (const w of writes) {
      const before = storedLines(spec, w.previous?.[spec.slot]);
      if (before === undefined && w.created !== true) write.replaceAll.push(w.ticketId);
      const now = spec.lines(w);
      let objects: Array<Record<string, unknown>> | undefined;
      for (let i = 0; i < now.length; i++) {
        const line = now[i]!;
        const key = spec.keyAt(w, i);
        const old = before?.get(key);
        before?.delete(key);
        if (old === line) continue;
        write.lines.push(line);
        if (copy) {
          // COPY cannot update: a changed row is deleted and copied anew.
          if (old !== undefined) write.deleted.push(rowOfKey(spec, w.ticketId, key));
        } else {
          objects ??= spec.rows(w);
          write.rows.push(objects[i]!);
        }
      }
      // What is left of the stored rows no longer exists.
      for (const key of before?.keys() ?? []) {
        write.deleted.push(rowOfKey(spec, w.ticketId, key));
      }
      written.get(w.ticketId)!.rows[spec.slot] = now.join('\n');
    }
    tables.set(spec.table, write);
  }
  const existing = writes.filter((w) => w.created !== true);
  const tickets = existing.length === 0 ? '' : `[${existing.map(ticketUpdateJson).join(',')}]`;
  return { tickets, tables, written };
}

/** The key columns of a row from its key text (see each spec's `key`). */
function rowOfKey(spec: DerivedTable, ticketId: string, key: string): Record<string, unknown> {
  const parts = key.split('|');
  const row: Record<string, unknown> = { ticket_id: ticketId };
  spec.keyColumns.forEach((column, i) => {
    const type = spec.columns.find(([n]) => n === column)![1];
    row[column] = type === 'int' ? Number(parts[i]) : parts[i];
  });
  return row;
}

/** The columns of a ticket row as `json_to_recordset` reads them from {@link ticketJson}. */
const TICKET_RECORD = sql`x(
      ticket_id text, contributions json, derived json, status text, priority text,
      channel text, team text, assignee_id text, category text, created_at timestamptz,
      deleted boolean, first_solved_at timestamptz, policy_id text, last_occurred_at timestamptz,
      last_seq bigint, config_revision bigint)`;

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

/**
 * Inserts the rows of new tickets (`created` writes), stamped with this transaction's id (`rev`),
 * and returns the ids inserted. A ticket whose row another transaction created meanwhile (it
 * waits for that transaction to end) is not inserted: it must be locked and folded again from
 * the log as an existing ticket, and nothing else of it may be written before.
 *
 * With `copyIn` (a server) the rows go in by COPY first: in a live stream no other transaction
 * creates the same ticket. If one did, the COPY fails as a whole on the key, is rolled back to
 * its savepoint, and the rows take the `on conflict do nothing` insert, in ticket_id order.
 */
export async function insertTickets(
  db: Kysely<DB>,
  tenantId: string,
  writes: readonly TicketWrite[],
  rev: string,
  copyIn?: CopyIn,
): Promise<Set<string>> {
  if (writes.length === 0) return new Set();
  if (copyIn) {
    await sql`savepoint copy_tickets`.execute(db);
    try {
      const prefix = `${tenantId}\t`;
      const text = `${prefix}${writes.map((w) => ticketCopyLine(w, rev)).join(`\n${prefix}`)}\n`;
      await copyIn(`copy ticket (tenant_id, ${TICKET_COPY_COLUMNS.join(', ')}) from stdin`, text);
      await sql`release savepoint copy_tickets`.execute(db);
      return new Set(writes.map((w) => w.ticketId));
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error;
      await sql`rollback to savepoint copy_tickets`.execute(db);
    }
  }
  const json = `[${writes.map((w) => JSON.stringify(ticketJson(w))).join(',')}]`;
  const { rows } = await sql<{ ticket_id: string }>`
    insert into ticket (tenant_id, ticket_id, contributions, derived, status, priority, channel,
      team, assignee_id, category, created_at, deleted, first_solved_at, policy_id,
      last_occurred_at, last_seq, config_revision, rev, updated_at)
    select ${tenantId}::uuid, x.ticket_id, x.contributions, x.derived, x.status, x.priority,
      x.channel, x.team, x.assignee_id, x.category, x.created_at, x.deleted, x.first_solved_at,
      x.policy_id, x.last_occurred_at, x.last_seq, x.config_revision, pg_current_xact_id(), now()
    from json_to_recordset(${json}::json) as ${TICKET_RECORD}
    order by x.ticket_id
    on conflict (tenant_id, ticket_id) do nothing
    returning ticket_id`.execute(db);
  return new Set(rows.map((r) => r.ticket_id));
}

/**
 * Writes the tickets' rows: the row of each existing ticket (stamped with this transaction's id
 * as `rev`; new tickets' rows are inserted first by {@link insertTickets}), and of each derived
 * table only the rows that changed — by COPY when `copyIn` is given (a server),
 * else by an upsert. Returns what each ticket's rows now are.
 */
export async function writeTickets(
  db: Kysely<DB>,
  tenantId: string,
  writes: readonly TicketWrite[],
  copyIn?: CopyIn,
): Promise<Map<string, WrittenTicket>> {
  if (writes.length === 0) return new Map();
  const tenant = sql`${tenantId}::uuid`;
  const plan = planTicketWrites(writes, copyIn !== undefined);
  if (plan.tickets !== '')
    await sql`
    update ticket t set
      contributions = coalesce(x.contributions, t.contributions),
      derived = x.derived, status = x.status,
      priority = x.priority, channel = x.channel, team = x.team, assignee_id = x.assignee_id,
      category = x.category, created_at = x.created_at, deleted = x.deleted,
      first_solved_at = x.first_solved_at, policy_id = x.policy_id,
      last_occurred_at = x.last_occurred_at, last_seq = x.last_seq,
      config_revision = x.config_revision, rev = pg_current_xact_id(), updated_at = now()
    from json_to_recordset(${plan.tickets}::json) as ${TICKET_RECORD}
    where t.tenant_id = ${tenant} and t.ticket_id = x.ticket_id`.execute(db);
  for (const spec of DERIVED_TABLES) {
    const write = plan.tables.get(spec.table)!;
    const table = sql.table(spec.table);
    const columnType = (c: string) => sql.raw(spec.columns.find(([n]) => n === c)![1]);
    if (write.replaceAll.length > 0) {
      await sql`
        delete from ${table} d using unnest(${write.replaceAll}::text[]) as x(id)
        where d.tenant_id = ${tenant} and d.ticket_id = x.id`.execute(db);
    }
    if (write.deleted.length > 0) {
      const keyColumns = ['ticket_id', ...spec.keyColumns];
      const arrays = sql.join(
        keyColumns.map((c) => sql`${write.deleted.map((k) => k[c])}::${columnType(c)}[]`),
      );
      const match = sql.join(
        keyColumns.map((c) => sql`d.${sql.ref(c)} = x.${sql.ref(c)}`),
        sql` and `,
      );
      await sql`
        delete from ${table} d using unnest(${arrays}) as x(${sql.join(keyColumns.map((c) => sql.ref(c)))})
        where d.tenant_id = ${tenant} and ${match}`.execute(db);
    }
    if (write.lines.length === 0) continue;
    if (copyIn) {
      const names = spec.columns.map(([c]) => c).join(', ');
      const prefix = `${tenantId}\t`;
      const text = `${prefix}${write.lines.join(`\n${prefix}`)}\n`;
      await copyIn(`copy ${spec.table} (tenant_id, ${names}) from stdin`, text);
      continue;
    }
    const def = sql.join(spec.columns.map(([c, type]) => sql`${sql.ref(c)} ${sql.raw(type)}`));
    const names = sql.join(spec.columns.map(([c]) => sql.ref(c)));
    const conflict = sql.join(
      ['tenant_id', 'ticket_id', ...spec.keyColumns].map((c) => sql.ref(c)),
    );
    const updates = sql.join(
      spec.columns
        .filter(([c]) => c !== 'ticket_id' && !spec.keyColumns.includes(c))
        .map(([c]) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`),
    );
    await sql`
      insert into ${table} (tenant_id, ${names})
      select ${tenant}, ${names} from jsonb_to_recordset(${JSON.stringify(write.rows)}::jsonb) as x(${def})
      on conflict (${conflict}) do update set ${updates}`.execute(db);
  }
  return plan.written;
}
