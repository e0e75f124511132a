/** Wire events (snake_case envelopes, events.md) for API tests. */

/** A valid `ticket.created` envelope with id `id`; `over` replaces top-level fields. */
export function ev(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    type: 'ticket.created',
    ticket_id: `T-${id}`,
    occurred_at: '2026-11-20T09:15:00.250+01:00',
    actor: { type: 'customer', id: 'c-1' },
    data: { priority: 'high', channel: 'email' },
    ...over,
  };
}

/** Fresh id prefixes (`name1:`, `name2:` …), so every test reads back only its own rows. */
export function prefixes(): (name: string) => string {
  let n = 0;
  return (name) => `${name}${++n}:`;
}
