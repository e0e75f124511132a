/**
 * API keys as a request sees them: a bearer key resolves to its tenant and the scopes it grants.
 * How keys are generated, hashed and stored is storage/tenant.repository.ts; this is what the HTTP
 * layer may use of it.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../storage/schema.js';
import { findApiKey, type ApiKeyIdentity } from '../storage/tenant.repository.js';

export { hasScope, type ApiKeyIdentity, type Scope } from '../storage/tenant.repository.js';

export interface ApiKeyLookup {
  /** The identity of a live key; undefined for an unknown or revoked one. */
  identify(key: string): Promise<ApiKeyIdentity | undefined>;
}

export function apiKeyLookup(db: Kysely<DB>): ApiKeyLookup {
  return { identify: (key) => findApiKey(db, key) };
}
