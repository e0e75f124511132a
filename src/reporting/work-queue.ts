/**
 * The SLA work queue (GET /v1/tickets): open clocks of live tickets by SLA state as of now,
 * soonest due first, a keyset page at a time.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../storage/schema.js';
import { listQueueClocks, type QueueKey, type QueueRow } from '../storage/work-queue.repository.js';
import { clockView } from './clock-view.js';

export type { QueueKey };

export interface QueueQuery {
  /** `active` includes at_risk clocks. */
  slaStatus?: string;
  metric?: string;
  /** The page starts after this position (the previous page's `next`). */
  after?: QueueKey;
  limit: number;
}

export interface QueuePage {
  items: ReturnType<typeof queueItem>[];
  /** Where the next page starts; null on the last page. */
  next: QueueKey | null;
}

function queueItem(r: QueueRow, now: number) {
  // The queue's stored figures are not extended to now: only the status and instants are listed.
  const view = clockView(r, null, now, undefined);
  return {
    ticket_id: r.ticket_id,
    metric: r.metric,
    cycle: r.cycle,
    sla_status: view.status,
    due_at: view.due_at,
    breached_at: view.breached_at,
    policy_id: r.policy_id,
    target_seconds: r.target_seconds,
    ticket_status: r.ticket_status,
    priority: r.t_priority,
    group: r.t_team,
    assignee_id: r.t_assignee,
  };
}

export async function workQueue(
  db: Kysely<DB>,
  tenantId: string,
  query: QueueQuery,
  now: number,
): Promise<QueuePage> {
  // One row past the page tells whether there is a next one.
  const rows = await listQueueClocks(
    db,
    tenantId,
    { ...query, limit: query.limit + 1 },
    new Date(now),
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => queueItem(r, now)),
    next: rows.length > query.limit && last ? last.key : null,
  };
}
