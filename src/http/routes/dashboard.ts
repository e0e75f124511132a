/**
 * The manager's dashboard (docs/dashboard.md): `GET /` → `/dashboard/`, and the page and its
 * assets from the bundle `npm run build` writes to dist/web (scripts/build-web.js). These routes
 * need no key — the page asks for one and sends it with every API call it makes — and are left
 * out of the OpenAPI document, which describes the API. Their security headers are every
 * response's (http/plugins/protection.ts): the strict Content-Security-Policy holds for the page
 * — only this origin's scripts, styles, API calls and images, nothing inline; uPlot sizes its
 * elements through the CSSOM (`element.style`), which a CSP does not restrict.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../errors.js';

export interface DashboardRoutesOptions {
  /** The bundled front end: dist/web. */
  webRoot: string;
}

const hide = { schema: { hide: true } };

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
    scope.addHook('onRequest', async () => {
      try {
        await access(path.join(root, 'index.html'));
      } catch {
        throw new ApiError(
          503,
          'dashboard_not_built',
          'the dashboard is not built: run npm run build (it needs the dev dependencies)',
        );
      }
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
