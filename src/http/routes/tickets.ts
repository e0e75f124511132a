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
import { errorResponses, PathId } from '../schemas/common.js';
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
      const q = request.query;
      const after = decodeQueueCursor(q.cursor);
      const page = await workQueue(
        options.db,
        tenantOf(request),
        { slaStatus: q.sla_status, metric: q.metric, limit: q.limit, after },
        now(),
      );
      const nextCursor = page.next ? encodeQueueCursor(page.next) : null;
      if (nextCursor) reply.header('x-next-cursor', nextCursor);
      return { items: page.items, next_cursor: nextCursor };
    },
  );
}
