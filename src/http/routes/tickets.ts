/**
 * Tickets (api.md): one ticket with its clocks as of now, the timeline that explains every clock
 * segment, and the work queue of open clocks by SLA state, soonest due first.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { BusinessCalendar } from '../../core/calendar/index.js';
import type { ClockRow, ClockSegmentRow } from '../../core/sla/derive.js';
import { deriveTicket, foldTicket, type TicketRow } from '../../core/ticket/index.js';
import { storedToCoreEvent } from '../../ingest/to-core-event.js';
import type { FoldContextProvider } from '../../settings/fold-context.js';
import { prepareFoldCalendars } from '../../settings/prepare-calendars.js';
import { loadTicketEvents } from '../../storage/ticket-state.repository.js';
import { clockView, type StoredClock } from '../../reporting/clock-view.js';
import type { CalendarRegistry } from '../../settings/calendar-registry.js';
import type { DB } from '../../storage/schema.js';
import { ApiError } from '../errors.js';
import { iso } from '../params.js';
import { decodeQueueCursor, encodeQueueCursor } from '../queue-cursor.js';
import { tenantOf } from '../plugins/auth.js';
import { errorResponses, PathId } from '../schemas/common.js';
import { QueueItem, TicketDetail, Timeline } from '../schemas/tickets.js';

export interface TicketRoutesOptions {
  db: Kysely<DB>;
  calendars: CalendarRegistry;
  contexts: FoldContextProvider;
  now?: () => number;
}

const security = [{ bearerAuth: [] }];
const TicketParams = Type.Object({ ticket_id: PathId });
type TicketRequest = FastifyRequest<{ Params: { ticket_id: string } }>;

interface Loaded {
  derived: TicketRow;
  clocks: StoredClock[];
  calendars: Map<string, BusinessCalendar>;
}

async function loadTicket(
  options: TicketRoutesOptions,
  tenantId: string,
  ticketId: string,
): Promise<Loaded> {
  const row = await options.db
    .selectFrom('ticket')
    .select('derived')
    .where('tenant_id', '=', tenantId)
    .where('ticket_id', '=', ticketId)
    .executeTakeFirst();
  const derived = row?.derived as TicketRow | null | undefined;
  if (!derived?.exists)
    throw new ApiError(404, 'not_found', `no ticket "${ticketId}"`, '/ticket_id');
  const clocks = (await options.db
    .selectFrom('sla_clock')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('ticket_id', '=', ticketId)
    .orderBy('started_at')
    .orderBy('metric')
    .orderBy('cycle')
    .execute()) as unknown as StoredClock[];
  const all = await options.calendars.loadAll(options.db, tenantId);
  return { derived, clocks, calendars: new Map([...all].map(([id, c]) => [id, c.calendar])) };
}

function detail(ticketId: string, loaded: Loaded, now: number) {
  const t = loaded.derived;
  const ofMs = (ms: number | null) => (ms === null ? null : iso(ms));
  return {
    ticket_id: ticketId,
    as_of: iso(now),
    status: t.status,
    priority: t.priority,
    channel: t.channel,
    group: t.group,
    assignee_id: t.assignee_id,
    requester_id: t.requester_id,
    organization_id: t.organization_id,
    category: t.category,
    tier: t.tier,
    tags: t.tags,
    via: t.via,
    created_at: ofMs(t.created_at),
    deleted: t.deleted,
    deleted_reason: t.deleted_reason,
    merged_into: t.merged_into,
    first_solved_at: ofMs(t.first_solved_at),
    policy_id: t.policy_id,
    sla: loaded.clocks.map((c) => clockView(c, t.as_of, now, loaded.calendars.get(c.calendar_id))),
    fcr: t.fcr,
    fcr_pending_confirmation:
      t.fcr === true && t.fcr_window_ends_at !== null && t.fcr_window_ends_at > now,
    touches: t.touches,
    reopens: t.reopens,
    reassignments: t.reassignments,
    escalations: t.escalations,
    contacts: t.contacts,
    handle_seconds: t.handle_seconds,
    events_before_creation: t.orphan_events,
  };
}

/**
 * At most this many segments are listed per clock. A clock running for decades on a calendar of
 * short intervals has millions of them; past the budget, the rest of a running span is one
 * `summarised` segment carrying its business time.
 */
export const MAX_TIMELINE_SEGMENTS = 1000;
/** Open intervals are listed a year at a time, so a long span is never expanded whole. */
const SPLIT_WINDOW_MS = 366 * 86_400_000;

type TimelineSegmentOut = Record<string, unknown> & {
  to: string;
  kind: string;
  business_seconds: number;
};

