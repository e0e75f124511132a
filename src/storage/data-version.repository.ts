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

/**
 * What every KPI read starts with, in one round trip: the tenant's data version and its
 * default time zone.
 */
export async function readKpiContext(
  db: Kysely<DB>,
  tenantId: string,
): Promise<{ version: string; timezone: string }> {
  const { rows } = await sql<{ version: string; timezone: string }>`
    select coalesce(v.version, 0)::text as version, t.timezone
    from tenant t left join tenant_data_version v on v.tenant_id = t.tenant_id
    where t.tenant_id = ${tenantId}::uuid`.execute(db);
  const row = rows[0];
  if (row === undefined) throw new Error(`no tenant ${tenantId}`);
  return row;
}
