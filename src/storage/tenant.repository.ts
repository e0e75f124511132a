/**
 * Tenants and their API keys. A key is `dm_` + 32 random base62-ish characters; only its sha256 is
 * stored. `key_id` (the first characters after the prefix) names a key in listings and revocation
 * without revealing it, and is how a presented key is found: the stored hash is then compared
 * with the presented key's in constant time. Creating and revoking a key writes the audit log in
 * the same transaction.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { insertAudit, type AuditActor } from './audit.repository.js';
import type { DB } from './schema.js';

export const SCOPES = ['events:write', 'config:write', 'reports:read', 'hr:read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKeyIdentity {
  tenantId: string;
  keyId: string;
  /** The name it was created with (the audit log records it beside the key id). */
  name: string;
  scopes: Scope[];
  /** When it was last used, as stored (updated at most once a minute, {@link touchApiKey}). */
  lastUsedAt: Date | null;
}

export interface ApiKeyInfo {
  tenant_id: string;
  key_id: string;
  name: string;
  scopes: string[];
  created_at: Date;
  revoked_at: Date | null;
  expires_at: Date | null;
  last_used_at: Date | null;
}

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function generateKey(): { key: string; keyId: string } {
  let secret: string;
  // A key_id is typed as a CLI argument (`keys revoke <key_id>`): one starting with '-' would be
  // read as an option. One secret in 64 does; it is drawn again.
  do secret = randomBytes(24).toString('base64url');
  while (secret.startsWith('-'));
  return { key: `dm_${secret}`, keyId: secret.slice(0, 8) };
}

/**
 * The key_id a user typed: the key_id itself, or the key as `keys list` shows it (`dm_abcdefgh…`)
 * or whole (`dm_…`) — the form to use for a key_id that starts with '-'.
 */
export function keyIdArgument(text: string): string {
  return text.startsWith('dm_') && text.length > 10 ? text.slice(3, 11) : text;
}

export function keyIdOf(key: string): string {
  return key.startsWith('dm_') ? key.slice(3, 11) : hashKey(key).toString('hex').slice(0, 8);
}

export async function createTenant(db: Kysely<DB>, name: string): Promise<string> {
  const tenantId = randomUUID();
  await db.insertInto('tenant').values({ tenant_id: tenantId, name }).execute();
  return tenantId;
}

