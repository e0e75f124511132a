/**
 * The work queue's read (GET /v1/tickets): open SLA clocks of live tickets, in due order, one
 * keyset page at a time. A clock's SLA state is decided here as of `now` from its stored instants,
 * the same way reporting/clock-view.ts reports it, so a filter and the status it lists agree.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from './schema.js';
import type { StoredClock } from './ticket-read.repository.js';

/** A position in the queue's order: the sort key of a row. */
export interface QueueKey {
  /** due_at as an ISO instant, or `Infinity` for a clock without one (those sort last). */
  due: string;
  ticketId: string;
  metric: string;
  cycle: number;
}

export interface QueueFilter {
  slaStatus?: string;
  metric?: string;
  /** Rows strictly after this position only. */
  after?: QueueKey;
  limit: number;
}

export type QueueRow = StoredClock & {
  key: QueueKey;
  ticket_status: string | null;
  t_priority: string | null;
  t_team: string | null;
  t_assignee: string | null;
};

const due = sql`coalesce(c.due_at, 'infinity'::timestamptz)`;

function statePredicate(slaStatus: string | undefined, now: Date): RawBuilder<unknown> {
  const states: Record<string, RawBuilder<unknown>> = {
    breached: sql`(c.breached_at is not null or (c.status = 'active' and c.due_at < ${now}))`,
    at_risk: sql`(c.status = 'active' and c.at_risk_at <= ${now} and c.due_at >= ${now})`,
    active: sql`(c.status = 'active' and c.due_at >= ${now})`,
    paused: sql`(c.status = 'paused')`,
  };
  return states[slaStatus ?? ''] ?? sql`true`;
}

export async function listQueueClocks(
  db: Kysely<DB>,
  tenantId: string,
  filter: QueueFilter,
  now: Date,
): Promise<QueueRow[]> {
  const { after } = filter;
  const keyset = after
    ? sql`(${due}, c.ticket_id, c.metric, c.cycle) > (${after.due}::timestamptz, ${after.ticketId}, ${after.metric}, ${after.cycle})`
    : sql`true`;
  const metric = filter.metric ? sql`c.metric = ${filter.metric}` : sql`true`;
  const { rows } = await sql<Omit<QueueRow, 'key'> & { d: Date | string | number }>`
    select c.*, ${due} as d, t.status as ticket_status, t.priority as t_priority, t.team as t_team, t.assignee_id as t_assignee
    from sla_clock c join ticket t on t.tenant_id = c.tenant_id and t.ticket_id = c.ticket_id
    where c.tenant_id = ${tenantId}::uuid and c.stopped_at is null and not t.deleted
      and ${statePredicate(filter.slaStatus, now)} and ${metric} and ${keyset}
    order by ${due}, c.ticket_id, c.metric, c.cycle
    limit ${filter.limit}`.execute(db);
  return rows.map(({ d, ...r }) => ({
    ...r,
    // pg and PGlite both read an infinite timestamptz as the number Infinity: `Infinity` here.
    key: {
      due: d instanceof Date ? d.toISOString() : String(d),
      ticketId: r.ticket_id,
      metric: r.metric,
      cycle: r.cycle,
    },
  }));
}
