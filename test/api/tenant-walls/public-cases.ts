/**
 * Routes that serve no tenant's data: health, readiness, Prometheus metrics (request counts by
 * route pattern, never by URL: a URL would carry A's ticket ids), the OpenAPI document, the
 * interactive docs and the dashboard's static files. Each answers B, and a caller without a key,
 * with none of A's strings. They run last, so /metrics has counted every request of the test.
 */
import { noTenantData, type WallCase } from './checks.js';

const none = (proves: string, urls: string[]): WallCase => ({
  proves: `no tenant data: ${proves} holds none of A's strings (B's key, no key)`,
  phase: 3,
  run: (w) => noTenantData(w, urls),
});

/** The operations of openapi.yaml without tenant data. */
export const PUBLIC_CASES: Record<string, WallCase> = {
  'GET /healthz': none('liveness', ['/healthz']),
  'GET /readyz': none('readiness', ['/readyz']),
};

/** Routes the app serves outside openapi.yaml (hidden from the document), by router path. */
export const HIDDEN_CASES: Record<string, WallCase> = {
  'GET /': none('the redirect to the dashboard', ['/']),
  'GET /dashboard': none('the redirect to /dashboard/', ['/dashboard']),
  'GET /dashboard{*}': none('the dashboard page and bundle', [
    '/dashboard/',
    '/dashboard/index.html',
    '/dashboard/main.js',
    '/dashboard/main.css',
  ]),
  'GET /metrics': none('the Prometheus metrics after every request of this test', ['/metrics']),
  'GET /openapi.json': none('the OpenAPI document', ['/openapi.json']),
  'GET /openapi.yaml': none('the OpenAPI document', ['/openapi.yaml']),
  'GET /docs': none('the docs redirect', ['/docs']),
  'GET /docs/': none('the interactive docs', ['/docs/']),
  'GET /docs/json': none('the docs document', ['/docs/json']),
  'GET /docs/yaml': none('the docs document', ['/docs/yaml']),
  'GET /docs/static/index.html': none('the docs page', ['/docs/static/index.html']),
  'GET /docs/static/swagger-initializer.js': none('the docs script', [
    '/docs/static/swagger-initializer.js',
  ]),
  'GET /docs/{*}': none('the docs assets', ['/docs/static/swagger-ui.css']),
};
