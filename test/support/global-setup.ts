/**
 * Chooses the test database once per run, in the order ARCHITECTURE.md fixes:
 * TEST_DATABASE_URL (a real server; CI sets it) → a PostgreSQL container when a Docker engine
 * answers → PGlite. For a server, a template database is migrated once and every test file
 * clones it (CREATE DATABASE … TEMPLATE), so files run in parallel on databases of their own.
 * A Citus coordinator cannot clone one (the workers hold the shards): each file makes its own
 * distributed database there (citus.ts).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrator.js';
import { citusWorkers, dropCitusDatabase, type CitusNode } from './citus.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase:
      | { mode: 'server'; url: string; template: string; prefix: string }
      | { mode: 'citus'; url: string; prefix: string; workers: CitusNode[] }
      | { mode: 'pglite' };
  }
}

async function dockerServer(): Promise<{ url: string; stop: () => Promise<unknown> } | undefined> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
  } catch {
    return undefined;
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:15-alpine').start();
  return { url: container.getConnectionUri(), stop: () => container.stop() };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export default async function setup(project: TestProject) {
  const container = process.env.TEST_DATABASE_URL ? undefined : await dockerServer();
  const url = process.env.TEST_DATABASE_URL ?? container?.url;
  if (!url) {
    project.provide('testDatabase', { mode: 'pglite' });
    return;
  }
  const prefix = `dm_test_${randomBytes(4).toString('hex')}`;
  const workers = await citusWorkers(url);
  if (workers !== undefined) {
    project.provide('testDatabase', { mode: 'citus', url, prefix, workers });
    // Each file drops its database when it closes it; a file that failed before then left its
    // database behind, with a maintenance process on every node.
    return async () => {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const { rows } = await admin.query<{ datname: string }>(
        'select datname from pg_database where datname like $1',
        [`${prefix}%`],
      );
      for (const { datname } of rows) await dropCitusDatabase(url, datname);
      await admin.end();
    };
  }
  const template = `${prefix}_template`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${template}`);
  const database = await openDatabase({ url: withDatabase(url, template), poolSize: 1 });
  await migrate(database.db);
  await database.close();
  project.provide('testDatabase', { mode: 'server', url, template, prefix });

  return async () => {
    const { rows } = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname like $1`,
      [`${prefix}%`],
    );
    for (const { datname } of rows)
      await admin.query(`drop database if exists ${datname} with (force)`);
    await admin.end();
    await container?.stop();
  };
}
