/**
 * Background recomputation after a configuration change (metrics.md: versions never rewrite the
 * past unless effective_from says so; api.md: GET /v1/jobs/{job_id}). A job walks the affected
 * tickets in ticket_id order, a batch per transaction: each ticket is refolded from its events
 * with the new configuration and its rollup contributions replaced in the same transaction, so
 * no figure is ever half-updated, and ingest keeps running (both lock the tickets they touch).
 * The cursor is stored, so a restarted process resumes where it stopped.
 */
import type { Kysely } from 'kysely';
import type { DataChange, DataChangeListener } from '../core/aggregate/index.js';
import type { TicketEvent } from '../core/events.js';
import {
  createRecomputeJob,
  findRecomputeJob,
  lockRecomputeJob,
  markRecomputeJobFailed,
  nextPendingRecomputeJob,
  nextRecomputeBatch,
  recordRecomputeBatch,
  type RecomputeScope,
} from '../storage/recompute-job.repository.js';
import type { DB } from '../storage/schema.js';
import type { FoldContextProvider } from '../tenant-config/fold-context.js';
import type { RecomputeQueue } from '../tenant-config/config-deps.js';
import { updateTickets } from './fold-step.js';

export interface JobView {
  job_id: string;
  reason: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  total: number;
  done: number;
  progress: number;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export class RecomputeJobs implements RecomputeQueue {
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly contexts: FoldContextProvider,
    private readonly batchSize = 250,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly listener?: DataChangeListener,
  ) {}

  /** Records a job (in the caller's transaction); call `kick()` after it commits. */
  async create(
    trx: Kysely<DB>,
    tenantId: string,
    reason: string,
    scope: RecomputeScope,
  ): Promise<string> {
    return createRecomputeJob(trx, tenantId, reason, scope);
  }

  async get(tenantId: string, jobId: string): Promise<JobView | undefined> {
    const row = await findRecomputeJob(this.db, tenantId, jobId);
    if (!row) return undefined;
    return {
      job_id: row.job_id,
      reason: row.reason,
      status: row.status as JobView['status'],
      total: row.total,
      done: row.done,
      progress: row.total === 0 ? 1 : Math.min(1, row.done / row.total),
      error: row.error,
      created_at: row.created_at.toISOString(),
      started_at: row.started_at?.toISOString() ?? null,
      finished_at: row.finished_at?.toISOString() ?? null,
    };
  }

  /** Starts working through pending jobs in the background (no-op when already working). */
  kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.drain()
      .catch(this.onError)
      .finally(() => (this.running = undefined));
  }

  /** Works until no job is pending (tests, CLI, shutdown). */
  async runUntilIdle(): Promise<void> {
    this.kick();
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const next = await nextPendingRecomputeJob(this.db);
      if (!next) return;
      try {
        await this.step(next.tenant_id, next.job_id);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await markRecomputeJobFailed(this.db, next.tenant_id, next.job_id, message);
        this.onError(error);
      }
    }
  }

  /** One batch of one job, in one transaction. */
  private async step(tenantId: string, jobId: string): Promise<void> {
    let change: DataChange | undefined;
    await this.db.transaction().execute(async (trx) => {
      const job = await lockRecomputeJob(trx, tenantId, jobId);
      if (job.status !== 'queued' && job.status !== 'running') return;
      const ids = await nextRecomputeBatch(trx, job, this.batchSize);
      if (ids.length > 0) {
        const context = await this.contexts.forUpdate(trx, tenantId);
        const stats = await updateTickets(
          trx,
          tenantId,
          new Map(ids.map((id) => [id, [] as TicketEvent[]])),
          context,
          { refold: true },
        );
        change = stats.change;
      }
      await recordRecomputeBatch(trx, job, ids.length, ids.at(-1), ids.length < this.batchSize);
    });
    if (change !== undefined) this.listener?.changed(tenantId, change);
  }
}
