/**
 * SLA policies, tenant settings and the recomputation jobs they start (metrics.md, api.md).
 * A change is stored and the job recorded in one transaction; the job runs after the commit.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { IANAZone } from 'luxon';
import type { Kysely } from 'kysely';
import { validatePolicyList } from '../../core/policy/index.js';
import {
  bumpConfigRevision,
  insertPolicyVersion,
  listPolicyVersions,
  type StoredPolicyVersion,
} from '../../storage/sla-policy.repository.js';
import type { DB } from '../../storage/schema.js';
import type { CalendarRegistry } from '../../settings/calendar-registry.js';
import type { RecomputeJobs, RecomputeScope } from '../../settings/recompute-jobs.js';
import { ApiError } from '../errors.js';
import { iso } from '../params.js';
import { tenantOf } from '../plugins/auth.js';
import { errorResponses, JobId } from '../schemas/common.js';
import { Job, PolicyList, Tenant } from '../schemas/config.js';

export interface ConfigRoutesOptions {
  db: Kysely<DB>;
  calendars: CalendarRegistry;
  jobs: RecomputeJobs;
  now?: () => number;
}

function versionBody(v: StoredPolicyVersion) {
  return {
    version: v.version,
    effective_from: iso(v.effectiveFrom),
    created_at: v.createdAt.toISOString(),
    policies: v.policies,
  };
}

function listBody(versions: StoredPolicyVersion[], now: number, jobId?: string) {
  const inForce = versions.filter((v) => v.effectiveFrom <= now).at(-1) ?? versions[0];
  return {
    current: inForce ? versionBody(inForce) : null,
    versions: [...versions].sort((a, b) => a.version - b.version).map(versionBody),
    ...(jobId ? { recompute_job_id: jobId } : {}),
  };
}

function firstError(errors: Array<{ path: string; message: string }>): ApiError {
  const all = errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ');
  return new ApiError(400, 'invalid_body', all, errors[0]?.path);
}

/** A version that becomes the earliest one also governs everything before it: recompute all. */
function policyScope(existing: StoredPolicyVersion[], effectiveFrom: number): RecomputeScope {
  const earliest = Math.min(...existing.map((v) => v.effectiveFrom));
  return existing.length === 0 || effectiveFrom <= earliest
    ? { kind: 'all' }
    : { kind: 'created', from: effectiveFrom };
}

async function tenantBody(db: Kysely<DB>, tenantId: string, jobId?: string) {
  const t = await db
    .selectFrom('tenant')
    .select(['tenant_id', 'name', 'timezone', 'default_calendar_id'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return { ...t, ...(jobId ? { recompute_job_id: jobId } : {}) };
}

export default function configRoutes(app: FastifyInstance, options: ConfigRoutesOptions): void {
  const now = options.now ?? Date.now;
  const security = [{ bearerAuth: [] }];

  app.put(
    '/v1/sla-policies',
    {
      config: { scope: 'config:write' },
      schema: {
        operationId: 'putSlaPolicies',
        tags: ['sla'],
        security,
        summary: 'Store a new version of the ordered SLA policy list',
        description:
          'In force from effective_from (default now) for tickets created from then on; affected tickets are recomputed in the background (recompute_job_id).',
        body: Type.Object({
          effective_from: Type.Optional(Type.String()),
          policies: Type.Array(Type.Object({}, { additionalProperties: true })),
        }),
        response: { 200: Type.Ref(PolicyList), ...errorResponses },
      },
    },
    async (request: FastifyRequest<{ Body: unknown }>) => {
      const tenantId = tenantOf(request);
      const calendars = await options.calendars.loadAll(options.db, tenantId);
      const checked = validatePolicyList(request.body, (id) => calendars.has(id));
      if (!checked.ok) throw firstError(checked.errors);
      const effectiveFrom = checked.value.effectiveFrom ?? now();
      const jobId = await options.db.transaction().execute(async (trx) => {
        const existing = await listPolicyVersions(trx, tenantId);
        await insertPolicyVersion(trx, tenantId, effectiveFrom, checked.value.policies);
        await bumpConfigRevision(trx, tenantId);
        return options.jobs.create(
          trx,
          tenantId,
          'sla policies changed',
          policyScope(existing, effectiveFrom),
        );
      });
      options.jobs.kick();
      return listBody(await listPolicyVersions(options.db, tenantId), now(), jobId);
    },
  );

  app.get(
    '/v1/sla-policies',
    {
      config: { scope: 'reports:read' },
      schema: {
        operationId: 'getSlaPolicies',
        tags: ['sla'],
        security,
        summary: 'The policy list in force now and all versions',
        response: { 200: Type.Ref(PolicyList), ...errorResponses },
      },
    },
    async (request) => listBody(await listPolicyVersions(options.db, tenantOf(request)), now()),
  );

  app.get(
    '/v1/tenant',
    {
      config: { scope: 'reports:read' },
      schema: {
        operationId: 'getTenant',
        tags: ['tenant'],
        security,
        summary: 'Tenant settings',
        response: { 200: Type.Ref(Tenant), ...errorResponses },
      },
    },
    async (request) => tenantBody(options.db, tenantOf(request)),
  );

  app.put(
    '/v1/tenant',
    {
      config: { scope: 'admin' },
      schema: {
        operationId: 'putTenant',
        tags: ['tenant'],
        security,
        summary: 'Change tenant settings',
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            timezone: Type.Optional(Type.String()),
            default_calendar_id: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref(Tenant), ...errorResponses },
      },
    },
    async (
      request: FastifyRequest<{
        Body: { name?: string; timezone?: string; default_calendar_id?: string };
      }>,
    ) => {
      const tenantId = tenantOf(request);
      const body = request.body;
      if (body.timezone !== undefined && !IANAZone.isValidZone(body.timezone)) {
        throw new ApiError(
          400,
          'invalid_body',
          `unknown IANA timezone "${body.timezone}"`,
          '/timezone',
        );
      }
      if (
        body.default_calendar_id !== undefined &&
        !(await options.calendars.loadAll(options.db, tenantId)).has(body.default_calendar_id)
      ) {
        throw new ApiError(
          400,
          'invalid_body',
          `no calendar "${body.default_calendar_id}"`,
          '/default_calendar_id',
        );
      }
      const jobId = await options.db.transaction().execute(async (trx) => {
        const before = await trx
          .selectFrom('tenant')
          .select('default_calendar_id')
          .where('tenant_id', '=', tenantId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        await trx.updateTable('tenant').set(body).where('tenant_id', '=', tenantId).execute();
        if (
          body.default_calendar_id === undefined ||
          body.default_calendar_id === before.default_calendar_id
        )
          return undefined;
        await bumpConfigRevision(trx, tenantId);
        return options.jobs.create(trx, tenantId, 'default calendar changed', { kind: 'all' });
      });
      options.jobs.kick();
      return tenantBody(options.db, tenantId, jobId);
    },
  );

  app.get(
    '/v1/jobs/:job_id',
    {
      config: { scope: 'reports:read' },
      schema: {
        operationId: 'getJob',
        tags: ['sla'],
        security,
        summary: 'Progress of a recomputation started by a configuration change',
        params: Type.Object({ job_id: JobId }),
        response: { 200: Type.Ref(Job), 404: errorResponses[400], ...errorResponses },
      },
    },
    async (request: FastifyRequest<{ Params: { job_id: string } }>) => {
      const job = await options.jobs.get(tenantOf(request), request.params.job_id);
      if (!job) throw new ApiError(404, 'not_found', `no job ${request.params.job_id}`, '/job_id');
      return job;
    },
  );
}
