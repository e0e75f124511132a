/**
 * Keeps the rollup ledgers (storage/rollup.repository.ts) from growing without bound: after ingest
 * has appended, for a tenant, more rows than its ledger held after the last compaction (and at
 * least `minRows`), the tenant's rollups are compacted in the background, in their own
 * transaction. The ledger at most doubles between compactions, so the work per appended row stays
 * constant however large the tenant grows. One compaction runs at a time per process.
 *
 * The counts live in memory: after a restart the first compaction waits for `minRows` appended
 * rows. A compaction is only ever an optimisation of reads; the sums are the same either way.
 */
import type { Kysely } from 'kysely';
import type { DataChangeListener } from '../core/aggregate/index.js';
import { compactRollups } from '../storage/rollup.repository.js';
import type { DB } from '../storage/schema.js';

interface TenantLedger {
  /** Rows appended since the last compaction started. */
  appended: number;
  /** Rows the ledger held after the last compaction (0: unknown). */
  compacted: number;
}

export class RollupCompactor {
  private readonly tenants = new Map<string, TenantLedger>();
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly minRows: number,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly listener?: DataChangeListener,
  ) {}

  /** Records rows appended (by a committed or still open transaction) and compacts when due. */
  appended(tenantId: string, rows: number): void {
    if (this.minRows <= 0 || rows <= 0) return;
    const ledger = this.tenants.get(tenantId) ?? { appended: 0, compacted: 0 };
    ledger.appended += rows;
    this.tenants.set(tenantId, ledger);
    if (this.running === undefined && ledger.appended >= Math.max(this.minRows, ledger.compacted))
      this.running = this.compact(tenantId, ledger).finally(() => (this.running = undefined));
  }

  /** Resolves when no compaction is running (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private async compact(tenantId: string, ledger: TenantLedger): Promise<void> {
    ledger.appended = 0;
    try {
      const { after, version } = await compactRollups(this.db, tenantId);
      ledger.compacted = after;
      // A compaction changes no sum: the version moves on with nothing to apply.
      this.listener?.changed(tenantId, {
        first: version,
        last: version,
        rows: [],
        tickets: new Map(),
      });
    } catch (error) {
      this.onError(error);
    }
  }
}
