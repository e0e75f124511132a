/**
 * The append-only event log. Inserts a batch by multi-row VALUES in arrival order (so `seq`
 * follows the order the events were received) and skips ids already present, reporting
 * which ones were new; the caller classifies the rest as duplicates or conflicts by their hash.
 */
import { sql, type Kysely } from 'kysely';
import type { Actor, EventType, TicketEvent } from '../core/events.js';
import { parseRfc3339 } from '../core/time/rfc3339.js';
import { copyField } from './copy-text.js';
import type { CopyIn } from './database.js';
import { isoString } from './iso-string.js';
import type { DB } from './schema.js';
import { isUniqueViolation } from './unique-violation.js';
import { insertValues, type ValuesColumn } from './values-rows.js';

export interface EventRow {
  eventId: string;
  ticketId: string;
  type: string;
  occurredAt: number;
  actorType: string;
  actorId: string | null;
  /** JSON text of the stored `data`. */
  dataJson: string;
  contentHash: string;
}

/** An event as stored, for folding (see {@link storedEventToCore}). */
export interface StoredEventRow {
  event_id: string;
  ticket_id: string;
  type: string;
  occurred_at: Date;
  actor_type: string;
  actor_id: string | null;
  data: unknown;
  seq: string | number;
}

export interface InsertedEvent {
  eventId: string;
  seq: number;
}

/** ticket_event's columns as insertEvents sends them: `data` as JSON text, the hash as hex. */
const EVENT_COLUMNS: readonly ValuesColumn[] = [
  'uuid',
  'text',
  'text',
  'text',
  'timestamptz',
  'text',
  'text',
  (data) => sql`${data}::text::jsonb`,
  (hash) => sql`decode(${hash}::text, 'hex')`,
];

/** Inserts the rows in arrival order (`seq`, the column default, follows it). */
export async function insertEvents(
  db: Kysely<DB>,
  tenantId: string,
  rows: readonly EventRow[],
): Promise<InsertedEvent[]> {
  if (rows.length === 0) return [];
  const inserted = await insertValues(
    db,
    rows,
    EVENT_COLUMNS,
    (r) => [
      tenantId,
      r.eventId,
      r.ticketId,
      r.type,
      new Date(r.occurredAt).toISOString(),
      r.actorType,
      r.actorId,
      r.dataJson,
      r.contentHash,
    ],
    (values) => sql<{ event_id: string; seq: string | number }>`
      insert into ticket_event
        (tenant_id, event_id, ticket_id, type, occurred_at, actor_type, actor_id, data, content_hash)
      values ${values}
      on conflict (tenant_id, event_id) do nothing
      returning event_id, seq`,
  );
  return inserted.map((r) => ({ eventId: r.event_id, seq: Number(r.seq) }));
}

/** The stored content hash (hex) of each of `eventIds` that exists. */
export async function findContentHashes(
  db: Kysely<DB>,
  tenantId: string,
  eventIds: readonly string[],
): Promise<Map<string, string>> {
  if (eventIds.length === 0) return new Map();
  const result = await sql<{ event_id: string; hash: string }>`
    select event_id, encode(content_hash, 'hex') as hash
    from ticket_event
    where tenant_id = ${tenantId}::uuid and event_id = any(${[...eventIds]}::text[])`.execute(db);
  return new Map(result.rows.map((r) => [r.event_id, r.hash]));
}

/**
 * Every stored event of the tickets, in fold order (occurred_at, then arrival). One index probe
 * per ticket id (`unnest(ids) cross join lateral (… offset 0)`, which keeps the planner from
 * flattening it into a join): with `ticket_id = any(ids)` a growing tenant whose statistics lag
 * behind got a scan of every event it has.
 */
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

export async function countEvents(db: Kysely<DB>, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('ticket_event')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * `n` arrival sequence numbers, ascending: the bulk path assigns them in arrival order. They come
 * back as one comma-separated text rather than n rows (a batch has thousands).
 */
export async function allocateSeqs(db: Kysely<DB>, n: number): Promise<number[]> {
  if (n <= 0) return [];
  const { rows } = await sql<{ s: string }>`
    select string_agg(nextval('ticket_event_seq')::text, ',') as s
    from generate_series(1, ${n}::int)`.execute(db);
  return rows[0]!.s
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
}

export const COPY_EVENTS_STATEMENT =
  'copy ticket_event (tenant_id, event_id, seq, ticket_id, type, occurred_at, actor_type, actor_id, data, content_hash) from stdin';

/**
 * The bulk path of a server: copies the rows in, `seqs[i]` for `rows[i]` (see {@link allocateSeqs}),
 * under a savepoint. Returns false, having rolled back to the savepoint, when an event id is
 * already stored (the COPY fails as a whole on the key): the caller then takes the row-by-row
 * path of {@link insertEvents}, which skips what exists.
 */
export async function copyEvents(
  db: Kysely<DB>,
  tenantId: string,
  rows: readonly EventRow[],
  seqs: readonly number[],
  copyIn: CopyIn,
): Promise<boolean> {
  await sql`savepoint copy_events`.execute(db);
  try {
    await copyIn(COPY_EVENTS_STATEMENT, eventsCopyText(tenantId, rows, seqs));
    await sql`release savepoint copy_events`.execute(db);
    return true;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await sql`rollback to savepoint copy_events`.execute(db);
    return false;
  }
}

/** The rows as COPY text, `seqs[i]` for `rows[i]`. */
export function eventsCopyText(
  tenantId: string,
  rows: readonly EventRow[],
  seqs: readonly number[],
): string {
  const lines = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i += 1) {
    const r = rows[i]!;
    lines[i] =
      `${tenantId}\t${copyField(r.eventId)}\t${seqs[i]}\t${copyField(r.ticketId)}\t${r.type}\t${isoString(r.occurredAt)}\t${r.actorType}\t${r.actorId === null ? '\\N' : copyField(r.actorId)}\t${copyField(r.dataJson)}\t\\\\x${r.contentHash}\n`;
  }
  // One join: a flat string, not a rope of thousands of pieces alive across the COPY.
  return lines.join('');
}

/**
 * `data` as the core reads it: the one field stored as RFC 3339 text that the fold takes as epoch
 * ms. Shared with ingest's live path, so a refold from the log and a live ingest hand the fold
 * exactly the same values.
 */
export function coreEventData(
  type: EventType,
  data: Record<string, unknown>,
): Record<string, unknown> {
  if (type !== 'contact.completed' || typeof data.started_at !== 'string') return data;
  const startedAt = parseRfc3339(data.started_at);
  return { ...data, started_at: typeof startedAt === 'number' ? startedAt : null };
}

/** A stored event as the core's TicketEvent, for a refold from the log. */
export function storedEventToCore(row: StoredEventRow): TicketEvent {
  const type = row.type as EventType;
  const actor =
    row.actor_id === null ? { type: row.actor_type } : { type: row.actor_type, id: row.actor_id };
  return {
    id: row.event_id,
    type,
    ticketId: row.ticket_id,
    occurredAt: row.occurred_at.getTime(),
    actor: actor as Actor,
    seq: Number(row.seq),
    data: coreEventData(type, row.data as Record<string, unknown>),
  } as TicketEvent;
}
