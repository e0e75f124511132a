/**
 * Writes what a batch folded: the rows of new tickets (inserted), then each ticket's row and, of
 * each derived table, only the rows that changed since they were last written (see
 * {@link planTicketWrites}). The rows are encoded by derived-rows.ts.
 */
import { sql, type Kysely } from 'kysely';
import type { CopyIn } from './database.js';
import {
  DERIVED_TABLES,
  TICKET_COPY_COLUMNS,
  ticketCopyLine,
  ticketJson,
  type DerivedTable,
  type StoredRowTexts,
  type TicketWrite,
} from './derived-rows.js';
import type { DB } from './schema.js';
import { isUniqueViolation } from './unique-violation.js';
import { insertValues, type ValuesColumn } from './values-rows.js';

/** What {@link writeTickets} sends for one derived table. */
export interface DerivedTableWrite {
  /** Tickets whose every stored row is deleted first (their stored rows are unknown). */
  replaceAll: string[];
  /** Rows to delete, as `{ticket_id, ...key}`: gone, or (with COPY) changed and copied anew. */
  deleted: Array<Record<string, unknown>>;
  /** The keys (`ticket_id`, key text) of stored rows that no longer exist: report tombstones. */
  gone: Array<[string, string]>;
  /** Of the `replaceAll` tickets, the keys written again (`ticket_id`, key text). */
  rewritten: Set<string>;
  /** The rows to write, new or changed, as their values in `columns` order (without COPY only). */
  values: unknown[][];
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
    const write: DerivedTableWrite = {
      replaceAll: [],
      deleted: [],
      gone: [],
      rewritten: new Set(),
      values: [],
      lines: [],
    };
    for (const w of writes) {
      const before = storedLines(spec, w.previous?.[spec.slot]);
      const replaced = before === undefined && w.created !== true;
      if (replaced) write.replaceAll.push(w.ticketId);
      const now = spec.lines(w);
      let values: unknown[][] | undefined;
      for (let i = 0; i < now.length; i++) {
        const line = now[i]!;
        const key = spec.keyAt(w, i);
        if (replaced) write.rewritten.add(rowKeyId(w.ticketId, key));
        const old = before?.get(key);
        before?.delete(key);
        if (old === line) continue;
        write.lines.push(line);
        if (copy) {
          // COPY cannot update: a changed row is deleted and copied anew.
          if (old !== undefined) write.deleted.push(rowOfKey(spec, w.ticketId, key));
        } else {
          values ??= spec.values(w);
          write.values.push(values[i]!);
        }
      }
      // What is left of the stored rows no longer exists.
      for (const key of before?.keys() ?? []) {
        write.deleted.push(rowOfKey(spec, w.ticketId, key));
        write.gone.push([w.ticketId, key]);
      }
      written.get(w.ticketId)!.rows[spec.slot] = now.join('\n');
    }
    tables.set(spec.table, write);
  }
  const existing = writes.filter((w) => w.created !== true);
  const tickets = existing.length === 0 ? '' : `[${existing.map(ticketUpdateJson).join(',')}]`;
  return { tickets, tables, written };
}

const rowKeyId = (ticketId: string, key: string) => `${ticketId}\u0000${key}`;

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

/**
 * A new ticket's row as VALUES: the tenant, the types of {@link TICKET_RECORD} (values from
 * {@link ticketValues}), then this transaction's id as `rev` and the time.
 */
const NEW_TICKET_COLUMNS: readonly ValuesColumn[] = [
  'uuid',
  'text',
  'json',
  'json',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'timestamptz',
  'boolean',
  'timestamptz',
  'text',
  'timestamptz',
  'bigint',
  'bigint',
  () => sql`pg_current_xact_id()`,
  () => sql`now()`,
];

/** The values of {@link ticketJson} in {@link TICKET_RECORD} order, JSON columns as text. */
function ticketValues(w: TicketWrite): unknown[] {
  const j = ticketJson(w);
  return [
    j.ticket_id,
    JSON.stringify(j.contributions),
    JSON.stringify(j.derived),
    j.status,
    j.priority,
    j.channel,
    j.team,
    j.assignee_id,
    j.category,
    j.created_at,
    j.deleted,
    j.first_solved_at,
    j.policy_id,
    j.last_occurred_at,
    j.last_seq,
    j.config_revision,
  ];
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
      if (!isUniqueViolation(error)) throw error;
      await sql`rollback to savepoint copy_tickets`.execute(db);
    }
  }
  // In ticket_id order, as the rows are locked (ticket-lock.repository.ts).
  const sorted = [...writes].sort((a, b) =>
    a.ticketId < b.ticketId ? -1 : a.ticketId > b.ticketId ? 1 : 0,
  );
  const rows = await insertValues(
    db,
    sorted,
    NEW_TICKET_COLUMNS,
    (w) => [tenantId, ...ticketValues(w)],
    (values) => sql<{ ticket_id: string }>`
      insert into ticket (tenant_id, ticket_id, contributions, derived, status, priority, channel,
        team, assignee_id, category, created_at, deleted, first_solved_at, policy_id,
        last_occurred_at, last_seq, config_revision, rev, updated_at)
      values ${values}
      on conflict (tenant_id, ticket_id) do nothing
      returning ticket_id`,
  );
  return new Set(rows.map((r) => r.ticket_id));
}

