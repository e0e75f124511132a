/**
 * The ticket event model of the core (spec: shared/spec/events.md).
 *
 * Ingest validates and normalises the wire envelope into these shapes; every fold, rebuild and
 * test works on them. Instants are epoch milliseconds (UTC): the core never reads a clock.
 */

/** Epoch milliseconds, UTC. */
export type Instant = number;

export const EVENT_TYPES = [
  'ticket.created',
  'ticket.updated',
  'ticket.status_changed',
  'ticket.message',
  'contact.completed',
  'ticket.deleted',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const ACTOR_TYPES = ['agent', 'customer', 'system', 'bot'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export interface Actor {
  type: ActorType;
  id?: string;
}

export interface TicketCreatedData {
  priority: string;
  channel: string;
  status: TicketStatus;
  group?: string | null;
  assignee_id?: string | null;
  requester_id?: string | null;
  organization_id?: string | null;
  category?: string | null;
  tier?: number | null;
  tags?: string[];
  via: 'customer' | 'agent';
}

/** Only the keys present were changed; `null` clears a field. */
export interface TicketUpdatedData {
  priority?: string;
  channel?: string;
  group?: string | null;
  assignee_id?: string | null;
  requester_id?: string | null;
  organization_id?: string | null;
  category?: string | null;
  tier?: number | null;
  tags?: string[];
}

export interface StatusChangedData {
  status: TicketStatus;
}

export interface MessageData {
  direction: 'inbound' | 'outbound';
  public: boolean;
}

export interface ContactCompletedData {
  agent_id: string;
  channel?: string | null;
  started_at?: Instant | null;
  talk_seconds: number;
  hold_seconds: number;
  wrap_seconds: number;
}

export interface TicketDeletedData {
  reason: 'spam' | 'merged' | 'deleted';
  merged_into?: string | null;
}

interface EventBase {
  /** Idempotency key, unique per tenant. */
  id: string;
  ticketId: string;
  occurredAt: Instant;
  actor: Actor;
  /** Arrival sequence (tenant-wide, increasing): breaks ties between equal `occurredAt`. */
  seq: number;
}

export type TicketEvent =
  | (EventBase & { type: 'ticket.created'; data: TicketCreatedData })
  | (EventBase & { type: 'ticket.updated'; data: TicketUpdatedData })
  | (EventBase & { type: 'ticket.status_changed'; data: StatusChangedData })
  | (EventBase & { type: 'ticket.message'; data: MessageData })
  | (EventBase & { type: 'contact.completed'; data: ContactCompletedData })
  | (EventBase & { type: 'ticket.deleted'; data: TicketDeletedData });

/** The order in which a ticket's events are applied: `occurred_at`, then arrival. */
export function compareEvents(a: TicketEvent, b: TicketEvent): number {
  return a.occurredAt - b.occurredAt || a.seq - b.seq;
}
