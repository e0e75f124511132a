/**
 * `verify` of every bench tenant after an ingest run: each ticket and rollup recomputed from the
 * stored events and compared with what ingest stored. Prints each tenant's difference count (and
 * the first few differences); all must be 0.
 */
import { verifyTenant } from '../../src/ingest/rebuild.js';
import { createServices } from '../../src/services.js';
import { openDatabase } from '../../src/storage/database.js';

export async function verifyTenants(
  url: string,
  tenants: ReadonlyArray<{ tenantId: string }>,
  log: (line: string) => void,
): Promise<number[]> {
  const database = await openDatabase({ url, poolSize: 2 });
  try {
    const contexts = createServices(database.db).contexts;
    const counts: number[] = [];
    for (const [i, tenant] of tenants.entries()) {
      const started = performance.now();
      const diffs = await verifyTenant(database.db, tenant.tenantId, contexts);
      for (const d of diffs.slice(0, 5))
        log(
          `    DIFF ${d.ticket_id ?? ''} ${d.what}\n      stored:   ${d.stored.slice(0, 300)}\n      expected: ${d.expected.slice(0, 300)}`,
        );
      const took = ((performance.now() - started) / 1000).toFixed(1);
      log(
        `  verify tenant ${i + 1} of ${tenants.length} (${tenant.tenantId}): ${diffs.length} difference(s) (${took} s)`,
      );
      counts.push(diffs.length);
    }
    return counts;
  } finally {
    await database.close();
  }
}
