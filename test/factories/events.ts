/** Wire events (snake_case envelopes) for API and ingest tests. */
export interface WireEvent {
  id: string;
  type: string;
  ticket_id: string;
  occurred_at: string;
  actor?: { type: string; id?: string };
  data?: Record<string, unknown>;
}

let counter = 0;

export function wireEvent(overrides: Partial<WireEvent> = {}): WireEvent {
  counter += 1;
  return {
    id: `ev-${counter}`,
    type: 'ticket.created',
    ticket_id: `t-${counter}`,
    occurred_at: '2026-11-20T09:15:00.250+01:00',
    actor: { type: 'customer', id: 'c-1' },
    data: { priority: 'high', channel: 'email' },
    ...overrides,
  };
}

/** A created ticket followed by a reply and a solve: a realistic small stream. */
export function ticketStory(ticketId: string, start = Date.UTC(2026, 10, 20, 8)): WireEvent[] {
  const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
  return [
    wireEvent({ id: `${ticketId}-1`, ticket_id: ticketId, occurred_at: at(0) }),
    wireEvent({
      id: `${ticketId}-2`,
      ticket_id: ticketId,
      type: 'ticket.message',
      occurred_at: at(10),
      actor: { type: 'agent', id: 'a-1' },
      data: { direction: 'outbound' },
    }),
    wireEvent({
      id: `${ticketId}-3`,
      ticket_id: ticketId,
      type: 'ticket.status_changed',
      occurred_at: at(20),
      actor: { type: 'agent', id: 'a-1' },
      data: { status: 'solved' },
    }),
  ];
}
