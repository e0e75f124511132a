/**
 * buildApp(deps): plugins and routes, no I/O at registration — so `openapi.yaml` can be rendered
 * without a database, and tests can build an app around any database they like.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { DEFAULTS, type ProtectionConfig } from './config.js';
import { EventIngestor } from './ingest/event-ingestor.js';
import { createServices, type Services } from './services.js';
import { TableMaintainer, type TableMaintenanceMode } from './storage/table-maintainer.js';
import configRoutes from './http/routes/config.js';
import ticketRoutes from './http/routes/tickets.js';
import kpiRoutes from './http/routes/kpis.js';
import reportRoutes from './http/routes/reports.js';
import auditRoutes from './http/routes/audit.js';
import dashboardRoutes from './http/routes/dashboard.js';
import { KPI_SCHEMAS } from './http/schemas/kpis.js';
import { Job, PolicyList, PolicyVersion, SlaPolicy, Tenant } from './http/schemas/config.js';
import { ClockInstance, QueueItem, TicketDetail, Timeline } from './http/schemas/tickets.js';
import { registerBodyParsers } from './http/body-parsers.js';
import {
  clientErrorHandler,
  frameworkErrors,
  MAX_PARAM_LENGTH,
  registerErrorHandling,
} from './http/errors.js';
import { renderOpenApiYaml } from './http/openapi.js';
import authPlugin from './http/plugins/auth.js';
import metricsPlugin from './http/plugins/metrics.js';
import calendarRoutes from './http/routes/calendars.js';
import eventsRoutes from './http/routes/events.js';
import healthRoutes from './http/routes/health.js';
import { CUSTOM_FORMATS, ErrorResponse } from './http/schemas/common.js';
import { IngestError, IngestRejected, IngestResponse, TicketEvent } from './http/schemas/events.js';
import type { DB } from './storage/schema.js';
import { databaseReadiness } from './storage/readiness.js';
import { apiKeyLookup } from './tenant-config/api-keys.js';
import { auditLog } from './tenant-config/audit.js';
import protectionPlugin from './http/plugins/protection.js';
import { exportSlots } from './http/export-slots.js';
import { reserveConnection, type Database } from './storage/database.js';
import {
  BusinessAdd,
  BusinessTime,
  Calendar,
  CalendarDefinition,
  CalendarVersion,
} from './http/schemas/calendars.js';

export interface AppDeps {
  db: Kysely<DB>;
  logger?: FastifyServerOptions['logger'];
  /** Transactions with COPY on a server (storage/database.ts); plain Kysely ones when not given. */
  transaction?: Database['transaction'];
  /** Holds a connection for a report read, with COPY TO on a server; a Kysely one when not given. */
  reserve?: Database['reserve'];
  /** Built from `db` when not given. */
  services?: Services;
  /** The clock of every "now" the API answers with (tests pin it). */
  now?: () => number;
  /** NDJSON lines committed per transaction (DESKMETRICS_NDJSON_BATCH). */
  ndjsonBatchSize?: number;
  /** Tickets whose fold state ingest keeps in memory (when `services` is not given). */
  ticketCacheSize?: number;
  /** Rollup ledger rows a tenant appends before compaction (when `services` is not given). */
  rollupCompactRows?: number;
  /** A tenant's KPI cube at most (bytes; 0: none) when `services` is not given. */
  kpiCubeBytes?: number;
  /** Days of history a KPI cube holds (0: all) when `services` is not given. */
  kpiCubeDays?: number;
  /** KPI reads wait for a cube to load instead of answering from SQL meanwhile (tests). */
  kpiCubeBlocking?: boolean;
  /** Process metrics (CPU, memory, event loop) on /metrics; off in tests. */
  defaultMetrics?: boolean;
  /** The dashboard's bundled front end; dist/web (from src/ and dist/ alike) when not given. */
  webRoot?: string;
  /**
   * Rate limits per key, concurrent exports per tenant and CORS origins (config.ts,
   * `ProtectionConfig`); the service's defaults when not given.
   */
  protection?: Partial<ProtectionConfig>;
  /**
   * Vacuum and analyze of the tables where autovacuum does not run (storage/table-maintainer.ts),
   * started when the app is ready; none when not given (tests).
   */
  tableMaintenance?: { mode: TableMaintenanceMode; throttle: boolean };
}

const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../dist/web/', import.meta.url));

export const OPENAPI_INFO = {
  title: 'deskmetrics',
  version: '0.1.0',
  description:
    'SLA and productivity analytics for help desks: ingest ticket events; read business-hours SLA clocks, FCR, handle time, reopens, escalations and backlog.',
};

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

/** Shared TypeBox schemas, registered by `$id` so routes and the OpenAPI document refer to them. */
const SHARED_SCHEMAS = [
  ErrorResponse,
  TicketEvent,
  IngestError,
  IngestResponse,
  IngestRejected,
  CalendarDefinition,
  CalendarVersion,
  Calendar,
  BusinessTime,
  BusinessAdd,
  SlaPolicy,
  PolicyVersion,
  PolicyList,
  Tenant,
  Job,
  ClockInstance,
  TicketDetail,
  Timeline,
  QueueItem,
  ...KPI_SCHEMAS,
];

