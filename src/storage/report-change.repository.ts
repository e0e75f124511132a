/**
 * The journal incremental kpi-daily pulls read (migration 0013): which rollup keys each writing
 * transaction changed.
 */
import { sql, type Kysely } from 'kysely';
import type { Contribution } from '../core/aggregate/index.js';
import { hasNonZero } from './rollup.repository.js';
import type { DB } from './schema.js';
import { insertValues, type ValuesColumn } from './values-rows.js';

/** report_rollup_change's columns as sent: the bucket as epoch ms. */
const CHANGE_COLUMNS: readonly ValuesColumn[] = [
  'uuid',
  (ms) => sql`to_timestamp(${ms}::float8 / 1000.0)`,
  'text',
  'text',
  'text',
];

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
  const keys: Array<[number, string, string, string]> = [];
  for (const c of deltas) {
    if (!hasNonZero(c)) continue;
    const d = c.dims as { team?: string | null; priority?: string | null; channel?: string | null };
    const team = d.team ?? '';
    const priority = d.priority ?? '';
    const channel = d.channel ?? '';
    const key = `${c.bucket}\u0000${team}\u0000${priority}\u0000${channel}`;
    if (seen.has(key)) continue;
    seen.add(key);
    keys.push([c.bucket, team, priority, channel]);
  }
  if (keys.length === 0) return;
  await insertValues(
    db,
    keys,
    CHANGE_COLUMNS,
    (k) => [tenantId, ...k],
    (values) => sql`
      insert into report_rollup_change (tenant_id, bucket, team, priority, channel)
      values ${values}`,
  );
}
