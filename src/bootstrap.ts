/**
 * First start on an empty database: create the first tenant and its admin key. The key is
 * `DESKMETRICS_BOOTSTRAP_KEY` when set (so automation knows it in advance), otherwise generated
 * and returned so the caller can print it — once; only its hash is stored.
 */
import type { Kysely } from 'kysely';
import type { DB } from './storage/schema.js';
import {
  countTenants,
  createApiKey,
  createTenant,
  lockFirstTenantCreation,
} from './storage/tenant.repository.js';

export interface Bootstrap {
  tenantId: string;
  /** The admin key, present only when it was generated now (print it once). */
  generatedKey?: string;
}

export async function bootstrapTenant(
  db: Kysely<DB>,
  bootstrapKey: string | undefined,
): Promise<Bootstrap | undefined> {
  return db.transaction().execute(async (trx) => {
    // Two processes starting at once must not both create a first tenant.
    await lockFirstTenantCreation(trx);
    if ((await countTenants(trx)) > 0) return undefined;
    const tenantId = await createTenant(trx, 'default');
    const created = await createApiKey(trx, {
      tenantId,
      name: 'bootstrap admin',
      scopes: ['admin'],
      actor: { kind: 'system' },
      ...(bootstrapKey !== undefined ? { key: bootstrapKey } : {}),
    });
    return bootstrapKey === undefined ? { tenantId, generatedKey: created.key } : { tenantId };
  });
}
