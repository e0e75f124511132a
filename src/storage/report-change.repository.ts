/**
 * The journal incremental kpi-daily pulls read (migration 0013): which rollup keys each writing
 * transaction changed.
 */
import { sql, type Kysely } from 'kysely';
import type { Contribution } from '../core/aggregate/index.js';
import { hasNonZero } from './rollup.repository.js';
import type { DB } from './schema.js';

/**
 * Records which 15-minute buckets × team × priority × channel this transaction's rollup deltas
 * changed (the keys of kpi-daily rows), one row per distinct key.
 */
export async function recordRollupChanges(
  db: Kysely<DB>,
  tenantId: string,
  deltas: readonly Contribution[],
): Promise<void> {
  const seen = new Set<string>();
  const buckets: number[] = [];
  const teams: string[] = [];
  const priorities: string[] = [];
  const channels: string[] = [];
  for (const c of deltas) {
    if (!hasNonZero(c)) continue;
    const d = c.dims as { team?: string | null; priority?: string | null; channel?: string | null };
    const team = d.team ?? '';
    const priority = d.priority ?? '';
    const channel = d.channel ?? '';
    const key = `${c.bucket}\u0000${team}\u0000${priority}\u0000${channel}`;
    if (seen.has(key)) continue;
    seen.add(key);
    buckets.push(c.bucket);
    teams.push(team);
    priorities.push(priority);
    channels.push(channel);
  }
  if (buckets.length === 0) return;
  await sql`
    insert into report_rollup_change (tenant_id, bucket, team, priority, channel)
    select ${tenantId}::uuid, to_timestamp(x.b / 1000.0), x.team, x.priority, x.channel
    from unnest(${buckets}::float8[], ${teams}::text[], ${priorities}::text[], ${channels}::text[])
      as x(b, team, priority, channel)`.execute(db);
}
