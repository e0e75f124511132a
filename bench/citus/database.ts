/**
 * The benchmarks' databases on a single PostgreSQL server or on a Citus coordinator, told apart
 * by the `citus` extension in the URL's database. On Citus a fresh database is made as the test
 * suite makes one (test/support/citus.ts): on every node, the extension in each, the workers
 * registered; with Citus's default 32 shards a table, as a deployment runs (docs/citus.md,
 * "Choosing the shard count"), not the tests' 4. Migration 0016 distributes the tables.
 */
import pg from 'pg';
import {
  citusWorkers,
  createCitusDatabase,
  dropCitusDatabase,
  type CitusNode,
} from '../../test/support/citus.js';

export const SHARD_COUNT = 32;

/** A mistake the user can fix (a wrong URL, a server down): printed as one sentence. */
export class BenchError extends Error {}

export interface Server {
  /** The URL given (its database is where the extension is looked for). */
  url: string;
  /** Citus workers when the URL is a Citus coordinator, else undefined. */
  workers: CitusNode[] | undefined;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Reaches the server and tells a Citus coordinator (with its workers) from a plain server. */
export async function probeServer(url: string, option = '--database-url'): Promise<Server> {
  try {
    const u = new URL(url);
    if (!/^postgres(ql)?:$/.test(u.protocol)) throw new Error();
  } catch {
    throw new BenchError(`${option} must be a postgres:// URL, not "${url}"`);
  }
  let workers: CitusNode[] | undefined;
  try {
    workers = await citusWorkers(url);
  } catch (error) {
    throw new BenchError(
      `cannot reach PostgreSQL at ${url} (${(error as Error).message}); start it or pass ${option}`,
    );
  }
  if (workers !== undefined && workers.length === 0) {
    throw new BenchError(`${url} has the citus extension but no active workers`);
  }
  return { url, workers };
}

/** Drops `name` (from every node on Citus), if it exists. */
export async function dropBenchDatabase(server: Server, name: string): Promise<void> {
  if (server.workers !== undefined) return dropCitusDatabase(server.url, name);
  await withClient(server.url, (c) => c.query(`drop database if exists ${name} with (force)`));
}

/** Creates `name` (distributed on Citus, 32 shards a table) and returns its URL. */
export async function createBenchDatabase(server: Server, name: string): Promise<string> {
  if (server.workers !== undefined) {
    return createCitusDatabase(server.url, name, server.workers, SHARD_COUNT);
  }
  await withClient(server.url, (c) => c.query(`create database ${name}`));
  return withDatabase(server.url, name);
}

/** The nodes whose PostgreSQL processes are measured: the server, or coordinator + workers. */
export function nodesOf(server: Server): Array<{ label: string; url: string }> {
  if (server.workers === undefined) return [{ label: 'PostgreSQL', url: server.url }];
  const at = (node: CitusNode) => {
    const u = new URL(server.url);
    u.hostname = node.host;
    u.port = String(node.port);
    return u.toString();
  };
  return [
    { label: 'coordinator', url: server.url },
    ...server.workers.map((w, i) => ({ label: `worker ${i + 1}`, url: at(w) })),
  ];
}
