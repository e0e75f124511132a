/**
 * Prometheus metrics at `/metrics`: request counts and latencies by route, and what ingest did
 * with the events it received. One registry per app instance, so tests can build many apps.
 */
import '@fastify/swagger';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface AppMetrics {
  registry: Registry;
  ingestEvents: Counter<'outcome'>;
  ingestBatchSeconds: Histogram;
  foldFailures: Counter;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: AppMetrics;
  }
}

async function metricsPlugin(
  app: FastifyInstance,
  options: { defaultMetrics?: boolean; cubeBytes?: () => number },
): Promise<void> {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'deskmetrics_http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'deskmetrics_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const ingestEvents = new Counter({
    name: 'deskmetrics_ingest_events_total',
    help: 'Events received by POST /v1/events, by outcome (accepted, duplicate, rejected)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const ingestBatchSeconds = new Histogram({
    name: 'deskmetrics_ingest_request_duration_seconds',
    help: 'Time to validate, store and commit one ingest request',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const foldFailures = new Counter({
    name: 'deskmetrics_ticket_fold_failures_total',
    help: 'Tickets whose metrics could not be computed in an ingest batch (events stored; listed as refold_pending)',
    registers: [registry],
  });
  app.decorate('metrics', { registry, ingestEvents, ingestBatchSeconds, foldFailures });
  if (options.cubeBytes !== undefined) {
    const cubeBytes = options.cubeBytes;
    new Gauge({
      name: 'deskmetrics_kpi_cube_bytes',
      help: "Memory the tenants' KPI cubes hold in typed arrays (grows with the tickets they cover)",
      registers: [registry],
      collect() {
        this.set(cubeBytes());
      },
    });
  }
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}

export default fp(metricsPlugin, { name: 'metrics' });
