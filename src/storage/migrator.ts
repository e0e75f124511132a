/**
 * Forward-only SQL migrations from `migrations/NNNN_name.sql`. Each file runs in its own
 * transaction and is recorded with a checksum: an applied migration is frozen, so a changed file
 * is an error rather than a silently diverging schema. A transaction-level advisory lock lets
 * several processes start against one server at once.
 */
import { sql, type Kysely } from 'kysely';
import { loadMigrations, MIGRATIONS_DIR, splitStatements } from './migration-files.js';
import type { DB } from './schema.js';

export { loadMigrations, MIGRATIONS_DIR, type Migration } from './migration-files.js';

const LOCK_KEY = 7_391_004_221;

async function ensureLedger(db: Kysely<DB>): Promise<void> {
  await sql`create table if not exists schema_migration (
    name text primary key,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`.execute(db);
}

/** Applies every pending migration; returns the names applied. */
export async function migrate(db: Kysely<DB>, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await loadMigrations(dir);
  await ensureLedger(db);
  const applied: string[] = [];
  for (const migration of migrations) {
    const ran = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
      const done = await trx
        .selectFrom('schema_migration')
        .select('checksum')
        .where('name', '=', migration.name)
        .executeTakeFirst();
      if (done) {
        if (done.checksum !== migration.checksum) {
          throw new Error(`migration ${migration.name} changed after it was applied`);
        }
        return false;
      }
      for (const statement of splitStatements(migration.sql)) {
        await sql.raw(statement).execute(trx);
      }
      await trx
        .insertInto('schema_migration')
        .values({ name: migration.name, checksum: migration.checksum })
        .execute();
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  return applied;
}

/** Migrations on disk that the database has not applied (readiness). */
export async function pendingMigrations(db: Kysely<DB>, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await loadMigrations(dir);
  const rows = await sql<{ name: string }>`
    select name from schema_migration`
    .execute(db)
    .then((r) => r.rows)
    .catch(() => [] as Array<{ name: string }>);
  const done = new Set(rows.map((r) => r.name));
  return migrations.filter((m) => !done.has(m.name)).map((m) => m.name);
}
