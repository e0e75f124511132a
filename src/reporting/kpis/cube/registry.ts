/**
 * The tenants' cubes of one process: which answer a read, when one is (re)loaded, and where the
 * commits of ingest go. No I/O of its own: the loader (a snapshot of the ledgers and the data
 * version, read in one database snapshot) and the clock are given.
 *
 * A read gives the data version it saw (`answerKpi` reads it for the ETag anyway). The tenant's
 * cube answers only when it holds exactly that version; otherwise the read goes to SQL and:
 * - no cube yet: a load starts (the first reads of a tenant go to SQL while it runs);
 * - the cube is behind: it waits for the commits in flight; behind for longer than `staleMs`
 *   (a writer that does not report — another process, the CLI — or a lost commit), or broken,
 *   it is dropped and reloaded.
 * Commits arriving while a load runs are kept and given to the new cube, which takes those
 * after its snapshot's version.
 */
import type { Contribution } from '../../../core/aggregate/index.js';
import { TenantCube, type CubeKind, type CubeSnapshot } from './tenant-cube.js';

export interface CubeRegistryOptions {
  /** A snapshot of the tenant's ledgers and data version. */
  load: (tenantId: string) => Promise<CubeSnapshot>;
  kinds?: readonly CubeKind[];
  now?: () => number;
  /** How long a cube may stay behind the data version before it is reloaded (ms). */
  staleMs?: number;
  /** A tenant whose cube holds more (typed-array bytes) answers from SQL from then on. */
  maxBytes?: number;
  onError?: (error: unknown) => void;
}

interface Entry {
  cube: TenantCube | undefined;
  loading: Promise<void> | undefined;
  /** Commits seen while loading, replayed into the new cube. */
  seen: Array<[string | bigint, string | bigint, readonly Contribution[]]>;
  behindSince: number | undefined;
  /** Too large for a cube (`maxBytes`): always SQL. */
  disabled: boolean;
}

export class CubeRegistry {
  private readonly tenants = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: CubeRegistryOptions) {
    this.now = options.now ?? Date.now;
  }

  private entry(tenantId: string): Entry {
    let entry = this.tenants.get(tenantId);
    if (entry === undefined) {
      entry = {
        cube: undefined,
        loading: undefined,
        seen: [],
        behindSince: undefined,
        disabled: false,
      };
      this.tenants.set(tenantId, entry);
    }
    return entry;
  }

  /** The tenant's cube when it holds data `version`; undefined: answer from SQL. */
  current(tenantId: string, version: string): TenantCube | undefined {
    const entry = this.entry(tenantId);
    if (entry.cube?.isAt(version)) {
      entry.behindSince = undefined;
      return entry.cube;
    }
    if (entry.loading !== undefined || entry.disabled) return undefined;
    const since = (entry.behindSince ??= this.now());
    const stale = this.now() - since >= (this.options.staleMs ?? 2000);
    if (entry.cube === undefined || entry.cube.isBroken || stale) void this.reload(tenantId);
    return undefined;
  }

  /** A committed transaction's rollup deltas (data version `first − 1` → `last`). */
  commit(
    tenantId: string,
    first: string | bigint,
    last: string | bigint,
    rows: readonly Contribution[],
  ) {
    const entry = this.tenants.get(tenantId);
    if (entry === undefined) return;
    if (entry.loading !== undefined) entry.seen.push([first, last, rows]);
    entry.cube?.commit(first, last, rows);
  }

  /** Drops the tenant's cube (its derived data was replaced: a rebuild). */
  invalidate(tenantId: string): void {
    const entry = this.tenants.get(tenantId);
    if (entry !== undefined) entry.cube = undefined;
  }

  /** Starts loading the tenant's cube (dropping the old one); resolves when done. */
  reload(tenantId: string): Promise<void> {
    const entry = this.entry(tenantId);
    if (entry.loading !== undefined) return entry.loading;
    entry.cube = undefined;
    entry.behindSince = undefined;
    entry.seen = [];
    entry.loading = this.load(tenantId, entry).finally(() => {
      entry.loading = undefined;
      entry.seen = [];
    });
    return entry.loading;
  }

  private async load(tenantId: string, entry: Entry): Promise<void> {
    let snapshot: CubeSnapshot | undefined;
    try {
      snapshot = await this.options.load(tenantId);
      const cube = new TenantCube(snapshot.version, this.options.kinds);
      for (const [first, last, rows] of entry.seen) cube.commit(first, last, rows);
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
