/**
 * Background recomputation after a configuration change (metrics.md: versions never rewrite the
 * past unless effective_from says so; api.md: GET /v1/jobs/{job_id}). A job walks the affected
 * tickets in ticket_id order, a batch per transaction: each ticket is refolded from its events
 * with the new configuration and its rollup contributions replaced in the same transaction, so
 * no figure is ever half-updated, and ingest keeps running (both lock the tickets they touch).
 * The cursor is stored, so a restarted process resumes where it stopped.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { TicketEvent } from '../core/events.js';
import { updateTickets } from '../ingest/ticket-updater.js';
import type { DB } from '../storage/schema.js';
import type { FoldContextProvider } from './fold-context.js';

/** Which tickets a change can affect: all, those with activity at/after `from`, or created at/after it. */
export type RecomputeScope = { kind: 'all' } | { kind: 'activity' | 'created'; from: number };

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

function scopeFilter(scope: string, from: Date | null) {
  if (scope === 'all' || from === null) return sql`true`;
  if (scope === 'created') return sql`t.created_at >= ${from}`;
  return sql`(t.last_occurred_at >= ${from} or t.status in ('new', 'open', 'pending', 'on_hold'))`;
}

export class RecomputeJobs {
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly contexts: FoldContextProvider,
    private readonly batchSize = 250,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Records a job (in the caller's transaction); call `kick()` after it commits. */
  async create(
    trx: Kysely<DB>,
    tenantId: string,
    reason: string,
    scope: RecomputeScope,
  ): Promise<string> {
    const jobId = randomUUID();
    const from = scope.kind === 'all' ? null : new Date(scope.from);
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from ticket t where t.tenant_id = ${tenantId}::uuid and ${scopeFilter(scope.kind, from)}`.execute(
      trx,
    );
    const total = Number(rows[0]?.n ?? 0);
    await trx
      .insertInto('recompute_job')
      .values({
        tenant_id: tenantId,
        job_id: jobId,
        reason,
        status: total === 0 ? 'done' : 'queued',
        total,
        scope: scope.kind,
        scope_from: from,
        ...(total === 0 ? { finished_at: new Date() } : {}),
      })
      .execute();
    return jobId;
  }

  async get(tenantId: string, jobId: string): Promise<JobView | undefined> {
    const row = await this.db
      .selectFrom('recompute_job')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('job_id', '=', jobId)
      .executeTakeFirst();
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
      const next = await this.db
        .selectFrom('recompute_job')
        .select(['tenant_id', 'job_id'])
        .where('status', 'in', ['queued', 'running'])
        .orderBy('created_at')
        .executeTakeFirst();
      if (!next) return;
      try {
        await this.step(next.tenant_id, next.job_id);
      } catch (error) {
        await this.db
          .updateTable('recompute_job')
          .set({
            status: 'failed',
            error: error instanceof Error ? error.message : String(error),
            finished_at: new Date(),
          })
          .where('tenant_id', '=', next.tenant_id)
          .where('job_id', '=', next.job_id)
          .execute();
        this.onError(error);
      }
    }
  }

  /** One batch of one job, in one transaction. */
  private async step(tenantId: string, jobId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const job = await trx
        .selectFrom('recompute_job')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('job_id', '=', jobId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (job.status !== 'queued' && job.status !== 'running') return;
      const cursor = job.cursor === null ? sql`true` : sql`t.ticket_id > ${job.cursor}`;
      const { rows } = await sql<{ ticket_id: string }>`
        select t.ticket_id from ticket t
        where t.tenant_id = ${tenantId}::uuid and ${cursor} and ${scopeFilter(job.scope, job.scope_from)}
        order by t.ticket_id limit ${this.batchSize}`.execute(trx);
      const ids = rows.map((r) => r.ticket_id);
      if (ids.length > 0) {
        const context = await this.contexts.forUpdate(trx, tenantId);
        await updateTickets(
          trx,
          tenantId,
          new Map(ids.map((id) => [id, [] as TicketEvent[]])),
          context,
          { refold: true },
        );
      }
      const finished = ids.length < this.batchSize;
      await trx
        .updateTable('recompute_job')
        .set({
          status: finished ? 'done' : 'running',
          cursor: ids.at(-1) ?? job.cursor,
          done: Math.min(job.total, job.done + ids.length),
          ...(job.started_at === null ? { started_at: new Date() } : {}),
          ...(finished ? { finished_at: new Date(), done: job.total } : {}),
        })
        .where('tenant_id', '=', tenantId)
        .where('job_id', '=', jobId)
        .execute();
    });
  }
}
