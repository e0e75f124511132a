/**
 * Opens the one database deskmetrics runs on: a PostgreSQL server (`DATABASE_URL`) through a
 * node-postgres pool, or the embedded PGlite kept in a data directory. Both are driven by the same
 * Kysely queries and the same migrations; `copyRows` is the only capability that differs (COPY is
 * streamed over the wire protocol only on a server).
 */
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { mkdir } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { lockDataDir, type LockOwner } from './data-dir-lock.js';
import { PGliteDialect } from './pglite-dialect.js';
import { copyPGliteTemplate } from './pglite-template.js';
import type { DB } from './schema.js';

export type DatabaseKind = 'postgres' | 'pglite';

/** Streams COPY text (`copy … from stdin`) inside the current transaction. */
export type CopyIn = (statement: string, text: string) => Promise<void>;

export interface Transaction {
  db: Kysely<DB>;
  /** Present on a server: the bulk path. The embedded database has no COPY over the wire. */
  copyIn?: CopyIn;
}

/**
 * One connection held for a long read (a report): Kysely on it, and on a server a COPY TO
 * stream. `release(true)` drops the connection, which ends a statement still running on it.
 */
export interface ReservedConnection {
  db: Kysely<DB>;
  copyOut?: (statement: string) => NodeJS.ReadableStream & AsyncIterable<Buffer>;
  release(destroy?: boolean): void;
}

export interface Database {
  kind: DatabaseKind;
  db: Kysely<DB>;
  /** The server pool, for COPY and LISTEN; absent on the embedded database. */
  pool?: pg.Pool;
  /** Runs `work` in one transaction, with COPY available on a server. */
  transaction: <T>(work: (tx: Transaction) => Promise<T>) => Promise<T>;
  /** Holds one connection until released (on the embedded database: its only one). */
  reserve: () => Promise<ReservedConnection>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL connection string; without it, PGlite at `dataDir` (or in memory when `dataDir` is undefined). */
  url?: string | undefined;
  /** Created when missing. */
  dataDir?: string | undefined;
  /** Locks `dataDir` for this process while open (data-dir-lock.ts); the service and CLI pass it. */
  lockOwner?: LockOwner;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10);
  if (options.dataDir === undefined) return openPGlite(undefined);
  await mkdir(options.dataDir, { recursive: true });
  const release = options.lockOwner && (await lockDataDir(options.dataDir, options.lockOwner));
  try {
    const database = await openPGlite(options.dataDir);
    if (!release) return database;
    return { ...database, close: () => database.close().finally(release) };
  } catch (error) {
    await release?.();
    throw error;
  }
}

/** A pool of one already-acquired client, so Kysely queries run inside our transaction. */
function singleClientPool(client: pg.PoolClient) {
  const shared = { query: client.query.bind(client), release: () => undefined };
  return { connect: async () => shared, end: async () => undefined };
}

async function copyText(client: pg.PoolClient, statement: string, text: string): Promise<void> {
  const sink = client.query(copyFrom(statement));
  await pipeline(Readable.from([text]), sink);
}

/** BEGIN … COMMIT on one pooled client: Kysely and COPY share the transaction. */
async function serverTransaction<T>(
  pool: pg.Pool,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const db = new Kysely<DB>({
      dialect: new PostgresDialect({ pool: singleClientPool(client) }),
    });
    const result = await work({
      db,
      copyIn: (statement, text) => copyText(client, statement, text),
    });
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * A report or export read (a reserved connection) is cancelled by PostgreSQL after this long: a
 * slow report, or a client that stops reading one, cannot hold a connection forever.
 */
export const REPORT_STATEMENT_TIMEOUT_MS = 300_000;

/** How long a request waits for a connection (a database gone away, or every one busy). */
export const CONNECT_TIMEOUT_MS = 10_000;

function openPostgres(url: string, poolSize: number): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor a connection dropped while checked out (the database gone away mid-query): node-postgres
  // emits 'error' on the client, which without a listener is an uncaught exception. The query in
  // flight still rejects, and the request answers 503 (http/unavailable.ts).
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    pool,
    transaction: (work) => serverTransaction(pool, work),
    reserve: async () => {
      const client = await pool.connect();
      try {
        await client.query(`set statement_timeout = ${REPORT_STATEMENT_TIMEOUT_MS}`);
      } catch (error) {
        client.release(true);
        throw error;
      }
      return {
        db: new Kysely<DB>({ dialect: new PostgresDialect({ pool: singleClientPool(client) }) }),
        copyOut: (statement) => client.query(copyTo(statement)),
        release: (destroy) => {
          if (destroy === true) return client.release(true);
          // Queued before the client goes back: its next user finds the pool's default.
          client.query('reset statement_timeout').catch(() => undefined);
          client.release();
        },
      };
    },
    close: () => db.destroy(),
  };
}

async function openPGlite(dataDir: string | undefined): Promise<Database> {
  if (dataDir !== undefined) await copyPGliteTemplate(dataDir);
  const pglite = await PGlite.create(dataDir, { extensions: { btree_gist } });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return {
    kind: 'pglite',
    db,
    transaction: (work) => db.transaction().execute((trx) => work({ db: trx })),
    reserve: () => reserveConnection(db),
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}

/** Holds a Kysely connection (PGlite's only one) until `release()`; no COPY on it. */
export function reserveConnection(db: Kysely<DB>): Promise<ReservedConnection> {
  return new Promise<ReservedConnection>((resolve, reject) => {
    db.connection()
      .execute(async (conn) => {
        let release: () => void = () => undefined;
        const released = new Promise<void>((r) => (release = r));
        resolve({ db: conn, release: () => release() });
        await released;
      })
      .catch((error: unknown) => reject(error instanceof Error ? error : new Error(String(error))));
  });
}
