/**
 * OpenAPI description of the ingest contract (events.md). Validation itself is done per event by
 * `ingest/validate-event.ts` — a batch is never rejected as a whole for one bad event — so these
 * schemas document the wire format; a contract test checks that valid events satisfy them.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { ErrorDetail } from './common.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Status = Type.Union(
  ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'].map((s) => Type.Literal(s)),
);
const Rfc3339 = Type.String({
  format: 'date-time',
  description: 'RFC 3339 with an offset (Z or ±hh:mm); kept to the millisecond',
});

const Actor = Type.Object(
  {
    type: Type.Union(['agent', 'customer', 'system', 'bot'].map((s) => Type.Literal(s))),
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false, description: 'defaults to { "type": "system" }' },
);

const Attributes = {
  group: Type.Optional(Nullable(Type.String())),
  assignee_id: Type.Optional(Nullable(Type.String())),
  requester_id: Type.Optional(Nullable(Type.String())),
  organization_id: Type.Optional(Nullable(Type.String())),
  category: Type.Optional(Nullable(Type.String())),
  tier: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  tags: Type.Optional(Type.Array(Type.String())),
};

function envelope(type: string, data: TSchema, description: string) {
  return Type.Object(
    {
      id: Type.String({
        minLength: 1,
        maxLength: 256,
        description: 'idempotency key, unique per tenant',
      }),
      type: Type.Literal(type),
      ticket_id: Type.String({ minLength: 1, maxLength: 256 }),
      occurred_at: Rfc3339,
      actor: Type.Optional(Actor),
      data,
    },
    { additionalProperties: false, description, title: type },
  );
}

export const TicketEvent = Type.Union(
  [
    envelope(
      'ticket.created',
      Type.Object({
        priority: Type.String(),
        channel: Type.String(),
        status: Type.Optional(Status),
        via: Type.Optional(Type.Union([Type.Literal('customer'), Type.Literal('agent')])),
        ...Attributes,
      }),
      'a ticket exists from occurred_at',
    ),
    envelope(
      'ticket.updated',
      Type.Object({
        priority: Type.Optional(Type.String()),
        channel: Type.Optional(Type.String()),
        ...Attributes,
      }),
      'attribute changes; null clears a field (assignee_id null = unassigned)',
    ),
    envelope(
      'ticket.status_changed',
      Type.Object({ status: Status }),
      'pending = waiting on the customer, on_hold = on a third party',
    ),
    envelope(
      'ticket.message',
      Type.Object({
        direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
        public: Type.Optional(Type.Boolean({ default: true })),
      }),
      'a message on the ticket',
    ),
    envelope(
      'contact.completed',
      Type.Object({
        agent_id: Type.String(),
        channel: Type.Optional(Nullable(Type.String())),
        started_at: Type.Optional(Nullable(Rfc3339)),
        talk_seconds: Type.Optional(Type.Number({ minimum: 0 })),
        hold_seconds: Type.Optional(Type.Number({ minimum: 0 })),
        wrap_seconds: Type.Optional(Type.Number({ minimum: 0 })),
      }),
      'one handled interaction ending at occurred_at',
    ),
    envelope(
      'ticket.deleted',
      Type.Optional(
        Type.Object({
          reason: Type.Optional(
            Type.Union(['spam', 'merged', 'deleted'].map((s) => Type.Literal(s))),
          ),
          merged_into: Type.Optional(Nullable(Type.String())),
        }),
      ),
      'the ticket leaves every metric, for all of history',
    ),
  ],
  { $id: 'TicketEvent', title: 'TicketEvent' },
);

export const IngestError = Type.Object(
  {
    index: Type.Optional(Type.Integer({ description: 'position in a JSON array body' })),
    line: Type.Optional(Type.Integer({ description: 'line of an NDJSON body' })),
    id: Type.Optional(Type.String()),
    path: Type.String({ description: 'JSON pointer to the offending field' }),
    message: Type.String(),
  },
  { $id: 'IngestError', title: 'IngestError' },
);

export const IngestResponse = Type.Object(
  {
    accepted: Type.Integer(),
    duplicates: Type.Integer(),
    rejected: Type.Integer(),
    errors: Type.Array(Type.Ref(IngestError), {
      description: `at most 1000 listed; rejected counts all`,
    }),
    errors_truncated: Type.Optional(Type.Boolean()),
    refold_pending: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'tickets whose metrics could not be computed (at most 1000 listed): their events are stored; the next event of the ticket, a recomputation or a rebuild computes them again',
      }),
    ),
  },
  { $id: 'IngestResponse', title: 'IngestResponse' },
);

export const IngestRejected = Type.Object(
  {
    error: ErrorDetail,
    accepted: Type.Integer(),
    duplicates: Type.Integer(),
    rejected: Type.Integer(),
    errors: Type.Array(Type.Ref(IngestError)),
    errors_truncated: Type.Optional(Type.Boolean()),
    refold_pending: Type.Optional(Type.Array(Type.String())),
  },
  {
    $id: 'IngestRejected',
    title: 'IngestRejected',
    description:
      'atomic batch rejected (422: nothing stored), or an NDJSON line that is not JSON (400: the lines before it were processed and the counts say what was stored)',
  },
);
