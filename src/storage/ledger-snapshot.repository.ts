/**
 * A consistent snapshot of what the KPI cube holds in memory: a tenant's summed rollup ledgers,
 * its backlog segments and its data version, all read in one `repeatable read` transaction on
 * one connection, so the rows are exactly those of that version. Rows come in pages (a few weeks
 * of buckets, or some thousands of tickets, at a time) so no statement returns a whole ledger.
 * The transaction stays open until `close()`.
 */
import { sql, type Kysely } from 'kysely';
import type {
  Contribution,
  ContributionKind,
  OpenClock,
  SegmentRecord,
} from '../core/aggregate/index.js';
import { contributionOf, ROLLUPS, summed } from './rollup.repository.js';
import type { DB } from './schema.js';

/** Buckets read per statement: four weeks. */
const PAGE_MS = 28 * 86_400_000;
const DAY_MS = 86_400_000;
/** Segments read per statement. */
const SEGMENT_PAGE = 20_000;

export type SegmentRow = SegmentRecord;

export interface LedgerSnapshot {
  /** The tenant's data version in the snapshot. */
  version: string;
  /**
   * With a horizon: the first instant read (a UTC midnight). Ledger rows of earlier buckets and
   * segments that ended at or before it were left out.
   */
  since?: number;
  /** The summed ledger rows of `kind`, page by page. */
  rows(kind: ContributionKind): AsyncIterable<readonly Contribution[]>;
  /** Every backlog segment of the tenant, page by page, in ticket order. */
  segments(): AsyncIterable<readonly SegmentRow[]>;
  /** Every running clock with a due time of a live ticket, page by page. */
  openClocks(): AsyncIterable<ReadonlyArray<OpenClock & { ticketId: string }>>;
  /** Ends the read transaction. */
  close(): Promise<void>;
}

/** The first and last bucket of a tenant's ledger of `kind` (null when it is empty). */
export async function ledgerSpan(
  db: Kysely<DB>,
  tenantId: string,
  kind: ContributionKind,
): Promise<{ lo: number; hi: number } | null> {
  const { rows } = await sql<{ lo: Date | null; hi: Date | null }>`
    select min(bucket) as lo, max(bucket) as hi from ${sql.table(ROLLUPS[kind].table)}
    where tenant_id = ${tenantId}::uuid`.execute(db);
  const { lo, hi } = rows[0] ?? { lo: null, hi: null };
  return lo && hi ? { lo: lo.getTime(), hi: hi.getTime() } : null;
}

/** The summed ledger rows of `kind` whose buckets fall in `[from, to)`. */
export async function readLedgerPage(
  db: Kysely<DB>,
  tenantId: string,
  kind: ContributionKind,
  from: number,
  to: number,
): Promise<Contribution[]> {
  const spec = ROLLUPS[kind];
  const { rows } = await summed(spec, sql.table(spec.table), tenantId, { from, to }).execute(db);
  return (rows as Array<Record<string, unknown>>).map((r) => contributionOf(kind, r));
}

async function* ledgerPages(
  db: Kysely<DB>,
  tenantId: string,
  kind: ContributionKind,
  since = -Infinity,
): AsyncGenerator<readonly Contribution[]> {
  const span = await ledgerSpan(db, tenantId, kind);
  if (span === null) return;
  for (let from = Math.max(span.lo, since); from <= span.hi; from += PAGE_MS) {
    yield await readLedgerPage(db, tenantId, kind, from, from + PAGE_MS);
  }
}

interface SegmentTableRow {
  ticket_id: string;
  n: number;
  valid_from: Date;
  valid_to: Date | null;
  status: string;
  created_at: Date;
  calendar_id: string;
  team: string | null;
  agent: string | null;
  priority: string | null;
  channel: string | null;
  category: string | null;
  policy_id: string | null;
}

/** Up to `limit` backlog segments of the tenant after `(ticket, n)` = `after`, in that order. */
export async function readSegmentPage(
  db: Kysely<DB>,
  tenantId: string,
  after: readonly [string, number] | null,
  limit: number,
  since?: number,
): Promise<Array<SegmentRow & { n: number }>> {
  const from = after === null ? sql`` : sql`and (ticket_id, n) > (${after[0]}, ${after[1]}::int)`;
  const ended =
    since === undefined
      ? sql``
      : sql`and (valid_to is null or valid_to > ${new Date(since).toISOString()}::timestamptz)`;
  const { rows } = await sql<SegmentTableRow>`
    select ticket_id, n, valid_from, valid_to, status, created_at, calendar_id,
      team, agent, priority, channel, category, policy_id
    from backlog_segment where tenant_id = ${tenantId}::uuid ${from} ${ended}
    order by ticket_id, n limit ${limit}`.execute(db);
  return rows.map((r) => ({
    ticketId: r.ticket_id,
    n: r.n,
    from: r.valid_from.getTime(),
    to: r.valid_to === null ? null : r.valid_to.getTime(),
    status: r.status,
    createdAt: r.created_at.getTime(),
    calendarId: r.calendar_id,
    team: r.team,
    agent: r.agent,
    priority: r.priority,
    channel: r.channel,
    category: r.category,
    policy: r.policy_id,
  }));
}

