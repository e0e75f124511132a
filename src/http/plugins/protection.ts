/**
 * What protects one node from its callers (issue 17): security headers with a strict
 * Content-Security-Policy that the dashboard satisfies (`@fastify/helmet`; `/docs` sets its own,
 * which Swagger UI needs), CORS only for the origins configured (`@fastify/cors`; off by default),
 * and per-key rate limits (`@fastify/rate-limit`): a budget a minute for `POST /v1/events` and one
 * for every other authenticated route, answered past it with `429`, `Retry-After` and the
 * `RateLimit-*` headers. Routes without a scope (health, metrics, docs, the dashboard's files)
 * are not limited.
 */
import { createHash } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.js';

export interface ProtectionOptions {
  /** Requests a minute per key: ingest, and every other authenticated route; 0: no limit. */
  rateLimit: { reads: number; writes: number };
  /** Origins allowed to call from a browser; empty: no CORS headers at all. */
  corsOrigins: readonly string[];
}

/** Without a key, the limit is the caller's address's. */
function bucketOf(request: FastifyRequest): string {
  const kind = isIngest(request) ? 'w' : 'r';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  if (match === null) return `${kind}:ip:${request.ip}`;
  // A digest, so the limiter's memory never holds a key.
  return `${kind}:key:${createHash('sha256').update(match[1]!).digest('base64url').slice(0, 22)}`;
}

function isIngest(request: FastifyRequest): boolean {
  return request.routeOptions.config.scope === 'events:write';
}

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  // Stylesheets and <style> only from this origin; style attributes allowed, because uPlot sizes
  // and places its canvas and cursor with them — no script runs from a style attribute.
  styleSrcElem: ["'self'"],
  styleSrcAttr: ["'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

async function protection(app: FastifyInstance, options: ProtectionOptions): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
  });
  if (options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: [...options.corsOrigins],
      methods: ['GET', 'HEAD', 'POST', 'PUT'],
      allowedHeaders: ['authorization', 'content-type', 'if-none-match', 'x-request-id'],
      exposedHeaders: [
        'etag',
        'x-next-cursor',
        'x-request-id',
        'retry-after',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
      ],
      maxAge: 600,
    });
  }
  const { reads, writes } = options.rateLimit;
  if (reads === 0 && writes === 0) return;
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    enableDraftSpec: true,
    keyGenerator: bucketOf,
    // No limit for public routes, nor for a kind whose limit is 0.
    allowList: (request) => {
      if (request.routeOptions.config.scope === undefined) return true;
      return (isIngest(request) ? writes : reads) === 0;
    },
    max: (request) => (isIngest(request) ? writes : reads),
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        429,
        'rate_limited',
        `more than ${context.max} requests a minute with this API key; retry in ${Math.ceil(context.ttl / 1000)} s`,
      ),
  });
}

export default fp(protection, { name: 'protection' });