/** A running segment split into the parts inside and outside business hours. */
function splitRunning(
  seg: ClockSegmentRow,
  to: number,
  calendar: BusinessCalendar | undefined,
  budget: { left: number },
): TimelineSegmentOut[] {
  const base = {
    status: seg.status,
    policy_id: seg.policy_id,
    policy_version: seg.policy_version,
    calendar_id: seg.calendar_id,
    calendar_version: seg.calendar_version,
  };
  const out: TimelineSegmentOut[] = [];
  const push = (from: number, until: number, kind: string, business: number) => {
    const last = out[out.length - 1];
    if (last?.kind === kind && last.to === iso(from) && last.summarised === undefined) {
      last.to = iso(until);
      last.business_seconds = Math.round(last.business_seconds * 1000 + business) / 1000;
      return;
    }
    out.push({ from: iso(from), to: iso(until), kind, business_seconds: business / 1000, ...base });
    budget.left -= 1;
  };
  if (!calendar) {
    push(seg.from, to, 'running', to - seg.from);
    return out;
  }
  let cursor = seg.from;
  while (cursor < to) {
    if (budget.left <= 1) {
      out.push({
        from: iso(cursor),
        to: iso(to),
        kind: 'running',
        business_seconds: calendar.elapsed(cursor, to) / 1000,
        summarised: true,
        ...base,
      });
      return out;
    }
    const end = Math.min(to, cursor + SPLIT_WINDOW_MS);
    for (const [a, b] of calendar.openIntervals(cursor, end)) {
      if (a > cursor) push(cursor, a, 'outside_hours', 0);
      push(a, b, 'running', b - a);
      cursor = b;
      if (budget.left <= 1) break;
    }
    if (budget.left > 1 && cursor < end) {
      push(cursor, end, 'outside_hours', 0);
      cursor = end;
    }
  }
  return out;
}

const dateOf = (ms: number | null) => (ms === null ? null : new Date(ms));

/** A derived clock in the shape of a stored one, for {@link clockView}. */
function asStored(ticketId: string, c: ClockRow): StoredClock {
  return {
    ticket_id: ticketId,
    metric: c.metric,
    cycle: c.cycle,
    policy_id: c.policy_id,
    policy_version: c.policy_version,
    calendar_id: c.calendar_id,
    status: c.status,
    started_at: new Date(c.started_at),
    stopped_at: dateOf(c.stopped_at),
    target_seconds: c.target_seconds,
    elapsed_business_seconds: c.elapsed_business_seconds,
    elapsed_calendar_seconds: c.elapsed_calendar_seconds,
    paused_calendar_seconds: c.paused_calendar_seconds,
    running_since: dateOf(c.running_since),
    due_at: dateOf(c.due_at),
    at_risk_at: dateOf(c.at_risk_at),
    breached_at: dateOf(c.breached_at),
  };
}

/**
 * The timeline: the clocks' segments are not stored (migration 0010), so the ticket's events are
 * folded again, with the configuration as of now — the fold that ingest and `verify` run, so the
 * figures are those of the stored clocks (or, while a recomputation is still to reach this
 * ticket, those it will store).
 */
async function timeline(
  options: TicketRoutesOptions,
  tenantId: string,
  ticketId: string,
  now: number,
) {
  const events = (await loadTicketEvents(options.db, tenantId, [ticketId])).map(storedToCoreEvent);
  const { ctx } = await options.contexts.forRead(options.db, tenantId);
  if (events.length > 0) {
    const last = events[events.length - 1]!.occurredAt;
    await prepareFoldCalendars(ctx, events[0]!.occurredAt, Math.max(last, now));
  }
  const derived = deriveTicket(foldTicket(events, ctx), ctx);
  if (!derived.ticket.exists)
    throw new ApiError(404, 'not_found', `no ticket "${ticketId}"`, '/ticket_id');
  const asOf = derived.ticket.as_of;
  const clocks = [...derived.clocks].sort(
    (a, b) =>
      a.started_at - b.started_at ||
      (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0) ||
      a.cycle - b.cycle,
  );
  return {
    ticket_id: ticketId,
    as_of: iso(now),
    clocks: clocks.map((c) => {
      const view = clockView(asStored(ticketId, c), asOf, now, ctx.calendar(c.calendar_id));
      const budget = { left: MAX_TIMELINE_SEGMENTS };
      const segments = c.segments.flatMap((seg: ClockSegmentRow) => {
        const to = seg.to ?? Math.max(now, seg.from);
        if (seg.state === 'running')
          return splitRunning(seg, to, ctx.calendar(seg.calendar_id), budget);
        budget.left -= 1;
        const { state: _state, to: _to, ...rest } = seg;
        return [{ ...rest, from: iso(seg.from), to: iso(to), kind: 'paused', business_seconds: 0 }];
      });
      return {
        metric: c.metric,
        cycle: c.cycle,
        status: view.status,
        elapsed_business_seconds: view.elapsed_business_seconds,
        segments,
      };
    }),
  };
}

