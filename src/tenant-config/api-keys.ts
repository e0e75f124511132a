/**
 * API keys as a request sees them: a bearer key resolves to its tenant and the scopes it grants
 * (unknown, revoked and expired keys resolve to nothing). How keys are generated, hashed and
 * stored is storage/tenant.repository.ts; this is what the HTTP layer may use of it.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../storage/schema.js';
import { findApiKey, touchApiKey, type ApiKeyIdentity } from '../storage/tenant.repository.js';

export { hasScope, type ApiKeyIdentity, type Scope } from '../storage/tenant.repository.js';

/** `last_used_at` is written at most this often per key: a busy key costs no write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiKeyLookup {
  /** The identity of a live key; undefined for an unknown, revoked or expired one. */
  identify(key: string): Promise<ApiKeyIdentity | undefined>;
}

export function apiKeyLookup(
  db: Kysely<DB>,
  options: { now?: () => number; onError?: (error: unknown) => void } = {},
): ApiKeyLookup {
  const now = options.now ?? Date.now;
  /** When this process last wrote each key's `last_used_at` (tenant/key → epoch ms). */
  const touched = new Map<string, number>();
  return {
    async identify(key) {
      const at = now();
      const identity = await findApiKey(db, key, new Date(at));
      if (identity === undefined) return undefined;
      const name = `${identity.tenantId}/${identity.keyId}`;
      const last = Math.max(
        identity.lastUsedAt?.getTime() ?? -Infinity,
        touched.get(name) ?? -Infinity,
      );
      if (at - last >= LAST_USED_RESOLUTION_MS) {
        touched.set(name, at);
        if (touched.size > 10_000) touched.clear();
        // Not awaited: the request does not wait for the bookkeeping, nor fail with it.
        touchApiKey(db, identity, new Date(at)).catch((error: unknown) => options.onError?.(error));
      }
      return identity;
    },
  };
}
