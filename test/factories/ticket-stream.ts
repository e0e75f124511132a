/**
 * Event builders: `ticket('T1').created(at(...), {...}).agentReply(...).events`. Each call
 * appends one normalised event with the next arrival `seq`.
 */
import type {
  Actor,
  ContactCompletedData,
  TicketCreatedData,
  TicketEvent,
  TicketStatus,
  TicketUpdatedData,
} from '../../src/core/events.js';

type Time = number;
let globalSeq = 0;

export class TicketStream {
  readonly events: TicketEvent[] = [];
  constructor(readonly ticketId: string) {}

  private push(
    partial: Omit<TicketEvent, 'id' | 'ticketId' | 'seq' | 'actor'> & { actor?: Actor },
  ): this {
    const seq = ++globalSeq;
    this.events.push({
      id: `${this.ticketId}-${this.events.length + 1}`,
      ticketId: this.ticketId,
      seq,
      actor: partial.actor ?? { type: 'system' },
      ...partial,
    } as TicketEvent);
    return this;
  }

  created(t: Time, data: Partial<TicketCreatedData> = {}): this {
    return this.push({
      type: 'ticket.created',
      occurredAt: t,
      actor: { type: data.via === 'agent' ? 'agent' : 'customer' },
      data: { priority: 'normal', channel: 'email', status: 'new', via: 'customer', ...data },
    });
  }
  updated(t: Time, data: TicketUpdatedData, agent = 'a-1'): this {
    return this.push({
      type: 'ticket.updated',
      occurredAt: t,
      actor: { type: 'agent', id: agent },
      data,
    });
  }
  status(t: Time, status: TicketStatus): this {
    return this.push({ type: 'ticket.status_changed', occurredAt: t, data: { status } });
  }
  customerMessage(t: Time): this {
    return this.message(t, 'inbound', true, { type: 'customer' });
  }
  agentReply(t: Time, agent = 'a-1'): this {
    return this.message(t, 'outbound', true, { type: 'agent', id: agent });
  }
  internalNote(t: Time, agent = 'a-1'): this {
    return this.message(t, 'outbound', false, { type: 'agent', id: agent });
  }
  botReply(t: Time): this {
    return this.message(t, 'outbound', true, { type: 'bot', id: 'bot' });
  }
  systemReply(t: Time): this {
    return this.message(t, 'outbound', true, { type: 'system' });
  }
  message(t: Time, direction: 'inbound' | 'outbound', isPublic: boolean, actor: Actor): this {
    return this.push({
      type: 'ticket.message',
      occurredAt: t,
      actor,
      data: { direction, public: isPublic },
    });
  }
  contact(t: Time, data: Partial<ContactCompletedData> = {}): this {
    return this.push({
      type: 'contact.completed',
      occurredAt: t,
      actor: { type: 'agent', id: data.agent_id ?? 'a-1' },
      data: { agent_id: 'a-1', talk_seconds: 0, hold_seconds: 0, wrap_seconds: 0, ...data },
    });
  }
  deleted(t: Time, reason: 'spam' | 'merged' | 'deleted' = 'spam', mergedInto?: string): this {
    return this.push({
      type: 'ticket.deleted',
      occurredAt: t,
      data: { reason, merged_into: mergedInto ?? null },
    });
  }
}

export function ticket(ticketId = 'T1'): TicketStream {
  return new TicketStream(ticketId);
}

/** Reassigns arrival sequence numbers in the given order (arrival order = array order). */
export function arriveInOrder(events: readonly TicketEvent[]): TicketEvent[] {
  return events.map((e, i) => ({ ...e, seq: i + 1 }));
}
