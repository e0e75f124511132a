/**
 * The benchmarks' tenants: `n` tenants, each with its own admin API key (a key belongs to one
 * tenant), created in a migrated bench database before the service starts, so the service's
 * bootstrap finds them and creates none. Their ids are derived from their index, so runs are
 * repeatable; on Citus they are chosen so that the tenants take turns over the workers, each on a
 * shard group of its own ("8 tenants spread over the 2 workers"), instead of wherever random ids'
 * hashes would put them.
 */
import { createHash } from 'node:crypto';
import { openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrator.js';
import { createApiKey } from '../../src/storage/tenant.repository.js';
import { withClient } from './database.js';

export interface BenchTenant {
  index: number;
  tenantId: string;
  key: string;
  /** On Citus: where its ticket_event shard (and the shard group with it) lives. */
  placement?: Placement;
}

export interface Placement {
  shardId: string;
  node: string;
}

export const tenantName = (index: number) => `bench-tenant-${String(index).padStart(2, '0')}`;

/** A uuid (version 4 layout) from a hash of the tenant's index and attempt. */
function candidateId(index: number, attempt: number): string {
  const h = createHash('sha256').update(`deskmetrics-bench-tenant-${index}-${attempt}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Where a tenant's `ticket_event` shard is placed (Citus). */
export async function placementOf(url: string, tenantId: string): Promise<Placement> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ shardid: string; nodename: string; nodeport: number }>(
      `select p.shardid::text as shardid, p.nodename, p.nodeport
       from pg_dist_shard_placement p
       where p.shardid = get_shard_id_for_distribution_column('ticket_event', $1::uuid)`,
      [tenantId],
    );
    const row = rows[0]!;
    return { shardId: row.shardid, node: `${row.nodename}:${row.nodeport}` };
  });
}

/** Tenant `index`'s id: on Citus, the first candidate on worker `index % workers`, on a new shard. */
async function chooseId(
  url: string,
  index: number,
  workers: readonly string[] | undefined,
  usedShards: Set<string>,
): Promise<{ tenantId: string; placement?: Placement }> {
  if (workers === undefined) return { tenantId: candidateId(index, 0) };
  const wanted = workers[index % workers.length]!;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const tenantId = candidateId(index, attempt);
    const placement = await placementOf(url, tenantId);
    if (placement.node !== wanted || usedShards.has(placement.shardId)) continue;
    usedShards.add(placement.shardId);
    return { tenantId, placement };
  }
  throw new Error(`found no tenant id on a free shard of ${wanted}`);
}

/**
 * Migrates the database at `url` and creates `n` tenants with admin keys `keyOf(i)`. `workers`
 * (Citus: "host:port" of each worker) spreads them over the workers.
 */
export async function createBenchTenants(
  url: string,
  n: number,
  keyOf: (index: number) => string,
  workers?: readonly string[],
): Promise<BenchTenant[]> {
  const database = await openDatabase({ url, poolSize: 1 });
  try {
    await migrate(database.db);
    const tenants: BenchTenant[] = [];
    const usedShards = new Set<string>();
    for (let index = 0; index < n; index++) {
      const chosen = await chooseId(url, index, workers, usedShards);
      await database.db
        .insertInto('tenant')
        .values({ tenant_id: chosen.tenantId, name: tenantName(index) })
        .execute();
      const key = keyOf(index);
      await createApiKey(database.db, {
        tenantId: chosen.tenantId,
        name: 'bench admin',
        scopes: ['admin'],
        key,
        actor: { kind: 'system' },
      });
      tenants.push({ index, key, ...chosen });
    }
    return tenants;
  } finally {
    await database.close();
  }
}

/** The placement table printed after a run on Citus: tenant, shard, node, shard group's size. */
export async function describePlacements(
  url: string,
  tenants: readonly BenchTenant[],
): Promise<string[]> {
  return withClient(url, async (c) => {
    const lines = [
      'tenant                                shard    node              ticket_event shard',
    ];
    for (const t of tenants) {
      const { rows } = await c.query<{ shardid: string; node: string; size: string }>(
        `select shardid::text, nodename || ':' || nodeport as node, pg_size_pretty(shard_size) as size
         from citus_shards
         where shardid = get_shard_id_for_distribution_column('ticket_event', $1::uuid)`,
        [t.tenantId],
      );
      const r = rows[0];
      lines.push(
        `${t.tenantId}  ${(r?.shardid ?? '?').padEnd(7)}  ${(r?.node ?? '?').padEnd(16)}  ${r?.size ?? '?'}`,
      );
    }
    return lines;
  });
}