async function* segmentPages(
  db: Kysely<DB>,
  tenantId: string,
  since?: number,
): AsyncGenerator<readonly SegmentRow[]> {
  let after: [string, number] | null = null;
  for (;;) {
    const rows = await readSegmentPage(db, tenantId, after, SEGMENT_PAGE, since);
    if (rows.length === 0) return;
    const last = rows.at(-1)!;
    after = [last.ticketId, last.n];
    yield rows;
    if (rows.length < SEGMENT_PAGE) return;
  }
}

type OpenClockRow = OpenClock & { ticketId: string; cycle: number };

/**
 * Up to `limit` running clocks with a due time (countOverdueClocks' clocks, whatever their
 * due time) after `(ticket, metric, cycle)` = `after`, with their tickets' current attributes.
 */
export async function readOpenClockPage(
  db: Kysely<DB>,
  tenantId: string,
  after: readonly [string, string, number] | null,
  limit: number,
): Promise<OpenClockRow[]> {
  const from =
    after === null
      ? sql``
      : sql`and (c.ticket_id, c.metric, c.cycle) > (${after[0]}, ${after[1]}, ${after[2]}::int)`;
  const { rows } = await sql<{
    ticket_id: string;
    metric: string;
    cycle: number;
    due_at: Date;
    policy_id: string | null;
    team: string | null;
    assignee_id: string | null;
    priority: string | null;
    channel: string | null;
    category: string | null;
  }>`
    select c.ticket_id, c.metric, c.cycle, c.due_at, c.policy_id,
      t.team, t.assignee_id, t.priority, t.channel, t.category
    from sla_clock c
    join ticket t on t.tenant_id = c.tenant_id and t.ticket_id = c.ticket_id
    where c.tenant_id = ${tenantId}::uuid and c.stopped_at is null and c.status = 'active'
      and c.due_at is not null and not t.deleted ${from}
    order by c.ticket_id, c.metric, c.cycle limit ${limit}`.execute(db);
  return rows.map((r) => ({
    ticketId: r.ticket_id,
    cycle: r.cycle,
    due: r.due_at.getTime(),
    metric: r.metric,
    policy: r.policy_id,
    team: r.team,
    agent: r.assignee_id,
    priority: r.priority,
    channel: r.channel,
    category: r.category,
  }));
}

async function* openClockPages(db: Kysely<DB>, tenantId: string) {
  let after: [string, string, number] | null = null;
  for (;;) {
    const rows = await readOpenClockPage(db, tenantId, after, SEGMENT_PAGE);
    if (rows.length === 0) return;
    const last = rows.at(-1)!;
    after = [last.ticketId, last.metric, last.cycle];
    yield rows;
    if (rows.length < SEGMENT_PAGE) return;
  }
}

export interface SnapshotHorizon {
  /** Days of history to read back from the latest bucket of `kinds` (at most tomorrow). */
  days: number;
  kinds: readonly ContributionKind[];
  now?: () => number;
}

/**
 * The first instant a snapshot with `horizon` reads: the UTC midnight `days` before the latest
 * bucket of the kinds (capped at tomorrow, so a far-future event does not empty the cube), or
 * undefined when the ledgers are empty.
 */
async function sinceOf(
  db: Kysely<DB>,
  tenantId: string,
  horizon: SnapshotHorizon,
): Promise<number | undefined> {
  let last = -Infinity;
  for (const kind of horizon.kinds) {
    const span = await ledgerSpan(db, tenantId, kind);
    if (span !== null) last = Math.max(last, Math.floor(span.hi / DAY_MS));
  }
  if (!Number.isFinite(last)) return undefined;
  last = Math.min(last, Math.floor((horizon.now ?? Date.now)() / DAY_MS) + 1);
  return (last - horizon.days) * DAY_MS;
}

/**
 * Opens a snapshot of the tenant's ledgers and segments (with `horizon`: only those of its last
 * days); call `close()` when done with it.
 */
export function openLedgerSnapshot(
  db: Kysely<DB>,
  tenantId: string,
  horizon?: SnapshotHorizon,
): Promise<LedgerSnapshot> {
  return new Promise<LedgerSnapshot>((resolve, reject) => {
    let opened = false;
    let done: Promise<void> = Promise.resolve();
    done = db
      .connection()
      .execute(async (conn) => {
        await sql`begin isolation level repeatable read read only`.execute(conn);
        let release: () => void = () => undefined;
        const closed = new Promise<void>((r) => (release = r));
        try {
          const { rows } = await sql<{ version: string }>`
            select coalesce((select version::text from tenant_data_version
              where tenant_id = ${tenantId}::uuid), '0') as version`.execute(conn);
          const since =
            horizon !== undefined && horizon.days > 0
              ? await sinceOf(conn, tenantId, horizon)
              : undefined;
          opened = true;
          resolve({
            version: rows[0]!.version,
            ...(since !== undefined ? { since } : {}),
            rows: (kind) => ledgerPages(conn, tenantId, kind, since),
            segments: () => segmentPages(conn, tenantId, since),
            openClocks: () => openClockPages(conn, tenantId),
            close: async () => {
              release();
              await done;
            },
          });
          await closed;
        } finally {
          await sql`rollback`.execute(conn);
        }
      })
      .catch((error: unknown) => {
        if (!opened) reject(error instanceof Error ? error : new Error(String(error)));
      });
  });
}