/**
 * Writes the tickets' rows: the row of each existing ticket (stamped with this transaction's id
 * as `rev`; new tickets' rows are inserted first by {@link insertTickets}), the journal of the
 * tickets written (every one, new or not), and of each derived
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
    where t.tenant_id = ${tenantId}::uuid and t.ticket_id = x.ticket_id`.execute(db);
  await recordTicketChanges(
    db,
    tenantId,
    writes.map((w) => w.ticketId),
  );
  for (const spec of DERIVED_TABLES) {
    const write = plan.tables.get(spec.table)!;
    await deleteDerivedRows(db, tenantId, spec, write);
    if (write.lines.length === 0) continue;
    if (copyIn) {
      const names = spec.columns.map(([c]) => c).join(', ');
      const prefix = `${tenantId}\t`;
      const text = `${prefix}${write.lines.join(`\n${prefix}`)}\n`;
      await copyIn(`copy ${spec.table} (tenant_id, ${names}) from stdin`, text);
    } else await upsertDerivedRows(db, tenantId, spec, write.values);
  }
  return plan.written;
}

/**
 * Records which tickets this transaction wrote, for incremental report pulls (migration 0018):
 * one journal row for the batch, stamped with this transaction's id. The ticket rows' own `rev`
 * is not indexed, so that their updates can be HOT.
 */
async function recordTicketChanges(
  db: Kysely<DB>,
  tenantId: string,
  ticketIds: readonly string[],
): Promise<void> {
  await sql`insert into ticket_change (tenant_id, ticket_ids)
    values (${tenantId}::uuid, ${ticketIds}::text[])`.execute(db);
}

/** Deletes a derived table's rows of the tickets replaced, and the rows gone or changed. */
async function deleteDerivedRows(
  db: Kysely<DB>,
  tenantId: string,
  spec: DerivedTable,
  write: DerivedTableWrite,
): Promise<void> {
  const tenant = sql`${tenantId}::uuid`;
  const table = sql.table(spec.table);
  const columnType = (c: string) => sql.raw(spec.columns.find(([n]) => n === c)![1]);
  const gone = [...write.gone];
  if (write.replaceAll.length > 0) {
    const keys = sql.join(spec.keyColumns.map((c) => sql`d.${sql.ref(c)}`));
    const { rows } = await sql<Record<string, unknown>>`
        delete from ${table} d using unnest(${write.replaceAll}::text[]) as x(id)
        where d.tenant_id = ${tenant} and d.ticket_id = x.id
        returning d.ticket_id, ${keys}`.execute(db);
    for (const row of rows) {
      const ticketId = row.ticket_id as string;
      const key = spec.keyColumns.map((c) => String(row[c])).join('|');
      if (!write.rewritten.has(rowKeyId(ticketId, key))) gone.push([ticketId, key]);
    }
  }
  await recordDeletedRows(db, tenantId, REPORT_OF_TABLE[spec.table], gone);
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
}

/** The report each derived table is served as (GET /v1/reports/{name}). */
const REPORT_OF_TABLE: Record<DerivedTable['table'], string> = {
  sla_clock: 'sla-instances',
  contact: 'contacts',
  backlog_segment: 'status-intervals',
};

/**
 * Records derived rows that no longer exist, stamped with this transaction's id, so that an
 * incremental report pull can send them as deletions (migration 0013).
 */
async function recordDeletedRows(
  db: Kysely<DB>,
  tenantId: string,
  report: string,
  gone: ReadonlyArray<[string, string]>,
): Promise<void> {
  if (gone.length === 0) return;
  await insertValues(
    db,
    gone,
    ['uuid', 'text', 'text', 'text'],
    ([ticketId, rowKey]) => [tenantId, report, ticketId, rowKey],
    (values) => sql`
      insert into report_row_deleted (tenant_id, report, ticket_id, row_key)
      values ${values}
      on conflict (tenant_id, report, ticket_id, row_key) do update set rev = excluded.rev`,
  );
}

/** Inserts or updates a derived table's rows (their values in `spec.columns` order), without COPY. */
async function upsertDerivedRows(
  db: Kysely<DB>,
  tenantId: string,
  spec: DerivedTable,
  rows: readonly unknown[][],
): Promise<void> {
  const names = sql.join(spec.columns.map(([c]) => sql.ref(c)));
  const conflict = sql.join(['tenant_id', 'ticket_id', ...spec.keyColumns].map((c) => sql.ref(c)));
  const updates = sql.join([
    ...spec.columns
      .filter(([c]) => c !== 'ticket_id' && !spec.keyColumns.includes(c))
      .map(([c]) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`),
    // The proposed row's rev is its column default, this transaction's id (excluded: Citus
    // takes no function but an immutable one in an upsert's SET).
    sql`rev = excluded.rev`,
  ]);
  await insertValues(
    db,
    rows,
    ['uuid', ...spec.columns.map(([, type]) => type)],
    (row) => [tenantId, ...row],
    (values) => sql`
      insert into ${sql.table(spec.table)} (tenant_id, ${names})
      values ${values}
      on conflict (${conflict}) do update set ${updates}`,
  );
}
