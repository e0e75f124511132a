/**
 * GET /v1/audit (admin; api.md): the tenant's audit log — keys created and revoked, configuration
 * changed, HR exports pulled — in the order it was written, as a table in any export format
 * (like the reports). Incremental: `X-Next-Cursor` is the last entry's id; pass it back as
 * `after` for the entries written since.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { exportFormat } from '../../exports/index.js';
import { AUDIT_TABLE, type AuditLog } from '../../tenant-config/audit.js';
import { ApiError } from '../errors.js';
import { negotiateFormat } from '../formats.js';
import { instantParam } from '../params.js';
import { tenantOf } from '../plugins/auth.js';
import { ErrorResponse, errorResponses } from '../schemas/common.js';
import { Instant } from '../schemas/kpis.js';
import { EXPORT_FORMATS } from '../schemas/reports.js';
import { attach, batchesOf, started, STREAM_RESPONSE } from '../streamed-table.js';

export interface AuditRoutesOptions {
  audit: AuditLog;
}

export const AUDIT_ACTIONS = [
  'key.created',
  'key.revoked',
  'calendar.changed',
  'sla_policies.changed',
  'tenant.changed',
  'hr_export.pulled',
] as const;

/** Entries per response at most (default 1,000). */
export const MAX_AUDIT_LIMIT = 10_000;

const AuditQuery = Type.Object(
  {
    format: Type.Optional(
      Type.String({
        enum: [...EXPORT_FORMATS],
        description: 'the body format; default from the Accept header, else json',
      }),
    ),
    from: Type.Optional(Instant('entries at or after this instant')),
    to: Type.Optional(Instant('entries before this instant (exclusive)')),
    action: Type.Optional(
      Type.String({
        maxLength: 256,
        description: `comma list of actions: ${AUDIT_ACTIONS.join(', ')}`,
      }),
    ),
    after: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,18}$',
        description: 'a cursor from X-Next-Cursor: only entries written after it',
      }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_AUDIT_LIMIT, description: 'default 1000' }),
    ),
  },
  { additionalProperties: false },
);

type Query = {
  format?: string;
  from?: string;
  to?: string;
  action?: string;
  after?: string;
  limit?: number;
};

function actionsOf(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const actions = text.split(',').map((a) => a.trim());
  const unknown = actions.find((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a));
  if (unknown !== undefined) {
    throw new ApiError(
      400,
      'invalid_parameter',
      `unknown action "${unknown}": use ${AUDIT_ACTIONS.join(', ')}`,
      '/action',
    );
  }
  return actions;
}

export default function auditRoutes(app: FastifyInstance, options: AuditRoutesOptions): void {
  app.get(
    '/v1/audit',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'getAudit',
        tags: ['operations'],
        security: [{ bearerAuth: [] }],
        summary: 'Who did what: keys created/revoked, configuration changed, HR exports pulled',
        querystring: AuditQuery,
        response: {
          200: {
            ...STREAM_RESPONSE(EXPORT_FORMATS, 'the entries, oldest first'),
            headers: {
              'x-next-cursor': {
                type: 'string',
                description: 'pass as after to get the entries written after this response',
              },
            },
          },
          ...errorResponses,
          406: Type.Ref(ErrorResponse),
        },
      },
    },
    async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
      const q = request.query;
      const format = negotiateFormat(q.format, request.headers.accept, EXPORT_FORMATS);
      const from = q.from === undefined ? undefined : instantParam(q.from, 'from');
      const to = q.to === undefined ? undefined : instantParam(q.to, 'to');
      if (from !== undefined && to !== undefined && to < from) {
        throw new ApiError(400, 'invalid_parameter', 'to must not be before from', '/to');
      }
      const { rows, lastId } = await options.audit.read(tenantOf(request), {
        from,
        to,
        actions: actionsOf(q.action),
        after: q.after === undefined ? undefined : String(BigInt(q.after)),
        limit: q.limit ?? 1000,
      });
      const cursor = lastId ?? q.after ?? '0';
      const bytes = exportFormat(format)!.write(AUDIT_TABLE, batchesOf(rows), {
        nextCursor: cursor,
      });
      reply.header('x-next-cursor', cursor);
      return attach(reply, format, 'audit', await started(bytes));
    },
  );
}
