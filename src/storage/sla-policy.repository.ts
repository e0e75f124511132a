/** Versions of a tenant's SLA policy list (metrics.md, "SLA policies"); never updated. */
import { sql, type Kysely } from 'kysely';
import type { PolicyListVersion, SlaPolicy } from '../core/policy/types.js';
import type { DB } from './schema.js';

export interface StoredPolicyVersion extends PolicyListVersion {
  createdAt: Date;
}

export async function insertPolicyVersion(
  db: Kysely<DB>,
  tenantId: string,
  effectiveFrom: number,
  policies: SlaPolicy[],
): Promise<StoredPolicyVersion> {
  await sql`select 1 from tenant where tenant_id = ${tenantId}::uuid for update`.execute(db);
  const last = await db
    .selectFrom('sla_policy_version')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  const row = await db
    .insertInto('sla_policy_version')
    .values({
      tenant_id: tenantId,
      version: (last?.version ?? 0) + 1,
      effective_from: new Date(effectiveFrom),
      policies: JSON.stringify(policies),
    })
    .returning(['version', 'effective_from', 'policies', 'created_at'])
    .executeTakeFirstOrThrow();
  return {
    version: row.version,
    effectiveFrom: row.effective_from.getTime(),
    policies: row.policies as SlaPolicy[],
    createdAt: row.created_at,
  };
}

/** All versions, sorted by effective_from then version (the order the fold expects). */
export async function listPolicyVersions(
  db: Kysely<DB>,
  tenantId: string,
): Promise<StoredPolicyVersion[]> {
  const rows = await db
    .selectFrom('sla_policy_version')
    .select(['version', 'effective_from', 'policies', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('effective_from')
    .orderBy('version')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    effectiveFrom: r.effective_from.getTime(),
    policies: r.policies as SlaPolicy[],
    createdAt: r.created_at,
  }));
}
