/**
 * Tables for BI tools (GET /v1/reports/{name}, reports:read) and the HR export
 * (GET /v1/exports/agent-productivity, hr:read), streamed in the format asked for. Rows flow
 * from the database in batches as the client reads them; a client that goes away ends the read.
 * The first bytes are produced before the status is sent, so a failing query is still an error
 * response, not a truncated 200.
 */
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReportRow } from '../../core/report/table.js';
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
import { ApiError } from '../errors.js';
import { contentType, extensionOf, negotiateFormat } from '../formats.js';
import { tenantOf } from '../plugins/auth.js';
import { ErrorResponse, errorResponses } from '../schemas/common.js';
import {
  AgentProductivityQuery,
  EXPORT_FORMATS,
  REPORT_FORMATS,
  ReportQuery,
} from '../schemas/reports.js';

export interface ReportRoutesOptions extends ReportDeps, KpiServiceDeps {
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

/** `source` with its first chunk already produced (errors surface before the status is sent). */
async function started(source: AsyncIterable<Uint8Array>): Promise<Readable> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  async function* all(): AsyncGenerator<Uint8Array> {
    let done = false;
    try {
      if (first.done === true) return;
      yield first.value;
      for (;;) {
        const next = await it.next();
        if (next.done === true) break;
        yield next.value;
      }
      done = true;
    } finally {
      if (!done) await it.return?.();
    }
  }
  return Readable.from(all(), { objectMode: false });
}

function attach(reply: FastifyReply, format: string, fileStem: string, body: Readable) {
  return reply
    .header('content-type', contentType(format))
    .header('content-disposition', `attachment; filename="${fileStem}.${extensionOf(format)}"`)
    .header('cache-control', 'private, no-store')
    .send(body);
}

/** The JSON format's body (src/exports/json.ts); the other formats are bytes. */
const JSON_BODY = Type.Object({
  report: Type.String(),
  columns: Type.Array(
    Type.Object({
      name: Type.String(),
      type: Type.String({ enum: ['string', 'int', 'float', 'bool', 'timestamp'] }),
    }),
  ),
  rows: Type.Array(Type.Object({}, { additionalProperties: true, description: 'column → value' })),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
  row_count: Type.Integer({ minimum: 0 }),
});

const STREAM_RESPONSE = (formats: readonly string[], what: string) => ({
  description: `${what}, streamed in the format asked for (${formats.join(', ')})`,
  content: Object.fromEntries(
    formats.map((f) => [
      contentType(f).split(';')[0]!,
      {
        schema:
          f === 'json'
            ? JSON_BODY
            : ['arrow', 'parquet', 'xlsx'].includes(f)
              ? { type: 'string', format: 'binary' }
              : { type: 'string' },
      },
    ]),
  ),
});

const ERRORS = {
  ...errorResponses,
  406: Type.Ref(ErrorResponse),
};

/** Rows already in memory (the HR export: agents × periods) as writer batches. */
async function* batchesOf(rows: readonly ReportRow[]): AsyncGenerator<ReportRow[]> {
  for (let i = 0; i < rows.length; i += 4096) yield rows.slice(i, i + 4096);
}

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
      const run = await openReport(options, tenantOf(request), name, raw, {
        now: now(),
        csv: format === 'csv',
      }).catch(paramError);
      reply.raw.on('close', () => void run.close());
      const bytes =
        run.csv ??
        exportFormat(format)!.write(run.table, run.rows!, { nextCursor: run.nextCursor });
      const body = await started(bytes).catch(async (error: unknown) => {
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
      const result = await agentProductivity(options, tenantOf(request), raw, now()).catch(
        paramError,
      );
      const bytes = exportFormat(format)!.write(result.table, batchesOf(result.rows), {
        nextCursor: null,
      });
      return attach(reply, format, result.fileStem, await started(bytes));
    },
  );
}
