/**
 * Bearer API keys (api.md, Auth and tenancy). A route declares the scope it needs in its
 * `config.scope`; routes without one are public (health, docs). The resolved tenant is attached to
 * the request, and every handler takes the tenant from there, never from the caller's input.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  hasScope,
  type ApiKeyIdentity,
  type ApiKeyLookup,
  type Scope,
} from '../../tenant-config/api-keys.js';
import type { AuditActor } from '../../tenant-config/audit.js';
import { ApiError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: ApiKeyIdentity | undefined;
  }
  interface FastifyContextConfig {
    scope?: Scope;
  }
}

/** Who is acting, for the audit log: the request's key, by id and name, and the request's id. */
export function actorOf(request: FastifyRequest): AuditActor {
  if (!request.principal) throw new ApiError(401, 'unauthorized', 'an API key is required');
  const { keyId, name } = request.principal;
  return { kind: 'key', keyId, keyName: name, requestId: request.id };
}

export function tenantOf(request: FastifyRequest): string {
  if (!request.principal) throw new ApiError(401, 'unauthorized', 'an API key is required');
  return request.principal.tenantId;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export interface AuthOptions {
  apiKeys: ApiKeyLookup;
}

async function authPlugin(app: FastifyInstance, options: AuthOptions): Promise<void> {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    const scope = request.routeOptions.config.scope;
    if (!scope) return;
    const key = bearer(request);
    if (!key)
      throw new ApiError(401, 'unauthorized', 'missing "Authorization: Bearer <api key>" header');
    const principal = await options.apiKeys.identify(key);
    if (!principal) throw new ApiError(401, 'unauthorized', 'unknown, revoked or expired API key');
    if (!hasScope(principal.scopes, scope)) {
      throw new ApiError(403, 'forbidden', `this API key lacks the "${scope}" scope`);
    }
    request.principal = principal;
  });
}

export default fp(authPlugin, { name: 'auth' });