export async function countTenants(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('tenant')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findTenant(db: Kysely<DB>, tenantId: string) {
  return db.selectFrom('tenant').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

/** Every tenant, as `deskmetrics tenants list` prints them. */
export async function listTenants(
  db: Kysely<DB>,
): Promise<Array<{ tenant_id: string; name: string; timezone: string }>> {
  return db.selectFrom('tenant').select(['tenant_id', 'name', 'timezone']).execute();
}

/** Every tenant's id, in order: the tenants a command run on all of them goes through. */
export async function listTenantIds(db: Kysely<DB>): Promise<string[]> {
  const rows = await db.selectFrom('tenant').select('tenant_id').orderBy('tenant_id').execute();
  return rows.map((t) => t.tenant_id);
}

/**
 * Takes the lock under which a first tenant is created on an empty database, held until the
 * transaction ends: two processes starting at once must not both create one.
 */
export async function lockFirstTenantCreation(trx: Kysely<DB>): Promise<void> {
  await sql`select pg_advisory_xact_lock(7391004222)`.execute(trx);
}

/** `work` in a transaction: `db`'s own when it is one, else a new one. */
function atomically<T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/**
 * Stores `key` (generated when omitted) for the tenant; returns the key, shown once. The audit log
 * records who created it (`actor`, default the command line).
 */
export async function createApiKey(
  db: Kysely<DB>,
  input: {
    tenantId: string;
    name: string;
    scopes: Scope[];
    key?: string;
    expiresAt?: Date;
    actor?: AuditActor;
  },
): Promise<{ key: string; keyId: string }> {
  const generated =
    input.key === undefined ? generateKey() : { key: input.key, keyId: keyIdOf(input.key) };
  await atomically(db, async (trx) => {
    await trx
      .insertInto('api_key')
      .values({
        tenant_id: input.tenantId,
        key_id: generated.keyId,
        key_hash: hashKey(generated.key),
        name: input.name,
        scopes: input.scopes,
        expires_at: input.expiresAt ?? null,
      })
      .execute();
    await insertAudit(trx, {
      tenantId: input.tenantId,
      actor: input.actor ?? { kind: 'cli' },
      action: 'key.created',
      target: generated.keyId,
      details: {
        name: input.name,
        scopes: input.scopes,
        expires_at: input.expiresAt?.toISOString() ?? null,
      },
    });
  });
  return generated;
}

/**
 * The identity of a live key (not revoked, not expired at `now`): the rows with the key's public
 * prefix, then the stored hash compared with the presented key's in constant time.
 */
export async function findApiKey(
  db: Kysely<DB>,
  key: string,
  now: Date = new Date(),
): Promise<ApiKeyIdentity | undefined> {
  const rows = await db
    .selectFrom('api_key')
    .select(['tenant_id', 'key_id', 'key_hash', 'name', 'scopes', 'expires_at', 'last_used_at'])
    .where('key_id', '=', keyIdOf(key))
    .where('revoked_at', 'is', null)
    .execute();
  const presented = hashKey(key);
  let found: (typeof rows)[number] | undefined;
  for (const row of rows) {
    const stored = Buffer.from(row.key_hash);
    if (stored.length === presented.length && timingSafeEqual(stored, presented)) found = row;
  }
  if (found === undefined) return undefined;
  if (found.expires_at !== null && found.expires_at.getTime() <= now.getTime()) return undefined;
  return {
    tenantId: found.tenant_id,
    keyId: found.key_id,
    name: found.name,
    scopes: found.scopes.filter(isScope),
    lastUsedAt: found.last_used_at,
  };
}

/** Records that the key was used at `now`. */
export async function touchApiKey(
  db: Kysely<DB>,
  identity: Pick<ApiKeyIdentity, 'tenantId' | 'keyId'>,
  now: Date,
): Promise<void> {
  await db
    .updateTable('api_key')
    .set({ last_used_at: now })
    .where('tenant_id', '=', identity.tenantId)
    .where('key_id', '=', identity.keyId)
    .execute();
}

export async function listApiKeys(db: Kysely<DB>, tenantId?: string): Promise<ApiKeyInfo[]> {
  let query = db
    .selectFrom('api_key')
    .select([
      'tenant_id',
      'key_id',
      'name',
      'scopes',
      'created_at',
      'revoked_at',
      'expires_at',
      'last_used_at',
    ])
    .orderBy('created_at');
  if (tenantId) query = query.where('tenant_id', '=', tenantId);
  return query.execute();
}

/** Revokes by key id; returns how many keys were revoked (each one recorded in the audit log). */
export async function revokeApiKey(
  db: Kysely<DB>,
  keyId: string,
  tenantId?: string,
  actor: AuditActor = { kind: 'cli' },
): Promise<number> {
  return atomically(db, async (trx) => {
    let query = trx
      .updateTable('api_key')
      .set({ revoked_at: new Date() })
      .where('key_id', '=', keyId)
      .where('revoked_at', 'is', null);
    if (tenantId) query = query.where('tenant_id', '=', tenantId);
    const revoked = await query.returning('tenant_id').execute();
    for (const row of revoked) {
      await insertAudit(trx, {
        tenantId: row.tenant_id,
        actor,
        action: 'key.revoked',
        target: keyId,
      });
    }
    return revoked.length;
  });
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function hasScope(granted: readonly Scope[], needed: Scope): boolean {
  return granted.includes('admin') || granted.includes(needed);
}

export interface TenantSettings {
  tenant_id: string;
  name: string;
  timezone: string;
  default_calendar_id: string;
}

export type TenantSettingsChange = Partial<
  Pick<TenantSettings, 'name' | 'timezone' | 'default_calendar_id'>
>;

export async function findTenantSettings(
  db: Kysely<DB>,
  tenantId: string,
): Promise<TenantSettings> {
  return db
    .selectFrom('tenant')
    .select(['tenant_id', 'name', 'timezone', 'default_calendar_id'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
}

/**
 * Changes tenant settings under the configuration lock (and a row lock, then uncontended);
 * returns the default calendar before the change, so the caller can tell whether the fold's
 * configuration changed.
 */
export async function updateTenantSettings(
  trx: Kysely<DB>,
  tenantId: string,
  change: TenantSettingsChange,
): Promise<{ previousDefaultCalendarId: string }> {
  await lockTenantConfig(trx, tenantId, 'exclusive');
  const before = await trx
    .selectFrom('tenant')
    .select('default_calendar_id')
    .where('tenant_id', '=', tenantId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  await trx.updateTable('tenant').set(change).where('tenant_id', '=', tenantId).execute();
  return { previousDefaultCalendarId: before.default_calendar_id };
}

/**
 * The tenant's configuration lock, a transaction-level advisory lock: ingest holds it shared, a
 * configuration change exclusively, so a change waits for the ingests in flight and the ingests
 * after it fold with the new configuration. Not a row lock on `tenant`: on Citus that is a
 * reference table, whose row locks are taken on every node's copy, and concurrent ingests
 * deadlocked on them. An advisory lock is taken where the statement runs, on the coordinator.
 */
export async function lockTenantConfig(
  db: Kysely<DB>,
  tenantId: string,
  mode: 'shared' | 'exclusive',
): Promise<void> {
  const lock = mode === 'shared' ? sql`pg_advisory_xact_lock_shared` : sql`pg_advisory_xact_lock`;
  await sql`select ${lock}(${TENANT_CONFIG_LOCK}, hashtext(${tenantId}))`.execute(db);
}

/** The advisory lock class of {@link lockTenantConfig} (its second key is the tenant's hash). */
const TENANT_CONFIG_LOCK = 739_100;

/**
 * The tenant's configuration revision and default calendar. `share` first takes the
 * configuration lock shared ({@link lockTenantConfig}): a configuration change waits for the
 * caller's transaction.
 */
export async function readConfigRevision(
  db: Kysely<DB>,
  tenantId: string,
  share: boolean,
): Promise<{ revision: number; defaultCalendarId: string } | undefined> {
  if (share) await lockTenantConfig(db, tenantId, 'shared');
  const { rows } = await sql<{ config_revision: string | number; default_calendar_id: string }>`
    select config_revision, default_calendar_id from tenant
    where tenant_id = ${tenantId}::uuid`.execute(db);
  const row = rows[0];
  return (
    row && {
      revision: Number(row.config_revision),
      defaultCalendarId: row.default_calendar_id,
    }
  );
}

/** Marks a configuration change: ingest's cached fold context for the tenant becomes stale. */
export async function bumpConfigRevision(db: Kysely<DB>, tenantId: string): Promise<void> {
  await lockTenantConfig(db, tenantId, 'exclusive');
  await sql`update tenant set config_revision = config_revision + 1 where tenant_id = ${tenantId}::uuid`.execute(
    db,
  );
}
