/**
 * Tables for BI tools (GET /v1/reports/{name}, reports:read) and the HR export
 * (GET /v1/exports/agent-productivity, hr:read), streamed in the format asked for. Rows flow
 * from the database in batches as the client reads them; a client that goes away ends the read.
 * The first bytes are produced before the status is sent, so a failing query is still an error
 * response, not a truncated 200.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { exportFormat } from '../../exports/index.js';
import { agentProductivity } from '../../reporting/reports/agent-productivity.js';
import {
  CursorGoneError,
  isReportName,
  openReport,
  REPORT_NAMES,
  type ReportDeps,
} from '../../reporting/reports/index.js';
import { KpiParamError, type KpiServiceDeps } from '../../reporting/kpis/index.js';
import type { AuditLog } from '../../tenant-config/audit.js';
import type { ExportSlots } from '../export-slots.js';
import { ApiError } from '../errors.js';
import { negotiateFormat } from '../formats.js';
import { attach, batchesOf, prefetched, started, STREAM_RESPONSE } from '../streamed-table.js';
import { actorOf, tenantOf } from '../plugins/auth.js';
import { ErrorResponse, errorResponses } from '../schemas/common.js';
import {
  AgentProductivityQuery,
  EXPORT_FORMATS,
  REPORT_FORMATS,
  ReportQuery,
} from '../schemas/reports.js';

export interface ReportRoutesOptions extends ReportDeps, KpiServiceDeps {
  /** Where the HR export records that it was pulled. */
  audit: AuditLog;
  /** The tenant's streams at once (DESKMETRICS_EXPORTS_PER_TENANT). */
  exports: ExportSlots;
  now?: () => number;
}

type Query = Record<string, string>;

function paramError(error: unknown): never {
  if (error instanceof KpiParamError)
    throw new ApiError(400, 'invalid_parameter', error.message, error.path);
  if (error instanceof CursorGoneError)
    throw new ApiError(410, 'cursor_expired', error.message, '/updated_since');
  throw error;
}

const ERRORS = {
  ...errorResponses,
  406: Type.Ref(ErrorResponse),
  429: Type.Ref(ErrorResponse),
};

export default function reportRoutes(app: FastifyInstance, options: ReportRoutesOptions): void {
  const now = options.now ?? Date.now;
  reportRoute(app, options, now);
  exportRoute(app, options, now);
}

function reportRoute(app: FastifyInstance, options: ReportRoutesOptions, now: () => number): void {
  app.get(
    '/v1/reports/:name',
    {
      config: { scope: 'reports:read' },
      schema: {
        operationId: 'getReport',
        tags: ['reports'],
        security: [{ bearerAuth: [] }],
        summary: 'A whole table for BI tools, streamed; incremental with updated_since',
        params: Type.Object(
          { name: Type.String({ maxLength: 64, description: REPORT_NAMES.join(', ') }) },
          { additionalProperties: false },
        ),
        querystring: ReportQuery,
        response: {
          200: {
            ...STREAM_RESPONSE(REPORT_FORMATS, 'the rows'),
            headers: {
              'x-next-cursor': {
                type: 'string',
                description: 'pass as updated_since to get the rows changed after this response',
              },
            },
          },
          ...ERRORS,
          404: Type.Ref(ErrorResponse),
          410: Type.Ref(ErrorResponse),
        },
      },
    },
    async (request: FastifyRequest<{ Params: { name: string }; Querystring: Query }>, reply) => {
      const { name } = request.params;
      if (!isReportName(name)) {
        throw new ApiError(
          404,
          'not_found',
          `no report named "${name}": use ${REPORT_NAMES.join(', ')}`,
          '/name',
        );
      }
      const { format: asked, ...raw } = request.query;
      const format = negotiateFormat(asked, request.headers.accept, REPORT_FORMATS);
      options.exports.take(tenantOf(request), reply);
      const run = await openReport(options, tenantOf(request), name, raw, {
        now: now(),
        csv: format === 'csv',
      }).catch(paramError);
      reply.raw.on('close', () => void run.close());
      // The query's first rows are read before the status is sent, so a report whose SQL fails
      // (a timeout, a cancelled statement, a lost connection) is an error answer, not a 200 cut
      // short after its header. PostgreSQL's CSV sends its header line as its own first chunk.
      const body = await (async () =>
        run.csv !== undefined
          ? started(run.csv, 2)
          : started(
              exportFormat(format)!.write(run.table, await prefetched(run.rows!), {
                nextCursor: run.nextCursor,
              }),
            ))().catch(async (error: unknown) => {
        await run.close();
        throw error;
      });
      reply.header('x-next-cursor', run.nextCursor);
      return attach(reply, format, run.fileStem, body);
    },
  );
}

function exportRoute(app: FastifyInstance, options: ReportRoutesOptions, now: () => number): void {
  app.get(
    '/v1/exports/agent-productivity',
    {
      config: { scope: 'hr:read' },
      schema: {
        operationId: 'getAgentProductivityExport',
        tags: ['exports'],
        security: [{ bearerAuth: [] }],
        summary:
          'Per-agent productivity per period, with sample sizes (equal to the KPI API by agent)',
        querystring: AgentProductivityQuery,
        response: {
          200: STREAM_RESPONSE(EXPORT_FORMATS, 'one row per agent and period'),
          ...ERRORS,
        },
      },
    },
    async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
      const { format: asked, ...raw } = request.query;
      const format = negotiateFormat(asked, request.headers.accept, EXPORT_FORMATS);
      const tenantId = tenantOf(request);
      options.exports.take(tenantId, reply);
      const result = await agentProductivity(options, tenantId, raw, now()).catch(paramError);
      // Committed before a byte of it is sent: an HR export always leaves a trace.
      await options.audit.record({
        tenantId,
        actor: actorOf(request),
        action: 'hr_export.pulled',
        target: 'agent-productivity',
        details: { query: request.query, format, rows: result.rows.length },
      });
      const bytes = exportFormat(format)!.write(result.table, batchesOf(result.rows), {
        nextCursor: null,
      });
      return attach(reply, format, result.fileStem, await started(bytes));
    },
  );
}
