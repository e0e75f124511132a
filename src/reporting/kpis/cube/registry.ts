/**
 * The tenants' cubes of one process: which answer a read, when one is (re)loaded, and where the
 * commits of ingest go. No I/O of its own: the loader (a snapshot of the ledgers and the data
 * version, read in one database snapshot) and the clock are given.
 *
 * A read gives the data version it saw (`answerKpi` reads it for the ETag anyway). The tenant's
 * cube answers when it holds that version or a later one (the answer then carries the cube's
 * version); otherwise:
 * - no cube yet: a load starts, and the first reads of a tenant go to SQL while it runs;
 * - the cube is behind while this process is writing the tenant: the read saw a commit whose
 *   report has not arrived yet (it comes within milliseconds of the COMMIT, on the same event
 *   loop), so `at()` waits for it, at most `catchUpMs`, rather than send a read the cube will
 *   answer in a moment to the far dearer SQL path;
 * - behind for longer than `staleMs` (a writer that does not report — another process, the
 *   CLI — or a lost commit), or broken: the read goes to SQL, and the cube is dropped and
 *   reloaded.
 * Commits arriving while a load runs are kept and given to the new cube, which takes those
 * after its snapshot's version.
 */
import type {
  Contribution,
  DataChange,
  DataChangeListener,
} from '../../../core/aggregate/index.js';
import { TenantCube, type CubeKind, type CubeSnapshot } from './tenant-cube.js';

export interface CubeRegistryOptions {
  /** A snapshot of the tenant's ledgers and data version. */
  load: (tenantId: string) => Promise<CubeSnapshot>;
  kinds?: readonly CubeKind[];
  now?: () => number;
  /** How long a cube may stay behind the data version before it is reloaded (ms). */
  staleMs?: number;
  /**
   * How long a read waits for the commits this process has yet to report before it answers from
   * SQL (ms, default 500; 0: never waits). Only while this process reported a commit of the
   * tenant within `staleMs`: a cube left behind by another writer does not make reads wait.
   */
  catchUpMs?: number;
  /** The least time between the end of one load of a tenant and the next (default 30 s). */
  minReloadMs?: number;
  /**
   * Days of history a cube holds (0 or absent: all; TenantCubeOptions.horizonDays). Give the
   * loader the same, so that it reads only those days.
   */
  horizonDays?: number;
  /** A tenant whose cube holds more (typed-array bytes) answers from SQL from then on. */
  maxBytes?: number;
  /**
   * `at()` waits for a load (or reload) instead of answering "use SQL" while one runs: every
   * answer then comes from the cube. For tests; a service answers from SQL while it loads.
   */
  blocking?: boolean;
  onError?: (error: unknown) => void;
}

interface Entry {
  cube: TenantCube | undefined;
  loading: Promise<void> | undefined;
  /** Commits seen while loading, replayed into the new cube. */
  seen: Array<
    [string | bigint, string | bigint, readonly Contribution[], DataChange['tickets'] | undefined]
  >;
  behindSince: number | undefined;
  /** When the last load ended, and how long it took (ms). */
  loadEnded: number;
  loadTook: number;
  /** Too large for a cube (`maxBytes`): always SQL. */
  disabled: boolean;
  /** When this process last reported a commit of the tenant. */
  lastCommit: number;
  /** Reads waiting for the cube to catch up, woken by every commit, reload and invalidation. */
  waiters: Set<() => void>;
}

export class CubeRegistry implements DataChangeListener {
  private readonly tenants = new Map<string, Entry>();
  private readonly now: () => number;
  /** Loads started, all tenants (monitoring, tests). */
  loads = 0;

