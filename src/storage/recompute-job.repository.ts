/**
 * Recomputation jobs (api.md: GET /v1/jobs/{job_id}). A job row is written in the transaction of
 * the configuration change that needs it, so a change is never stored without its job; the runner
 * (ingest/recompute-jobs.ts) then walks the job's tickets by a stored cursor, so a restarted
 * process resumes where it stopped.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, RecomputeJobTable } from './schema.js';

/** Which tickets a change can affect: all, those with activity at/after `from`, or created at/after it. */
export type RecomputeScope = { kind: 'all' } | { kind: 'activity' | 'created'; from: number };

export type RecomputeJobRow = Selectable<RecomputeJobTable>;

function scopeFilter(scope: string, from: Date | null) {
  if (scope === 'all' || from === null) return sql`true`;
  if (scope === 'created') return sql`t.created_at >= ${from}`;
  return sql`(t.last_occurred_at >= ${from} or t.status in ('new', 'open', 'pending', 'on_hold'))`;
}

/**
 * Records a job over the tickets `scope` selects, in the caller's transaction; returns its id.
 * A job with nothing to do is recorded as done, so its GET answers at once.
 */
export async function createRecomputeJob(
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

export async function findRecomputeJob(
  db: Kysely<DB>,
  tenantId: string,
  jobId: string,
): Promise<RecomputeJobRow | undefined> {
  return db
    .selectFrom('recompute_job')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('job_id', '=', jobId)
    .executeTakeFirst();
}

/** The oldest job not finished yet, of any tenant. */
export async function nextPendingRecomputeJob(
  db: Kysely<DB>,
): Promise<{ tenant_id: string; job_id: string } | undefined> {
  return db
    .selectFrom('recompute_job')
    .select(['tenant_id', 'job_id'])
    .where('status', 'in', ['queued', 'running'])
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
}

export async function markRecomputeJobFailed(
  db: Kysely<DB>,
  tenantId: string,
  jobId: string,
  error: string,
): Promise<void> {
  await db
    .updateTable('recompute_job')
    .set({ status: 'failed', error, finished_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('job_id', '=', jobId)
    .execute();
}

/** The job row, locked for the rest of the transaction: one batch of a job runs at a time. */
export async function lockRecomputeJob(
  trx: Kysely<DB>,
  tenantId: string,
  jobId: string,
): Promise<RecomputeJobRow> {
  return trx
    .selectFrom('recompute_job')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('job_id', '=', jobId)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** The job's next `limit` tickets after its cursor, in ticket_id order. */
export async function nextRecomputeBatch(
  trx: Kysely<DB>,
  job: RecomputeJobRow,
  limit: number,
): Promise<string[]> {
  const cursor = job.cursor === null ? sql`true` : sql`t.ticket_id > ${job.cursor}`;
  const { rows } = await sql<{ ticket_id: string }>`
    select t.ticket_id from ticket t
    where t.tenant_id = ${job.tenant_id}::uuid and ${cursor} and ${scopeFilter(job.scope, job.scope_from)}
    order by t.ticket_id limit ${limit}`.execute(trx);
  return rows.map((r) => r.ticket_id);
}

/** Advances the job past a batch of `count` tickets ending at `lastTicketId`. */
export async function recordRecomputeBatch(
  trx: Kysely<DB>,
  job: RecomputeJobRow,
  count: number,
  lastTicketId: string | undefined,
  finished: boolean,
): Promise<void> {
  await trx
    .updateTable('recompute_job')
    .set({
      status: finished ? 'done' : 'running',
      cursor: lastTicketId ?? job.cursor,
      done: Math.min(job.total, job.done + count),
      ...(job.started_at === null ? { started_at: new Date() } : {}),
      ...(finished ? { finished_at: new Date(), done: job.total } : {}),
    })
    .where('tenant_id', '=', job.tenant_id)
    .where('job_id', '=', job.job_id)
    .execute();
}
