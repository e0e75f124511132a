/**
 * A tenant's data version (migration 0012): one more for every transaction that changes what a
 * KPI reads — ingest, recomputation, compaction, rebuild. KPI ETags are derived from it.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';

/** Adds one to the tenant's data version, in the caller's transaction; returns the new one. */
export async function bumpDataVersion(db: Kysely<DB>, tenantId: string): Promise<string> {
  const { rows } = await sql<{ version: string }>`
    insert into tenant_data_version (tenant_id, version) values (${tenantId}::uuid, 1)
    on conflict (tenant_id) do update set version = tenant_data_version.version + 1
    returning version::text as version`.execute(db);
  return rows[0]!.version;
}

/** The tenant's data version (0 before anything was written). */
export async function readDataVersion(db: Kysely<DB>, tenantId: string): Promise<string> {
  const { rows } = await sql<{ version: string }>`
    select version::text as version from tenant_data_version
    where tenant_id = ${tenantId}::uuid`.execute(db);
  return rows[0]?.version ?? '0';
}
