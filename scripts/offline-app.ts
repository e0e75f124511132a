/**
 * The app built around a database handle that is never queried (route registration does no
 * I/O): what `npm run generate` and the drift test render the OpenAPI document from.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import type { DB } from '../src/storage/schema.js';

export async function buildOfflineApp() {
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ max: 1 }) }) });
  const app = await buildApp({ db });
  await app.ready();
  return { app, close: async () => Promise.all([app.close(), db.destroy()]) };
}
