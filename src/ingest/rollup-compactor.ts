/**
 * Keeps the rollup ledgers (storage/rollup.repository.ts) from growing without bound: after ingest
 * has appended, for a tenant, more rows than its ledger held after the last compaction (and at
 * least `minRows`), the tenant's rollups are compacted in the background, in their own
 * transaction. The ledger at most doubles between compactions, so the work per appended row stays
 * constant however large the tenant grows. One compaction runs at a time per process.
 *
 * The first compaction of a tenant in a process folds its whole ledger; later ones fold only the
 * buckets from the earliest one appended to since the last compaction started (live ingest
 * appends to recent buckets, a late event reaches back further), so that a compaction's length
 * follows the rows appended since the last one, not the tenant's history. Rows other writers
 * append before that bucket (a recomputation) wait for the next whole compaction: the next
 * process start, or `deskmetrics compact`.
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
  /** The earliest bucket of those rows (epoch ms); Infinity when unknown. */
  since: number;
  /** Rows the ledger (or, after a windowed compaction, its window) held after it (0: unknown). */
  compacted: number;
  /** Whether the tenant's whole ledger was compacted in this process. */
  whole: boolean;
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

  /**
   * Records rows appended (by a committed or still open transaction), the earliest of them in
   * bucket `earliest`, and compacts when due.
   */
  appended(tenantId: string, rows: number, earliest: number): void {
    if (this.minRows <= 0 || rows <= 0) return;
    const ledger = this.tenants.get(tenantId) ?? {
      appended: 0,
      since: Infinity,
      compacted: 0,
      whole: false,
    };
    ledger.appended += rows;
    ledger.since = Math.min(ledger.since, earliest);
    this.tenants.set(tenantId, ledger);
    if (this.running === undefined && ledger.appended >= Math.max(this.minRows, ledger.compacted))
      this.running = this.compact(tenantId, ledger).finally(() => (this.running = undefined));
  }

  /** Resolves when no compaction is running (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private async compact(tenantId: string, ledger: TenantLedger): Promise<void> {
    const since = ledger.whole && Number.isFinite(ledger.since) ? ledger.since : undefined;
    ledger.appended = 0;
    ledger.since = Infinity;
    try {
      const { after, version } = await compactRollups(
        this.db,
        tenantId,
        since === undefined ? {} : { since },
      );
      ledger.compacted = after;
      ledger.whole = true;
      // A compaction changes no sum: the version moves on with nothing to apply.
      this.listener?.changed(tenantId, {
        first: version,
        last: version,
        rows: [],
        tickets: new Map(),
      });
    } catch (error) {
      // The rows it did not fold may lie before the next one's window: fold everything next.
      ledger.whole = false;
      this.onError(error);
    }
  }
}
