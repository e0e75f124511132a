/** OpenAPI schemas of the ticket endpoints (api.md). */
import { Type } from '@sinclair/typebox';

const Instant = Type.String({ format: 'date-time' });
const NullableInstant = Type.Union([Instant, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const ClockInstance = Type.Object(
  {
    metric: Type.String({ enum: ['first_response', 'next_response', 'resolution'] }),
    cycle: Type.Integer(),
    status: Type.String({ enum: ['active', 'at_risk', 'paused', 'achieved', 'breached'] }),
    policy_id: Type.String(),
    policy_version: Type.Integer(),
    calendar_id: Type.String(),
    started_at: Instant,
    stopped_at: NullableInstant,
    target_seconds: Type.Number(),
    elapsed_business_seconds: Type.Number(),
    elapsed_calendar_seconds: Type.Number(),
    paused_calendar_seconds: Type.Number(),
    due_at: Type.Union([Instant, Type.Null()], {
      description: 'while running: when elapsed business time reaches the target',
    }),
    at_risk_at: NullableInstant,
    breached_at: Type.Union([Instant, Type.Null()], {
      description: 'the instant elapsed business time reached the target',
    }),
  },
  { $id: 'ClockInstance', title: 'ClockInstance' },
);

export const TicketDetail = Type.Object(
  {
    ticket_id: Type.String(),
    as_of: Instant,
    status: NullableString,
    priority: NullableString,
    channel: NullableString,
    group: NullableString,
    assignee_id: NullableString,
    requester_id: NullableString,
    organization_id: NullableString,
    category: NullableString,
    tier: Type.Union([Type.Integer(), Type.Null()]),
    tags: Type.Array(Type.String()),
    via: Type.String(),
    created_at: NullableInstant,
    deleted: Type.Boolean(),
    deleted_reason: NullableString,
    merged_into: NullableString,
    first_solved_at: NullableInstant,
    policy_id: NullableString,
    sla: Type.Array(Type.Ref(ClockInstance)),
    fcr: Type.Union([Type.Boolean(), Type.Null()], {
      description:
        'one_touch, 7-day window; null until first solved (and for agent-created tickets)',
    }),
    fcr_pending_confirmation: Type.Boolean(),
    touches: Type.Integer(),
    reopens: Type.Integer(),
    reassignments: Type.Integer(),
    escalations: Type.Integer(),
    contacts: Type.Integer(),
    handle_seconds: Type.Number(),
    events_before_creation: Type.Integer({
      description: 'events dated before ticket.created: stored, without effect',
    }),
  },
  { $id: 'TicketDetail', title: 'TicketDetail' },
);

const TimelineSegment = Type.Object({
  from: Instant,
  to: Instant,
  kind: Type.String({
    enum: ['running', 'outside_hours', 'paused'],
    description: 'running inside business hours, running but outside them, or paused by a status',
  }),
  status: Type.String({ description: 'the ticket status during the segment' }),
  business_seconds: Type.Number(),
  policy_id: Type.String(),
  policy_version: Type.Integer(),
  calendar_id: Type.String(),
  calendar_version: Type.Integer(),
  summarised: Type.Optional(
    Type.Boolean({
      description:
        'true for the rest of a long running span, past the 1,000 segments listed per clock: its hours inside and outside the calendar are not listed one by one',
    }),
  ),
});

export const Timeline = Type.Object(
  {
    ticket_id: Type.String(),
    as_of: Instant,
    clocks: Type.Array(
      Type.Object({
        metric: Type.String(),
        cycle: Type.Integer(),
        status: Type.String(),
        elapsed_business_seconds: Type.Number(),
        segments: Type.Array(TimelineSegment),
      }),
    ),
  },
  { $id: 'Timeline', title: 'Timeline' },
);

export const QueueItem = Type.Object(
  {
    ticket_id: Type.String(),
    metric: Type.String(),
    cycle: Type.Integer(),
    // achieved: only in the decided list (decided_from/decided_to), with the breached ones.
    sla_status: Type.String({ enum: ['active', 'at_risk', 'paused', 'achieved', 'breached'] }),
    due_at: NullableInstant,
    breached_at: NullableInstant,
    decided_at: Type.Union([Instant, Type.Null()], {
      description:
        'when SLA compliance counts the clock: achieved at stopped_at, breached at breached_at',
    }),
    business_seconds_left: Type.Union([Type.Number(), Type.Null()], {
      description:
        'open clocks: business seconds until due_at on the clock calendar, negative once past it (a paused clock: its target minus its elapsed business time)',
    }),
    policy_id: Type.String(),
    calendar_id: Type.String(),
    target_seconds: Type.Number(),
    ticket_status: NullableString,
    priority: NullableString,
    group: NullableString,
    assignee_id: NullableString,
  },
  { $id: 'QueueItem', title: 'QueueItem' },
);
