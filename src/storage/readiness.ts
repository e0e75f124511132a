/** Whether the database can serve requests (api.md, `/readyz`): it answers, and is fully migrated. */
import { sql, type Kysely } from 'kysely';
import { pendingMigrations } from './migrator.js';
import type { DB } from './schema.js';

export interface DatabaseReadiness {
  reachable: boolean;
  /** Migrations on disk the database has not applied; empty when it is unreachable. */
  pendingMigrations: string[];
}

export async function databaseReadiness(db: Kysely<DB>): Promise<DatabaseReadiness> {
  try {
    await sql`select 1`.execute(db);
  } catch {
    return { reachable: false, pendingMigrations: [] };
  }
  return { reachable: true, pendingMigrations: await pendingMigrations(db) };
}