  constructor(private readonly options: CubeRegistryOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Bytes the loaded cubes hold in typed arrays, all tenants (the `/metrics` gauge). */
  bytes(): number {
    let n = 0;
    for (const entry of this.tenants.values()) n += entry.cube?.bytes() ?? 0;
    return n;
  }

  private entry(tenantId: string): Entry {
    let entry = this.tenants.get(tenantId);
    if (entry === undefined) {
      entry = {
        cube: undefined,
        loading: undefined,
        seen: [],
        behindSince: undefined,
        loadEnded: -Infinity,
        loadTook: 0,
        disabled: false,
        lastCommit: -Infinity,
        waiters: new Set(),
      };
      this.tenants.set(tenantId, entry);
    }
    return entry;
  }

  /** The tenant's cube when it holds data `version` or later; undefined: answer from SQL. */
  current(tenantId: string, version: string): TenantCube | undefined {
    const entry = this.entry(tenantId);
    if (entry.cube?.covers(version)) {
      entry.behindSince = undefined;
      return entry.cube;
    }
    if (entry.loading !== undefined || entry.disabled) return undefined;
    const since = (entry.behindSince ??= this.now());
    const stale = this.now() - since >= (this.options.staleMs ?? 2000);
    const due = entry.cube === undefined || entry.cube.isBroken || stale;
    // Loads at most every `minReloadMs` and never more than a quarter of the time: a writer
    // that never reports (a long import by the CLI) must not keep the database busy reloading.
    const rest = Math.max(this.options.minReloadMs ?? 30_000, 3 * entry.loadTook);
    if (due && this.now() - entry.loadEnded >= rest) void this.reload(tenantId);
    return undefined;
  }

  /**
   * The tenant's cube at data `version` or later, waiting for it to load when the registry is
   * `blocking`, and for commits this process has yet to report (`catchUpMs`); undefined: answer
   * from SQL.
   */
  async at(tenantId: string, version: string): Promise<TenantCube | undefined> {
    const cube = this.current(tenantId, version);
    if (cube !== undefined) return cube;
    const entry = this.entry(tenantId);
    if (entry.disabled) return undefined;
    if (this.options.blocking === true) {
      await (entry.loading ?? this.reload(tenantId));
      return entry.cube?.covers(version) ? entry.cube : undefined;
    }
    const staleMs = this.options.staleMs ?? 2000;
    if (entry.cube?.isBehind(version) !== true || this.now() - entry.lastCommit >= staleMs) {
      return undefined;
    }
    await this.catchUp(entry, version);
    return this.current(tenantId, version);
  }

  /** Resolves when the entry's cube covers `version`, is gone, or `catchUpMs` has passed. */
  private async catchUp(entry: Entry, version: string): Promise<void> {
    const deadline = Date.now() + (this.options.catchUpMs ?? 500);
    while (entry.cube?.isBehind(version) === true) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          entry.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        entry.waiters.add(wake);
      });
    }
  }

  private wake(entry: Entry): void {
    for (const wake of [...entry.waiters]) wake();
  }

  /**
   * Loads the cubes of tenants not loaded yet, one after another (each load holds a database
   * connection): at start, so the first reads find them ready. Resolves when all are done.
   */
  async warm(tenantIds: readonly string[]): Promise<void> {
    for (const id of tenantIds) {
      const entry = this.entry(id);
      if (entry.cube === undefined && !entry.disabled) await (entry.loading ?? this.reload(id));
    }
  }

  /** Resolves when no load runs (shutdown, tests). */
  async idle(): Promise<void> {
    for (;;) {
      const loading = [...this.tenants.values()].flatMap((e) => e.loading ?? []);
      if (loading.length === 0) return;
      await Promise.all(loading);
    }
  }

  /** What a committed transaction changed (DataChangeListener). */
  changed(tenantId: string, change: DataChange): void {
    this.commit(tenantId, change.first, change.last, change.rows, change.tickets);
  }

  /** A committed transaction's rollup deltas (data version `first − 1` → `last`). */
  commit(
    tenantId: string,
    first: string | bigint,
    last: string | bigint,
    rows: readonly Contribution[],
    tickets?: DataChange['tickets'],
  ) {
    const entry = this.tenants.get(tenantId);
    if (entry === undefined) return;
    entry.lastCommit = this.now();
    if (entry.loading !== undefined) entry.seen.push([first, last, rows, tickets]);
    entry.cube?.commit(first, last, rows, tickets);
    this.wake(entry);
  }

  /** Drops the tenant's cube (its derived data was replaced: a rebuild). */
  invalidate(tenantId: string): void {
    const entry = this.tenants.get(tenantId);
    if (entry === undefined) return;
    entry.cube = undefined;
    this.wake(entry);
  }

  /** Starts loading the tenant's cube (dropping the old one); resolves when done. */
  reload(tenantId: string): Promise<void> {
    const entry = this.entry(tenantId);
    if (entry.loading !== undefined) return entry.loading;
    entry.cube = undefined;
    entry.behindSince = undefined;
    entry.seen = [];
    this.wake(entry);
    this.loads++;
    const started = this.now();
    entry.loading = this.load(tenantId, entry).finally(() => {
      entry.loadEnded = this.now();
      entry.loadTook = entry.loadEnded - started;
      entry.loading = undefined;
      entry.seen = [];
    });
    return entry.loading;
  }

  private async load(tenantId: string, entry: Entry): Promise<void> {
    let snapshot: CubeSnapshot | undefined;
    try {
      snapshot = await this.options.load(tenantId);
      const cube = new TenantCube(snapshot.version, this.options.kinds, {
        horizonDays: this.options.horizonDays ?? 0,
        now: this.now,
      });
      for (const [first, last, rows, tickets] of entry.seen)
        cube.commit(first, last, rows, tickets);
      entry.cube = cube;
      await cube.fill(snapshot);
      const { maxBytes } = this.options;
      if (maxBytes !== undefined && cube.bytes() > maxBytes) {
        entry.cube = undefined;
        entry.disabled = true;
        throw new Error(`the KPI cube of tenant ${tenantId} exceeds ${maxBytes} bytes: SQL only`);
      }
    } catch (error) {
      if (!entry.disabled) entry.cube = undefined;
      this.options.onError?.(error);
    } finally {
      await snapshot?.close?.();
    }
  }
}
