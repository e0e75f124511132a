/**
 * Tickets (api.md): one ticket with its clocks as of now, the timeline that explains every clock
 * segment, and the work queue of open clocks by SLA state, soonest due first. The reads themselves
 * live in reporting/; these handlers parse, call one of them and shape the reply.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ticketDetail, type TicketDetailDeps } from '../../reporting/ticket-detail.js';
import { ticketTimeline, type TicketTimelineDeps } from '../../reporting/ticket-timeline.js';
import { workQueue } from '../../reporting/work-queue.js';
import { ApiError } from '../errors.js';
import { decodeQueueCursor, encodeQueueCursor } from '../queue-cursor.js';
import { tenantOf } from '../plugins/auth.js';
import { errorResponses, PathId, STORABLE_TEXT_FORMAT } from '../schemas/common.js';
import { QueueItem, TicketDetail, Timeline } from '../schemas/tickets.js';

export interface TicketRoutesOptions extends TicketDetailDeps, TicketTimelineDeps {
  now?: () => number;
}

const security = [{ bearerAuth: [] }];
const TicketParams = Type.Object({ ticket_id: PathId });
type TicketRequest = FastifyRequest<{ Params: { ticket_id: string } }>;

function orNotFound<T>(found: T | null, ticketId: string): T {
  if (found === null) throw new ApiError(404, 'not_found', `no ticket "${ticketId}"`, '/ticket_id');
  return found;
}

/** Storable text: a NUL would reach PostgreSQL's comparison and fail there as a 500. */
const CommaList = (what: string) =>
  Type.Optional(
    Type.String({
      maxLength: 4096,
      format: STORABLE_TEXT_FORMAT,
      description: `${what}: a comma list`,
    }),
  );
const QueueQuery = Type.Object(
  {
    sla_status: Type.Optional(
      Type.String({
        enum: ['active', 'at_risk', 'breached', 'paused', 'achieved'],
        description: 'active includes at_risk clocks; achieved only with decided_from/decided_to',
      }),
    ),
    metric: Type.Optional(Type.String({ enum: ['first_response', 'next_response', 'resolution'] })),
    team: CommaList('the ticket group (with decided_from: the one the decision was attributed to)'),
    priority: CommaList('the ticket priority (likewise)'),
    channel: CommaList('the ticket channel (likewise)'),
    decided_from: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'with decided_to: list the clocks SLA compliance counts in [decided_from, decided_to) instead of the open queue, in decision order',
      }),
    ),
    decided_to: Type.Optional(Type.String({ format: 'date-time' })),
    sort: Type.Optional(Type.String({ enum: ['due_at'], default: 'due_at' })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    cursor: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
type QueueQueryT = Partial<
  Record<'sla_status' | 'metric' | 'team' | 'priority' | 'channel' | 'cursor', string>
> &
  Partial<Record<'decided_from' | 'decided_to', string>> & { limit: number };

const listOf = (text: string | undefined) =>
  text
    ?.split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** The queue's filters, and the decided range when one is asked (both bounds, from < to). */
function queueQuery(q: QueueQueryT) {
  const filters = {
    team: listOf(q.team),
    priority: listOf(q.priority),
    channel: listOf(q.channel),
  };
  const given = [q.decided_from, q.decided_to].filter((v) => v !== undefined).length;
  if (given === 1) {
    const missing = q.decided_from === undefined ? 'decided_from' : 'decided_to';
    throw new ApiError(
      400,
      'invalid_parameter',
      `${missing} is required with the other`,
      `/${missing}`,
    );
  }
  const decided =
    given === 2 ? { from: Date.parse(q.decided_from!), to: Date.parse(q.decided_to!) } : undefined;
  if (decided && !(decided.to > decided.from)) {
    throw new ApiError(
      400,
      'invalid_parameter',
      'decided_to must be after decided_from',
      '/decided_to',
    );
  }
  if (q.sla_status === 'achieved' && !decided) {
    throw new ApiError(
      400,
      'invalid_parameter',
      'achieved needs decided_from and decided_to',
      '/sla_status',
    );
  }
  if (decided && q.sla_status !== undefined && !['achieved', 'breached'].includes(q.sla_status)) {
    throw new ApiError(
      400,
      'invalid_parameter',
      'with decided_from: achieved or breached',
      '/sla_status',
    );
  }
  return { slaStatus: q.sla_status, metric: q.metric, filters, decided, limit: q.limit };
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
      const { ticket_id: ticketId } = request.params;
      return orNotFound(await ticketDetail(options, tenantOf(request), ticketId, now()), ticketId);
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
    async (request: TicketRequest) => {
      const { ticket_id: ticketId } = request.params;
      return orNotFound(
        await ticketTimeline(options, tenantOf(request), ticketId, now()),
        ticketId,
      );
    },
  );

  app.get(
    '/v1/tickets',
    {
      config: { scope: 'reports:read' },
      schema: {
        operationId: 'listTicketQueue',
        tags: ['tickets'],
        security,
        summary:
          'The work queue: open SLA clocks by state, soonest due first (or the clocks decided in a range)',
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
      const q = request.query;
      const after = decodeQueueCursor(q.cursor);
      const page = await workQueue(options, tenantOf(request), { ...queueQuery(q), after }, now());
      const nextCursor = page.next ? encodeQueueCursor(page.next) : null;
      if (nextCursor) reply.header('x-next-cursor', nextCursor);
      return { items: page.items, next_cursor: nextCursor };
    },
  );
}
