/**
 * The long-lived services of one process, built around one database: compiled calendars, the
 * fold context cache, the recomputation job runner and the ingest hook that keeps every metric
 * current. Building them does no I/O.
 */
import type { Kysely } from 'kysely';
import type { IngestHooks } from './ingest/event-ingestor.js';
import { RollupCompactor } from './ingest/rollup-compactor.js';
import { TicketCache } from './ingest/ticket-cache.js';
import { TicketUpdater } from './ingest/fold-step.js';
import { CalendarRegistry } from './tenant-config/calendar-registry.js';
import { FoldContextProvider } from './tenant-config/fold-context.js';
import { RecomputeJobs } from './ingest/recompute-jobs.js';
import { CUBE_KINDS, CubeRegistry } from './reporting/kpis/cube/index.js';
import { openLedgerSnapshot } from './storage/ledger-snapshot.repository.js';
import type { DB } from './storage/schema.js';
import { DEFAULTS } from './config.js';

export interface Services {
  calendars: CalendarRegistry;
  contexts: FoldContextProvider;
  jobs: RecomputeJobs;
  /** The ingest hook: folds the touched tickets in the batch's transaction. */
  ticketUpdater: IngestHooks;
  /** Compacts the rollup ledgers ingest appends to. */
  compactor: RollupCompactor;
  /** The KPI cubes: the rollups and backlog in memory, kept current by every commit. */
  cubes: CubeRegistry | undefined;
}

export interface ServiceOptions {
  onJobError?: (error: unknown) => void;
  /** Tickets whose fold state ingest keeps in memory (ingest/ticket-cache.ts). */
  ticketCacheSize?: number;
  /** Ledger rows a tenant appends before its rollups are compacted (0: never in ingest). */
  rollupCompactRows?: number;
  onCompactError?: (error: unknown) => void;
  /** A tenant's KPI cube larger than this (bytes) is dropped for SQL; 0: no cubes at all. */
  kpiCubeBytes?: number;
  /** Days of history a tenant's KPI cube holds (0: all); older questions go to SQL. */
  kpiCubeDays?: number;
  /** KPI reads wait for a tenant's cube to load rather than answer from SQL meanwhile (tests). */
  kpiCubeBlocking?: boolean;
  onCubeError?: (error: unknown) => void;
}

export function createServices(db: Kysely<DB>, options: ServiceOptions = {}): Services {
  const calendars = new CalendarRegistry();
  const contexts = new FoldContextProvider(calendars);
  const maxBytes = options.kpiCubeBytes ?? DEFAULTS.kpiCubeBytes;
  const horizonDays = options.kpiCubeDays ?? DEFAULTS.kpiCubeDays;
  const cubes =
    maxBytes > 0
      ? new CubeRegistry({
          load: (tenantId) =>
            openLedgerSnapshot(db, tenantId, { days: horizonDays, kinds: CUBE_KINDS }),
          horizonDays,
          maxBytes,
          blocking: options.kpiCubeBlocking ?? false,
          onError: options.onCubeError,
        })
      : undefined;
  const compactor = new RollupCompactor(
    db,
    options.rollupCompactRows ?? DEFAULTS.rollupCompactRows,
    options.onCompactError,
    cubes,
  );
  return {
    calendars,
    contexts,
    jobs: new RecomputeJobs(db, contexts, 250, options.onJobError, cubes),
    ticketUpdater: new TicketUpdater(
      contexts,
      new TicketCache(options.ticketCacheSize ?? DEFAULTS.ticketCacheSize),
      compactor,
      cubes,
    ),
    compactor,
    cubes,
  };
}
