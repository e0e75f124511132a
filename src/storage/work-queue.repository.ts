/**
 * The work queue's read (GET /v1/tickets): open SLA clocks of live tickets, in due order, one
 * keyset page at a time. A clock's SLA state is decided here as of `now` from its stored instants,
 * the same way reporting/clock-view.ts reports it, so a filter and the status it lists agree.
 *
 * With a `decided` range it lists instead the clocks SLA compliance counts in that range (the
 * dashboard's drill-down from a week): decided at `decided_at` (achieved at `stopped_at`,
 * breached at `breached_at`), plus clocks still running past their `due_at`, breached then —
 * attributed as the KPI attributes them (repositories/kpi.repository.ts, countOverdueClocks), in
 * decision order.
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

/** Comma-list filters on the attributes (the KPI filters' names). */
export type QueueAttributeFilters = Partial<Record<'team' | 'priority' | 'channel', string[]>>;

export interface QueueFilter {
  slaStatus?: string;
  metric?: string;
  filters?: QueueAttributeFilters;
  /** Clocks decided in `[from, to)` instead of the open queue. */
  decided?: { from: Date; to: Date };
  /** Rows strictly after this position only. */
  after?: QueueKey;
  limit: number;
}

export type QueueRow = StoredClock & {
  key: QueueKey;
  decided_at: Date | null;
  ticket_status: string | null;
  t_priority: string | null;
  t_team: string | null;
  t_assignee: string | null;
};

const due = sql`coalesce(c.due_at, 'infinity'::timestamptz)`;
/** A decided clock's decision, else (running past due) its due_at. */
const decidedAt = sql`coalesce(c.decided_at, c.due_at)`;

/** sla_clock columns of the attribute filters: a decision's attribution; ticket columns for "now". */
const CLOCK_ATTRIBUTES = { team: sql`c.team`, priority: sql`c.priority`, channel: sql`c.channel` };
const TICKET_ATTRIBUTES = { team: sql`t.team`, priority: sql`t.priority`, channel: sql`t.channel` };

function attributePredicate(
  filters: QueueAttributeFilters | undefined,
  columns: Record<keyof QueueAttributeFilters, RawBuilder<unknown>>,
): RawBuilder<unknown> {
  const parts = Object.entries(filters ?? {})
    .flatMap(([name, values]) => (values && values.length > 0 ? [[name, values] as const] : []))
    .map(
      ([name, values]) =>
        sql`coalesce(${columns[name as keyof QueueAttributeFilters]}, '') in (${sql.join(values)})`,
    );
  return parts.length > 0 ? sql.join(parts, sql` and `) : sql`true`;
}

/** The clocks SLA compliance counts as decided in `[from, to)` as of `now`. */
function decidedPredicate(filter: QueueFilter, now: Date): RawBuilder<unknown> {
  const { from, to } = filter.decided!;
  const until = new Date(Math.min(to.getTime(), now.getTime()));
  const stored = sql`c.decided_at >= ${from} and c.decided_at < ${to}
    and ${attributePredicate(filter.filters, CLOCK_ATTRIBUTES)}`;
  // Breached once the query time passes due_at: at due_at itself a reply would still achieve it.
  const overdue = sql`c.decided_at is null and c.stopped_at is null and c.status = 'active'
    and c.due_at >= ${from} and c.due_at < ${until}
    and ${attributePredicate(filter.filters, TICKET_ATTRIBUTES)}`;
  // Implied by both branches (a decided clock's decided_at, an open one's due_at, in the range):
  // stated so that sla_clock_decided_queue_idx scans just the range, in the page's order.
  const inRange = sql`${decidedAt} >= ${from} and ${decidedAt} < ${to}`;
  if (filter.slaStatus === 'achieved') {
    return sql`(${inRange} and ${stored} and c.status = 'achieved')`;
  }
  if (filter.slaStatus === 'breached') {
    return sql`(${inRange} and ((${stored} and c.status = 'breached') or (${overdue})))`;
  }
  return sql`(${inRange} and ((${stored}) or (${overdue})))`;
}

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
  const order = filter.decided ? decidedAt : due;
  const keyset = after
    ? sql`(${order}, c.ticket_id, c.metric, c.cycle) > (${after.due}::timestamptz, ${after.ticketId}, ${after.metric}, ${after.cycle})`
    : sql`true`;
  const metric = filter.metric ? sql`c.metric = ${filter.metric}` : sql`true`;
  const which = filter.decided
    ? decidedPredicate(filter, now)
    : sql`c.stopped_at is null and ${statePredicate(filter.slaStatus, now)}
      and ${attributePredicate(filter.filters, TICKET_ATTRIBUTES)}`;
  const { rows } = await sql<Omit<QueueRow, 'key'> & { d: Date | string | number }>`
    select c.*, ${order} as d, t.status as ticket_status, t.priority as t_priority, t.team as t_team, t.assignee_id as t_assignee
    from sla_clock c join ticket t on t.tenant_id = c.tenant_id and t.ticket_id = c.ticket_id
    where c.tenant_id = ${tenantId}::uuid and not t.deleted
      and ${which} and ${metric} and ${keyset}
    order by ${order}, c.ticket_id, c.metric, c.cycle
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
