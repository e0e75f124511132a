/**
 * Stored or freshly validated events → the core's TicketEvent. The one place where wire data
 * (instants as RFC 3339 text) becomes core data (epoch ms), so a refold from the log and a live
 * ingest hand the fold exactly the same values.
 */
import type { EventType, TicketEvent } from '../core/events.js';
import { parseRfc3339 } from '../core/time/rfc3339.js';
import type { StoredEventRow } from '../storage/ticket-event.repository.js';
import type { ValidEvent } from './validate-event.js';

function coreData(type: EventType, data: Record<string, unknown>): Record<string, unknown> {
  if (type !== 'contact.completed' || typeof data.started_at !== 'string') return data;
  const startedAt = parseRfc3339(data.started_at);
  return { ...data, started_at: typeof startedAt === 'number' ? startedAt : null };
}

export function toCoreEvent(event: Omit<ValidEvent, 'dataJson'>, seq: number): TicketEvent {
  return {
    id: event.id,
    type: event.type,
    ticketId: event.ticketId,
    occurredAt: event.occurredAt,
    actor: event.actor,
    seq,
    data: coreData(event.type, event.data),
  } as TicketEvent;
}

export function storedToCoreEvent(row: StoredEventRow): TicketEvent {
  const actor =
    row.actor_id === null ? { type: row.actor_type } : { type: row.actor_type, id: row.actor_id };
  return toCoreEvent(
    {
      id: row.event_id,
      type: row.type as EventType,
      ticketId: row.ticket_id,
      occurredAt: row.occurred_at.getTime(),
      actor: actor as ValidEvent['actor'],
      data: row.data as Record<string, unknown>,
    },
    Number(row.seq),
  );
}
