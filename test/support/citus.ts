/**
 * Test databases on a Citus cluster (TEST_DATABASE_URL pointing at a coordinator, as the kit's
 * `citus-cluster start` prints). A cluster cannot clone a template database — the workers hold
 * the shards — so each test file gets a new distributed database, made the way the kit's README
 * shows, migrated (migration 0016 distributes the tables), and dropped from every node when the
 * file closes it: each database keeps a maintenance process per node.
 */
import pg from 'pg';

export interface CitusNode {
  host: string;
  port: number;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function nodeUrl(url: string, node: CitusNode, database: string): string {
  const u = new URL(withDatabase(url, database));
  u.hostname = node.host;
  u.port = String(node.port);
  return u.toString();
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The workers of the coordinator at `url`, or undefined when it is not a Citus coordinator. */
export async function citusWorkers(url: string): Promise<CitusNode[] | undefined> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from pg_extension where extname = 'citus'`,
    );
    if (Number(rows[0]!.n) === 0) return undefined;
    const workers = await client.query<{ node_name: string; node_port: string }>(
      'select node_name, node_port from citus_get_active_worker_nodes() order by node_port',
    );
    // node_port is a bigint: pg reads it as a string.
    return workers.rows.map((w) => ({ host: w.node_name, port: Number(w.node_port) }));
  });
}

/**
 * A new database on every node with the citus extension and the workers registered; tables are
 * split in `shardCount` shards: 4 for tests (the default 32 makes DDL and TRUNCATE slow for
 * nothing there); the benchmarks pass Citus's default, 32, as a deployment runs.
 */
export async function createCitusDatabase(
  url: string,
  name: string,
  workers: readonly CitusNode[],
  shardCount = 4,
): Promise<string> {
  const coordinator = { host: new URL(url).hostname, port: Number(new URL(url).port || 5432) };
  await withClient(url, async (client) => {
    await client.query('set citus.enable_create_database_propagation = on');
    await client.query(`create database ${name}`);
  });
  await Promise.all(
    [coordinator, ...workers].map((node) =>
      withClient(nodeUrl(url, node, name), (client) => client.query('create extension citus')),
    ),
  );
  const databaseUrl = withDatabase(url, name);
  await withClient(databaseUrl, async (client) => {
    await client.query('select citus_set_coordinator_host($1, $2)', [
      coordinator.host,
      coordinator.port,
    ]);
    for (const worker of workers) {
      await client.query('select citus_add_node($1, $2)', [worker.host, worker.port]);
    }
    await client.query(`alter database ${name} set citus.shard_count = ${Math.trunc(shardCount)}`);
  });
  return databaseUrl;
}

/**
 * Drops the database from the coordinator and every worker. A worker's maintenance process may
 * still be connected to it for a moment ("being accessed by other users"): tried again then.
 */
export async function dropCitusDatabase(url: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withClient(url, async (client) => {
        await client.query('set citus.enable_create_database_propagation = on');
        await client.query(`drop database if exists ${name} with (force)`);
      });
      return;
    } catch (error) {
      if (attempt >= 5 || (error as { code?: string }).code !== '55006') throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}
