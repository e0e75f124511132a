/**
 * An independent model of the backlog (metrics.md "Backlog") over generated core events, for
 * checking the KPI API: written from the spec, sharing no code with src/core.
 *
 * - A ticket exists from its first `ticket.created` (in occurred_at order); events sorted before
 *   it have no effect (events.md: "a ticket exists from occurred_at"). A later `ticket.created`
 *   changes attributes only.
 * - It is in the backlog at T when created at or before T, never deleted (a `ticket.deleted`
 *   after creation removes it from all of history) and its status at T — after every event at
 *   or before T — is new, open, pending or on_hold.
 * - entered over (T1, T2] = created into a backlog status + reopens (solved/closed → backlog
 *   status); left = every backlog status → solved/closed transition.
 */
import type { TicketEvent, TicketStatus } from '../../src/core/events.js';

const BACKLOG: readonly string[] = ['new', 'open', 'pending', 'on_hold'];
const isBacklog = (s: string) => BACKLOG.includes(s);
const isSolved = (s: string) => s === 'solved' || s === 'closed';

export interface ModelTicket {
  ticketId: string;
  createdAt: number | null;
  deleted: boolean;
  /** The status from each instant on, starting with the creation status. */
  statuses: Array<{ at: number; status: TicketStatus }>;
  /** The group (team) and priority from each instant on. */
  groups: Array<{ at: number; group: string | null }>;
  priorities: Array<{ at: number; priority: string }>;
}

function sortedEvents(events: readonly TicketEvent[]): TicketEvent[] {
  return [...events].sort((a, b) => a.occurredAt - b.occurredAt || a.seq - b.seq);
}

/** The model of one ticket from its events (any order). */
export function modelTicket(events: readonly TicketEvent[]): ModelTicket {
  const m: ModelTicket = {
    ticketId: events[0]!.ticketId,
    createdAt: null,
    deleted: false,
    statuses: [],
    groups: [],
    priorities: [],
  };
  let status: TicketStatus | null = null;
  for (const e of sortedEvents(events)) {
    if (m.createdAt === null) {
      if (e.type !== 'ticket.created') continue;
      m.createdAt = e.occurredAt;
      status = e.data.status;
      m.statuses.push({ at: e.occurredAt, status });
      m.groups.push({ at: e.occurredAt, group: e.data.group ?? null });
      m.priorities.push({ at: e.occurredAt, priority: e.data.priority });
      continue;
    }
    switch (e.type) {
      case 'ticket.status_changed':
        if (e.data.status !== status) {
          status = e.data.status;
          m.statuses.push({ at: e.occurredAt, status });
        }
        break;
      case 'ticket.created':
      case 'ticket.updated':
        if (e.data.group !== undefined) m.groups.push({ at: e.occurredAt, group: e.data.group });
        if (e.data.priority !== undefined) {
          m.priorities.push({ at: e.occurredAt, priority: e.data.priority });
        }
        break;
      case 'ticket.deleted':
        m.deleted = true;
        break;
      case 'ticket.message':
      case 'contact.completed':
        break;
    }
  }
  return m;
}

function valueAt<T extends { at: number }>(list: readonly T[], at: number): T | undefined {
  let found: T | undefined;
  for (const item of list) if (item.at <= at) found = item;
  return found;
}

/** The ticket's status at T if it is in the backlog then, else null. */
export function backlogStatusAt(m: ModelTicket, at: number): TicketStatus | null {
  if (m.createdAt === null || m.deleted || m.createdAt > at) return null;
  const status = valueAt(m.statuses, at)!.status;
  return isBacklog(status) ? status : null;
}

export function groupAt(m: ModelTicket, at: number): string | null {
  return valueAt(m.groups, at)?.group ?? null;
}

export function priorityAt(m: ModelTicket, at: number): string | null {
  return valueAt(m.priorities, at)?.priority ?? null;
}

export interface BacklogCount {
  total: number;
  actionable: number;
}

export function backlogAt(tickets: readonly ModelTicket[], at: number): BacklogCount {
  let total = 0;
  let actionable = 0;
  for (const m of tickets) {
    const s = backlogStatusAt(m, at);
    if (s === null) continue;
    total += 1;
    if (s === 'new' || s === 'open') actionable += 1;
  }
  return { total, actionable };
}

/** Backlog size at T per team (group at T), null team as the key 'null'. */
export function backlogByTeam(tickets: readonly ModelTicket[], at: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of tickets) {
    if (backlogStatusAt(m, at) === null) continue;
    const key = String(groupAt(m, at));
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** entered and left over (t1, t2], counted from the status history alone. */
export function flowBetween(
  tickets: readonly ModelTicket[],
  t1: number,
  t2: number,
): { entered: number; left: number } {
  let entered = 0;
  let left = 0;
  const inside = (at: number) => at > t1 && at <= t2;
  for (const m of tickets) {
    if (m.createdAt === null || m.deleted) continue;
    m.statuses.forEach((s, i) => {
      if (!inside(s.at)) return;
      if (i === 0) {
        if (isBacklog(s.status)) entered += 1;
        return;
      }
      const before = m.statuses[i - 1]!.status;
      if (isSolved(before) && isBacklog(s.status)) entered += 1;
      if (isBacklog(before) && isSolved(s.status)) left += 1;
    });
  }
  return { entered, left };
}