const QueueQuery = Type.Object(
  {
    sla_status: Type.Optional(
      Type.String({
        enum: ['active', 'at_risk', 'breached', 'paused'],
        description: 'active includes at_risk clocks',
      }),
    ),
    metric: Type.Optional(Type.String({ enum: ['first_response', 'next_response', 'resolution'] })),
    sort: Type.Optional(Type.String({ enum: ['due_at'], default: 'due_at' })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    cursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
type QueueQueryT = { sla_status?: string; metric?: string; limit: number; cursor?: string };

async function queue(options: TicketRoutesOptions, tenantId: string, q: QueueQueryT, now: Date) {
  const due = sql`coalesce(c.due_at, 'infinity'::timestamptz)`;
  const state =
    {
      breached: sql`(c.breached_at is not null or (c.status = 'active' and c.due_at <= ${now}))`,
      at_risk: sql`(c.status = 'active' and c.at_risk_at <= ${now} and c.due_at > ${now})`,
      active: sql`(c.status = 'active' and c.due_at > ${now})`,
      paused: sql`(c.status = 'paused')`,
    }[q.sla_status ?? ''] ?? sql`true`;
  const after = decodeQueueCursor(q.cursor);
  const keyset = after
    ? sql`(${due}, c.ticket_id, c.metric, c.cycle) > (${after.d}::timestamptz, ${after.t}, ${after.m}, ${after.c})`
    : sql`true`;
  const metric = q.metric ? sql`c.metric = ${q.metric}` : sql`true`;
  const { rows } = await sql<
    StoredClock & {
      d: Date | string;
      ticket_status: string | null;
      t_priority: string | null;
      t_team: string | null;
      t_assignee: string | null;
    }
  >`
    select c.*, ${due} as d, t.status as ticket_status, t.priority as t_priority, t.team as t_team, t.assignee_id as t_assignee
    from sla_clock c join ticket t on t.tenant_id = c.tenant_id and t.ticket_id = c.ticket_id
    where c.tenant_id = ${tenantId}::uuid and c.stopped_at is null and not t.deleted
      and ${state} and ${metric} and ${keyset}
    order by ${due}, c.ticket_id, c.metric, c.cycle
    limit ${q.limit + 1}`.execute(options.db);
  const page = rows.slice(0, q.limit);
  const items = page.map((r) => {
    const view = clockView(r, null, now.getTime(), undefined);
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
  });
  const last = page.at(-1);
  const next =
    rows.length > q.limit && last
      ? encodeQueueCursor(last.d, last.ticket_id, last.metric, last.cycle)
      : null;
  return { items, next_cursor: next };
}

export default function ticketRoutes(app: FastifyInstance, options: TicketRoutesOptions): void {
  const now = options.now ?? Date.now;
  app.get(
    '/v1/tickets/:ticket_id',
    {
      config: { scope: 'reports:read' },
      schema: {
        operationId: 'getTicket',
        tags: ['tickets'],
        security,
        summary: 'A ticket: attributes, status, SLA clocks as of now, FCR, counters',
        params: TicketParams,
        response: { 200: Type.Ref(TicketDetail), 404: errorResponses[400], ...errorResponses },
      },
    },
    async (request: TicketRequest) => {
      const loaded = await loadTicket(options, tenantOf(request), request.params.ticket_id);
      return detail(request.params.ticket_id, loaded, now());
    },
  );

  app.get(
    '/v1/tickets/:ticket_id/timeline',
    {
      config: { scope: 'reports:read' },
      schema: {
        operationId: 'getTicketTimeline',
        tags: ['tickets'],
        security,
        summary:
          'Every clock segment (running, outside business hours, paused) with the policy and calendar versions used',
        params: TicketParams,
        response: { 200: Type.Ref(Timeline), 404: errorResponses[400], ...errorResponses },
      },
    },
    async (request: TicketRequest) =>
      timeline(options, tenantOf(request), request.params.ticket_id, now()),
  );

  app.get(
    '/v1/tickets',
    {
      config: { scope: 'reports:read' },
      schema: {
        operationId: 'listTicketQueue',
        tags: ['tickets'],
        security,
        summary: 'The work queue: open SLA clocks by state, soonest due first',
        querystring: QueueQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref(QueueItem)),
            next_cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request: FastifyRequest<{ Querystring: QueueQueryT }>, reply) => {
      const result = await queue(options, tenantOf(request), request.query, new Date(now()));
      if (result.next_cursor) reply.header('x-next-cursor', result.next_cursor);
      return result;
    },
  );
}
