/**
 * What one committed transaction changed of what the KPIs read, as ingest reports it after the
 * commit: the data version it moved the tenant to, the rollup deltas it appended, and the new
 * backlog segments of every ticket it rewrote. An in-memory reader (the KPI cube) applies these
 * in data-version order; a reader that misses one falls back to the database, never answers
 * wrong.
 */
import type { BacklogSegmentState } from '../ticket/state.js';
import type { Contribution } from './types.js';

/**
 * An SLA clock still running (`active`, not stopped) with a `due_at`: breached at `due_at` once
 * the query time passes it, attributed to the clock's metric and policy and the ticket's current
 * attributes (the overdue part of SLA compliance).
 */
export interface OpenClock {
  due: number;
  metric: string;
  policy: string | null;
  team: string | null;
  agent: string | null;
  priority: string | null;
  channel: string | null;
  category: string | null;
}

/**
 * A backlog segment as readers outside the fold hold it (the KPI cube's backlog index, the
 * snapshot it loads from): instants in epoch ms, `to` null while open-ended.
 */
export interface SegmentRecord {
  ticketId: string;
  from: number;
  to: number | null;
  status: string;
  createdAt: number;
  calendarId: string;
  team: string | null;
  agent: string | null;
  priority: string | null;
  channel: string | null;
  category: string | null;
  policy: string | null;
}

export interface TicketSegments {
  createdAt: number;
  /** Every backlog segment of the ticket now ([] once deleted). */
  segments: readonly BacklogSegmentState[];
  /** Its running clocks with a due time ([] once deleted). */
  openClocks: readonly OpenClock[];
}

export interface DataChange {
  /** The data version before the transaction, plus one. */
  first: string;
  /** The data version the transaction committed. */
  last: string;
  /** The signed rollup deltas the transaction appended. */
  rows: readonly Contribution[];
  /** The tickets whose derived rows the transaction rewrote. */
  tickets: ReadonlyMap<string, TicketSegments>;
}

/** Receives each committed change of a tenant (after the commit). */
export interface DataChangeListener {
  changed(tenantId: string, change: DataChange): void;
}

/** The change of a transaction that ran several steps, each moving the version on. */
export function mergeChanges(a: DataChange | undefined, b: DataChange): DataChange {
  if (a === undefined) return b;
  const tickets = new Map(a.tickets);
  for (const [id, t] of b.tickets) tickets.set(id, t);
  const first = BigInt(a.first) < BigInt(b.first) ? a.first : b.first;
  const last = BigInt(a.last) > BigInt(b.last) ? a.last : b.last;
  return { first, last, rows: a.rows.concat(b.rows), tickets };
}
