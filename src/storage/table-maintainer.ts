/**
 * The service's own autovacuum, for a database on which autovacuum does not run (the embedded
 * PGlite always; a server with `autovacuum = off`): every `autovacuum_naptime` it reads the
 * tables' activity and vacuums or analyzes, one table at a time, those autovacuum would have
 * (table-maintenance.repository.ts). On a server it throttles itself as autovacuum does
 * (`autovacuum_vacuum_cost_delay`); PGlite runs in this thread, so there each table is done in
 * one go between two requests.
 *
 * DESKMETRICS_TABLE_MAINTENANCE: `auto` (the default) when autovacuum does not run, `on` always
 * (beside autovacuum it only adds work), `off` never (someone else maintains the database).
 */
import type { Kysely } from 'kysely';
import type { DB } from './schema.js';
import {
  cancelBackend,
  dueWork,
  maintainTable,
  readMaintenanceSettings,
  readTableActivity,
  type DueTable,
  type MaintenanceSettings,
} from './table-maintenance.repository.js';

export type TableMaintenanceMode = 'auto' | 'on' | 'off';
export const TABLE_MAINTENANCE_MODES: readonly TableMaintenanceMode[] = ['auto', 'on', 'off'];

export interface MaintenanceLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  debug(details: object, message: string): void;
}

export interface TableMaintainerOptions {
  mode: TableMaintenanceMode;
  /**
   * Throttle as autovacuum does: a server only. PGlite runs in this thread, and its vacuum fails
   * when it would sleep ("CommitTransactionCommand: unexpected state DEFAULT").
   */
  throttle: boolean;
  log: MaintenanceLog;
  /** Between two passes (ms); default the server's autovacuum_naptime. */
  intervalMs?: number;
}

export interface MaintainedTable extends DueTable {
  ms: number;
  /** The error's message when it failed (the pass goes on with the next table). */
  error?: string;
}

/** A table maintained for longer than this is logged at info level, the others at debug. */
const SLOW_MS = 1000;

export class TableMaintainer {
  private settings: MaintenanceSettings | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<MaintainedTable[]> | undefined;
  private backend: number | undefined;
  private closed = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly options: TableMaintainerOptions,
  ) {}

  /**
   * Decides whether to maintain the tables and, if so, schedules the passes (the first one a
   * pass interval from now). Resolves with the decision.
   */
  async start(): Promise<{ active: boolean; autovacuum: boolean }> {
    const settings = await readMaintenanceSettings(this.db);
    this.settings = settings;
    const active =
      this.options.mode === 'on' || (this.options.mode === 'auto' && !settings.autovacuum);
    if (active && !this.closed) this.schedule();
    const details = { autovacuum: settings.autovacuum, mode: this.options.mode };
    if (active)
      this.options.log.info(
        details,
        settings.autovacuum
          ? 'table maintenance on beside autovacuum (DESKMETRICS_TABLE_MAINTENANCE=on)'
          : 'autovacuum does not run on this database: deskmetrics vacuums and analyzes its tables itself',
      );
    else if (!settings.autovacuum)
      this.options.log.warn(
        details,
        'autovacuum does not run on this database and DESKMETRICS_TABLE_MAINTENANCE=off: statistics and dead rows are left as they are',
      );
    return { active, autovacuum: settings.autovacuum };
  }

  /** One pass: every table due, the most urgent first. Resolves with what it did. */
  runOnce(): Promise<MaintainedTable[]> {
    this.pass ??= this.maintainDue().finally(() => (this.pass = undefined));
    return this.pass;
  }

  /** Stops the passes; cancels a vacuum running on a server and waits for the pass to end. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const pass = this.pass;
    if (pass === undefined) return;
    if (this.backend !== undefined)
      await cancelBackend(this.db, this.backend).catch(() => undefined);
    await pass.catch(() => undefined);
  }

  private schedule(): void {
    const interval = this.options.intervalMs ?? (this.settings?.naptimeSeconds ?? 60) * 1000;
    this.timer = setTimeout(() => {
      void this.runOnce()
        .catch((err: unknown) =>
          this.options.log.warn({ err }, 'table maintenance failed: retried at the next pass'),
        )
        .finally(() => {
          if (!this.closed) this.schedule();
        });
    }, interval);
    this.timer.unref();
  }

  private async maintainDue(): Promise<MaintainedTable[]> {
    const settings = (this.settings ??= await readMaintenanceSettings(this.db));
    const due = dueWork(await readTableActivity(this.db), settings);
    const done: MaintainedTable[] = [];
    const delay = this.options.throttle ? settings.costDelayMs : 0;
    for (const table of due) {
      if (this.closed) break;
      const started = performance.now();
      try {
        await maintainTable(this.db, table.table, table.work, delay, (pid) => {
          this.backend = pid;
        });
        const ms = performance.now() - started;
        done.push({ ...table, ms });
        const details = { table: table.table, work: table.work, ms: Math.round(ms) };
        if (ms >= SLOW_MS) this.options.log.info(details, 'table maintained');
        else this.options.log.debug(details, 'table maintained');
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        done.push({ ...table, ms: performance.now() - started, error: message });
        if (!this.closed)
          this.options.log.warn(
            { table: table.table, work: table.work, err: error },
            'table maintenance failed',
          );
      } finally {
        this.backend = undefined;
      }
    }
    return done;
  }
}
