/** OpenAPI schemas of SLA policies, tenant settings and recomputation jobs. */
import { Type } from '@sinclair/typebox';

const Metrics = ['first_response', 'next_response', 'resolution'] as const;
const Statuses = Type.Array(
  Type.Union(['new', 'open', 'pending', 'on_hold'].map((s) => Type.Literal(s))),
);
const Seconds = Type.Number({ minimum: 0, description: 'business seconds on the policy calendar' });

export const SlaPolicy = Type.Object(
  {
    id: Type.String(),
    name: Type.Optional(Type.String()),
    match: Type.Optional(
      Type.Object(
        {
          priority: Type.Optional(Type.Array(Type.String())),
          channel: Type.Optional(Type.Array(Type.String())),
          group: Type.Optional(Type.Array(Type.String())),
          category: Type.Optional(Type.Array(Type.String())),
          organization_id: Type.Optional(Type.Array(Type.String())),
          tier: Type.Optional(Type.Array(Type.Integer())),
          tags: Type.Optional(Type.Array(Type.String(), { description: 'any of' })),
        },
        { description: 'every listed key must match; empty matches all' },
      ),
    ),
    calendar_id: Type.String(),
    targets: Type.Object({
      first_response: Type.Optional(Seconds),
      next_response: Type.Optional(Seconds),
      resolution: Type.Optional(Seconds),
    }),
    pause: Type.Optional(
      Type.Object(Object.fromEntries(Metrics.map((m) => [m, Type.Optional(Statuses)])), {
        description:
          'defaults: response clocks never pause; resolution pauses in pending and on_hold',
      }),
    ),
    at_risk: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.8 })),
  },
  { $id: 'SlaPolicy', title: 'SlaPolicy' },
);

export const PolicyVersion = Type.Object(
  {
    version: Type.Integer(),
    effective_from: Type.String({ format: 'date-time' }),
    created_at: Type.String({ format: 'date-time' }),
    policies: Type.Array(Type.Ref(SlaPolicy)),
  },
  { $id: 'PolicyVersion', title: 'PolicyVersion' },
);

export const PolicyList = Type.Object(
  {
    current: Type.Union([Type.Ref(PolicyVersion), Type.Null()]),
    versions: Type.Array(Type.Ref(PolicyVersion)),
    recompute_job_id: Type.Optional(
      Type.String({ description: 'the recomputation this change started' }),
    ),
  },
  { $id: 'PolicyList', title: 'PolicyList' },
);

export const Tenant = Type.Object(
  {
    tenant_id: Type.String(),
    name: Type.String(),
    timezone: Type.String({ description: 'IANA zone: default for KPI interval boundaries' }),
    default_calendar_id: Type.String({
      description: 'business age of tickets no policy applies to',
    }),
    recompute_job_id: Type.Optional(Type.String()),
  },
  { $id: 'Tenant', title: 'Tenant' },
);

export const Job = Type.Object(
  {
    job_id: Type.String(),
    reason: Type.String(),
    status: Type.Union(['queued', 'running', 'done', 'failed'].map((s) => Type.Literal(s))),
    total: Type.Integer(),
    done: Type.Integer(),
    progress: Type.Number({ minimum: 0, maximum: 1 }),
    error: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
    started_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'Job', title: 'Job' },
);
