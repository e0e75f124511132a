/**
 * The manager's dashboard (docs/dashboard.md): `GET /` → `/dashboard/`, and the page and its
 * assets from the bundle `npm run build` writes to dist/web (scripts/build-web.js). These routes
 * need no key — the page asks for one and sends it with every API call it makes — and are left
 * out of the OpenAPI document, which describes the API.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../errors.js';

export interface DashboardRoutesOptions {
  /** The bundled front end: dist/web. */
  webRoot: string;
}

const hide = { schema: { hide: true } };

/**
 * Only this origin's scripts, styles, API calls and images: a page that holds an API key runs
 * nothing injected. uPlot sizes its elements through inline style attributes.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

function secure(reply: FastifyReply): void {
  reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff');
}

export default async function dashboardRoutes(
  app: FastifyInstance,
  options: DashboardRoutesOptions,
): Promise<void> {
  const root = path.resolve(options.webRoot);
  app.get('/', hide, async (_request, reply) => reply.redirect('/dashboard/', 302));
  app.get('/dashboard', hide, async (_request, reply) => reply.redirect('/dashboard/', 301));
  await app.register(async (scope) => {
    // Checked per request (not at registration, which does no I/O): a service started before
    // its first build says what is missing instead of a bare 404.
    scope.addHook('onRequest', async (_request, reply) => {
      try {
        await access(path.join(root, 'index.html'));
      } catch {
        throw new ApiError(
          503,
          'dashboard_not_built',
          'the dashboard is not built: run npm run build (it needs the dev dependencies)',
        );
      }
      secure(reply);
    });
    await scope.register(fastifyStatic, {
      root,
      prefix: '/dashboard/',
      index: 'index.html',
      schemaHide: true,
      wildcard: true,
      // The bundle keeps its names across builds: ask again every time (ETag answers 304).
      cacheControl: false,
      setHeaders: (reply) => void reply.header('cache-control', 'no-cache'),
    });
  });
}