/** The Fastify instance with request ids, error handling, body parsers and the shared schemas. */
function createFastify(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: deps.logger ?? false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
    ajv: {
      customOptions: {
        coerceTypes: true,
        useDefaults: true,
        removeAdditional: false,
        formats: CUSTOM_FORMATS,
      },
    },
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandling(app);
  registerBodyParsers(app);
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  return app;
}

async function registerSwagger(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'an API key' },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  // Swagger UI's page needs its own inline script and styles: it sends its own CSP (hashes of
  // them), in place of the strict one of every other response (http/plugins/protection.ts).
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}

function registerOpenApiRoutes(app: FastifyInstance): void {
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/openapi.yaml', { schema: { hide: true } }, async (_request, reply) => {
    reply.type('application/yaml');
    return renderOpenApiYaml(app);
  });
}

/** The given services, or new ones around `deps.db` that log their background failures. */
function servicesFor(app: FastifyInstance, deps: AppDeps): Services {
  return (
    deps.services ??
    createServices(deps.db, {
      onJobError: (err) => app.log.error({ err }, 'recomputation failed'),
      ticketCacheSize: deps.ticketCacheSize,
      rollupCompactRows: deps.rollupCompactRows,
      onCompactError: (err) => app.log.error({ err }, 'rollup compaction failed'),
      kpiCubeBytes: deps.kpiCubeBytes,
      kpiCubeDays: deps.kpiCubeDays,
      kpiCubeBlocking: deps.kpiCubeBlocking,
      onCubeError: (err) => app.log.warn({ err }, 'KPI cube not loaded: answering from SQL'),
    })
  );
}

/** The /v1 routes: events, calendars, configuration and tickets. */
async function registerApiRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  services: Services,
): Promise<void> {
  const now = deps.now ?? Date.now;
  await app.register(eventsRoutes, {
    ingestor: new EventIngestor(
      deps.transaction ?? ((work) => deps.db.transaction().execute((trx) => work({ db: trx }))),
      services.ticketUpdater,
    ),
    ndjsonBatchSize: deps.ndjsonBatchSize ?? DEFAULTS.ndjsonBatchSize,
  });
  const config = { db: deps.db, calendars: services.calendars, jobs: services.jobs, now };
  await app.register(calendarRoutes, { ...config });
  await app.register(configRoutes, { ...config });
  await app.register(ticketRoutes, {
    db: deps.db,
    calendars: services.calendars,
    contexts: services.contexts,
    now,
  });
  await app.register(kpiRoutes, {
    db: deps.db,
    calendars: services.calendars,
    cubes: services.cubes,
    now,
  });
  const audit = auditLog(deps.db);
  await app.register(auditRoutes, { audit });
  await app.register(reportRoutes, {
    audit,
    exports: exportSlots(limitsOf(deps).exportsPerTenant),
    db: deps.db,
    reserve: deps.reserve ?? (() => reserveConnection(deps.db)),
    calendars: services.calendars,
    cubes: services.cubes,
    now,
  });
}

function limitsOf(deps: AppDeps): ProtectionConfig {
  return {
    rateLimitReads: DEFAULTS.rateLimitReads,
    rateLimitWrites: DEFAULTS.rateLimitWrites,
    exportsPerTenant: DEFAULTS.exportsPerTenant,
    corsOrigins: [],
    ...deps.protection,
  };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = createFastify(deps);
  await registerSwagger(app);
  // The KPI cubes are made with the services below; the gauge reads them when scraped.
  let cubeBytes = (): number => 0;
  await app.register(metricsPlugin, {
    defaultMetrics: deps.defaultMetrics ?? false,
    cubeBytes: () => cubeBytes(),
  });
  const limits = limitsOf(deps);
  await app.register(protectionPlugin, {
    rateLimit: { reads: limits.rateLimitReads, writes: limits.rateLimitWrites },
    corsOrigins: limits.corsOrigins,
  });
  const apiKeys = apiKeyLookup(deps.db, {
    now: deps.now,
    onError: (error) => app.log.warn({ err: error }, 'could not record a key’s last use'),
  });
  await app.register(authPlugin, { apiKeys });
  registerOpenApiRoutes(app);
  await app.register(healthRoutes, { readiness: () => databaseReadiness(deps.db) });
  const services = servicesFor(app, deps);
  app.decorate('services', services);
  cubeBytes = () => services.cubes?.bytes() ?? 0;
  const maintenance = deps.tableMaintenance;
  const maintainer =
    maintenance === undefined
      ? undefined
      : new TableMaintainer(deps.db, { ...maintenance, log: app.log });
  app.addHook('onReady', async () => {
    await maintainer?.start().catch((err: unknown) => {
      app.log.warn({ err }, 'table maintenance not started: the tables are left as they are');
    });
  });
  app.addHook('onClose', async () => {
    await maintainer?.close();
    await services.jobs.stop();
    await services.compactor.idle();
    await services.cubes?.idle();
  });
  await registerApiRoutes(app, deps, services);
  await app.register(dashboardRoutes, { webRoot: deps.webRoot ?? DEFAULT_WEB_ROOT });
  return app;
}
