/**
 * Freshly validated events → the core's TicketEvent. Wire data (instants as RFC 3339 text) becomes
 * core data (epoch ms) through the converter a refold from the log uses too
 * (storage/ticket-event.repository.ts), so both hand the fold exactly the same values.
 */
import type { TicketEvent } from '../core/events.js';
import { coreEventData } from '../storage/ticket-event.repository.js';
import type { ValidEvent } from './validate-event.js';

export function toCoreEvent(event: Omit<ValidEvent, 'dataJson'>, seq: number): TicketEvent {
  return {
    id: event.id,
    type: event.type,
    ticketId: event.ticketId,
    occurredAt: event.occurredAt,
    actor: event.actor,
    seq,
    data: coreEventData(event.type, event.data),
  } as TicketEvent;
}
