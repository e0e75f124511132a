/**
 * What a configuration change runs with. Of the recomputation runner it needs only two things:
 * record a job in the change's transaction, and start work once that commits. The runner refolds
 * tickets, so it lives in ingest (ingest/recompute-jobs.ts), above tenant-config: this interface
 * lets tenant-config use it without importing upward.
 */
import type { Kysely } from 'kysely';
import type { RecomputeScope } from '../storage/recompute-job.repository.js';
import type { DB } from '../storage/schema.js';
import type { CalendarRegistry } from './calendar-registry.js';

export interface RecomputeQueue {
  create(trx: Kysely<DB>, tenantId: string, reason: string, scope: RecomputeScope): Promise<string>;
  kick(): void;
}

export interface TenantConfigDeps {
  db: Kysely<DB>;
  calendars: CalendarRegistry;
  jobs: RecomputeQueue;
}

/** Why a change was refused: a JSON pointer into the request body and a sentence. */
export interface ConfigError {
  path: string;
  message: string;
}
