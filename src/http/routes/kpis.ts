/**
 * KPIs for managers (api.md `/v1/kpis/*`): SLA compliance, FCR, handle time, volume, and the
 * backlog as of any instant. The answers come from reporting/kpis; these handlers pass the
 * query string through, turn a parameter mistake into a 400 naming it, and handle the ETag.
 */
import { Type, type TObject } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  answerKpi,
  KpiParamError,
  type KpiEndpoint,
  type KpiServiceDeps,
} from '../../reporting/kpis/index.js';
import { ApiError } from '../errors.js';
import { tenantOf } from '../plugins/auth.js';
import { errorResponses } from '../schemas/common.js';
import {
  BacklogKpi,
  BacklogQuery,
  BacklogTrendKpi,
  BacklogTrendQuery,
  FcrKpi,
  HandleTimeKpi,
  RangeQuery,
  SlaKpi,
  VolumeKpi,
} from '../schemas/kpis.js';

export interface KpiRoutesOptions extends KpiServiceDeps {
  now?: () => number;
}

const BASE = 'team, agent, priority, channel, category, policy';

const ROUTES: Array<{
  endpoint: KpiEndpoint;
  operationId: string;
  summary: string;
  query: TObject;
  response: TObject;
}> = [
  {
    endpoint: 'sla',
    operationId: 'getSlaKpi',
    summary:
      'SLA compliance: instances decided in [from, to), achieved vs breached, with percentiles',
    query: RangeQuery(`${BASE}, metric`),
    response: SlaKpi,
  },
  {
    endpoint: 'fcr',
    operationId: 'getFcrKpi',
    summary:
      'First-contact resolution, reopens and escalations of the tickets first solved in [from, to)',
    query: RangeQuery(BASE),
    response: FcrKpi,
  },
  {
    endpoint: 'handle-time',
    operationId: 'getHandleTimeKpi',
    summary: 'Average handle time of the contacts that ended in [from, to)',
    query: RangeQuery(BASE),
    response: HandleTimeKpi,
  },
  {
    endpoint: 'volume',
    operationId: 'getVolumeKpi',
    summary: 'Tickets created, first solved, reopened and deleted in [from, to)',
    query: RangeQuery(BASE),
    response: VolumeKpi,
  },
  {
    endpoint: 'backlog',
    operationId: 'getBacklogKpi',
    summary: 'The backlog (a stock) as of any instant, with age buckets',
    query: BacklogQuery,
    response: BacklogKpi,
  },
  {
    endpoint: 'backlog-trend',
    operationId: 'getBacklogTrendKpi',
    summary: 'The backlog at the end of each interval of [from, to)',
    query: BacklogTrendQuery,
    response: BacklogTrendKpi,
  },
];

export default function kpiRoutes(app: FastifyInstance, options: KpiRoutesOptions): void {
  const now = options.now ?? Date.now;
  for (const route of ROUTES) {
    app.get(
      `/v1/kpis/${route.endpoint}`,
      {
        config: { scope: 'reports:read' },
        schema: {
          operationId: route.operationId,
          tags: ['kpis'],
          security: [{ bearerAuth: [] }],
          summary: route.summary,
          querystring: route.query,
          response: {
            200: Type.Ref(route.response),
            304: Type.Null({ description: 'the ETag in If-None-Match is current' }),
            ...errorResponses,
          },
        },
      },
      async (
        request: FastifyRequest<{ Querystring: Record<string, string> }>,
        reply: FastifyReply,
      ) => {
        let answer;
        try {
          answer = await answerKpi(options, tenantOf(request), route.endpoint, request.query, {
            now: now(),
            ifNoneMatch: request.headers['if-none-match'],
          });
        } catch (error) {
          if (error instanceof KpiParamError) {
            throw new ApiError(400, 'invalid_parameter', error.message, error.path);
          }
          throw error;
        }
        reply
          .header('etag', answer.etag)
          .header('cache-control', 'private, no-cache')
          .header('vary', 'authorization');
        if (answer.notModified) return reply.code(304).send();
        // Server-Timing (W3C): where the sums came from and how long the answer took.
        reply.header('server-timing', `${answer.source};dur=${answer.ms.toFixed(2)}`);
        return answer.body;
      },
    );
  }
}
