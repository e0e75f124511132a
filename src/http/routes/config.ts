/**
 * SLA policies, tenant settings and the recomputation jobs they start (metrics.md, api.md).
 * A change is stored and the job recorded in one transaction; the job runs after the commit.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RecomputeJobs } from '../../ingest/recompute-jobs.js';
import type { ConfigError, TenantConfigDeps } from '../../tenant-config/config-deps.js';
import {
  getPolicyVersions,
  putPolicyVersion,
  type StoredPolicyVersion,
} from '../../tenant-config/policy-versions.js';
import {
  getTenantSettings,
  putTenantSettings,
  type TenantSettings,
} from '../../tenant-config/tenant-settings.js';
import { ApiError } from '../errors.js';
import { iso } from '../params.js';
import { actorOf, tenantOf } from '../plugins/auth.js';
import {
  bodyErrorResponses,
  errorResponses,
  JobId,
  STORABLE_TEXT_FORMAT,
} from '../schemas/common.js';
import { Job, PolicyList, Tenant } from '../schemas/config.js';

export interface ConfigRoutesOptions extends TenantConfigDeps {
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

function firstError(errors: ConfigError[]): ApiError {
  const all = errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ');
  return new ApiError(400, 'invalid_body', all, errors[0]?.path);
}

function tenantBody(settings: TenantSettings, jobId?: string) {
  return { ...settings, ...(jobId ? { recompute_job_id: jobId } : {}) };
}

const security = [{ bearerAuth: [] }];

/** The versions of the SLA policy list: a new one by PUT, the one in force and all by GET. */
function policyRoutes(app: FastifyInstance, options: ConfigRoutesOptions, now: () => number): void {
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
        response: { 200: Type.Ref(PolicyList), ...bodyErrorResponses },
      },
    },
    async (request: FastifyRequest<{ Body: unknown }>) => {
      const result = await putPolicyVersion(
        options,
        tenantOf(request),
        request.body,
        now(),
        actorOf(request),
      );
      if (!result.ok) throw firstError(result.errors);
      return listBody(result.versions, now(), result.jobId);
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
    async (request) => listBody(await getPolicyVersions(options, tenantOf(request)), now()),
  );
}

function tenantRoutes(app: FastifyInstance, options: ConfigRoutesOptions): void {
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
    async (request) => tenantBody(await getTenantSettings(options, tenantOf(request))),
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
            // Storable text: a lone surrogate cannot be written to PostgreSQL's json (a 500).
            name: Type.Optional(
              Type.String({ minLength: 1, maxLength: 200, format: STORABLE_TEXT_FORMAT }),
            ),
            timezone: Type.Optional(Type.String()),
            default_calendar_id: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref(Tenant), ...bodyErrorResponses },
      },
    },
    async (
      request: FastifyRequest<{
        Body: { name?: string; timezone?: string; default_calendar_id?: string };
      }>,
    ) => {
      const result = await putTenantSettings(
        options,
        tenantOf(request),
        request.body,
        actorOf(request),
      );
      if (!result.ok) {
        throw new ApiError(400, 'invalid_body', result.error.message, result.error.path);
      }
      return tenantBody(result.settings, result.jobId);
    },
  );
}

function jobRoutes(app: FastifyInstance, options: ConfigRoutesOptions): void {
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

export default function configRoutes(app: FastifyInstance, options: ConfigRoutesOptions): void {
  policyRoutes(app, options, options.now ?? Date.now);
  tenantRoutes(app, options);
  jobRoutes(app, options);
}
