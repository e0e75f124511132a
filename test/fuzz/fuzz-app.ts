/**
 * An app on a fresh database for `npm run fuzz` (outside vitest, whose test database setup it
 * cannot use): a new database on the server of TEST_DATABASE_URL or DATABASE_URL, dropped at
 * the end, or else PGlite in a temporary directory, removed at the end. Like createTestApp, it
 * makes a tenant with a key of every scope.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrator.js';
import {
  createApiKey,
  createTenant,
  SCOPES,
  type Scope,
} from '../../src/storage/tenant.repository.js';
import { FUZZ_NOW, type FuzzTarget } from './fixture.js';
import { serverLog } from './server-log.js';

export interface FuzzApp extends FuzzTarget {
  /** Where the data lives, for the progress lines. */
  label: string;
  drainLog: () => string[];
  close: () => Promise<void>;
}

interface FreshDatabase {
  database: Database;
  label: string;
  /** Removes the database (and its directory). */
  drop: () => Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function serverDatabase(url: string): Promise<FreshDatabase> {
  const name = `dm_fuzz_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ url: withDatabase(url, name) });
  const drop = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`drop database if exists ${name} with (force)`);
    } finally {
      await client.end();
    }
  };
  const server = new URL(url);
  return { database, label: `PostgreSQL ${server.host}, database ${name}`, drop };
}

async function embeddedDatabase(): Promise<{
  database: Database;
  label: string;
  drop(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'deskmetrics-fuzz-'));
  const database = await openDatabase({ dataDir: dir });
  return {
    database,
    label: `PGlite in ${dir}`,
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function createFuzzApp(
  url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL,
): Promise<FuzzApp> {
  const { database, label, drop } = url ? await serverDatabase(url) : await embeddedDatabase();
  const log = serverLog();
  try {
    await migrate(database.db);
    const app = await buildApp({
      db: database.db,
      transaction: database.transaction,
      reserve: database.reserve,
      now: () => FUZZ_NOW,
      logger: log.logger,
      // As in the API tests: thousands of requests a minute with one key, and no rate limit.
      protection: { rateLimitReads: 0, rateLimitWrites: 0, exportsPerTenant: 0 },
    });
    const tenantId = await createTenant(database.db, 'fuzz');
    const keys = {} as Record<Scope, string>;
    for (const scope of SCOPES) {
      keys[scope] = (
        await createApiKey(database.db, { tenantId, name: scope, scopes: [scope] })
      ).key;
    }
    return {
      app,
      keys,
      label,
      drainLog: log.drain,
      close: async () => {
        await app.close();
        await database.close();
        await drop();
      },
    };
  } catch (error) {
    await database.close();
    await drop();
    throw error;
  }
}
