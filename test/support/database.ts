/**
 * A fresh, migrated database for one test file: a clone of the run's template on a server, or
 * an in-memory PGlite. Call in beforeAll; close in afterAll.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrator.js';
import { createCitusDatabase, dropCitusDatabase } from './citus.js';

export interface TestDatabase extends Database {
  /** The connection string, when the test database is a server (child processes can use it). */
  url?: string;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A new empty database (server: cloned from the migrated template). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const config = inject('testDatabase');
  if (config.mode === 'pglite') {
    const database = await openDatabase({});
    await migrate(database.db);
    return database;
  }
  const name = `${config.prefix}_${randomBytes(4).toString('hex')}`;
  if (config.mode === 'citus') {
    const url = await createCitusDatabase(config.url, name, config.workers);
    const database = await openDatabase({ url });
    await migrate(database.db);
    const close = () => database.close().finally(() => dropCitusDatabase(config.url, name));
    return { ...database, url, close };
  }
  const admin = new pg.Client({ connectionString: config.url });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${config.template}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(config.url, name);
  const database = await openDatabase({ url });
  return { ...database, url };
}
