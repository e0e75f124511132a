/**
 * `deskmetrics demo` without the terminal: opens the demo's own embedded database, loads the
 * generated help desk through the API when the data directory does not hold this generator's
 * data yet (or `fresh`), and serves it. The command (demo.ts) prints and waits for Ctrl-C; tests
 * call startDemo directly.
 */
import type { FastifyInstance } from 'fastify';
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from '../app.js';
import type { Config } from '../config.js';
import { DEMO_GENERATOR_VERSION } from '../demo/demo-profile.js';
import { loadDemo, type LoadProgress } from '../demo/demo-load.js';
import { ExplainedError } from '../failure.js';
import { thisProcess } from '../main.js';
import { DataDirInUseError, lockDataDir } from '../storage/data-dir-lock.js';
import { openDatabase, type Database } from '../storage/database.js';
import { migrate } from '../storage/migrator.js';
import { createApiKey, createTenant, revokeApiKey } from '../storage/tenant.repository.js';
import {
  clearDemoData,
  databaseDir,
  readDemoState,
  writeDemoState,
  type DemoState,
} from './demo-state.js';

export interface DemoOptions {
  dataDir: string;
  host: string;
  port: number;
  /** Generate and load again even when the data directory holds this generator's data. */
  fresh: boolean;
  tickets: number;
  seed: number;
  /** The service's settings (cache sizes, log level…), as `serve` takes them. */
  config: Config;
  /** The demo's "now" (tests pin it). */
  now?: () => number;
  /** Stops a load in progress (DemoLoadAborted). */
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
  log: (line: string) => void;
}

export interface RunningDemo {
  baseUrl: string;
  key: string;
  state: DemoState;
  /** Whether the data was already there (no load this run). */
  reused: boolean;
  close(): Promise<void>;
}

/** Why the data directory is loaded again, or undefined when its data can be reused. */
function reloadReason(options: DemoOptions, state: DemoState | undefined): string | undefined {
  if (options.fresh) return '--fresh';
  const database = existsSync(path.join(databaseDir(options.dataDir), 'PG_VERSION'));
  if (state === undefined) return database ? 'the last load did not finish' : 'first run';
  if (!database) return 'its database is missing';
  if (state.generator !== DEMO_GENERATOR_VERSION) {
    return `its data is from generator version ${state.generator}, this is version ${DEMO_GENERATOR_VERSION}`;
  }
  if (state.tickets !== options.tickets || state.seed !== options.seed) {
    return `it holds ${state.tickets} tickets of seed ${state.seed}, asked for ${options.tickets} of seed ${options.seed}`;
  }
  return undefined;
}

async function lockDemoDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  try {
    return await lockDataDir(dataDir, thisProcess);
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    throw new ExplainedError(
      `the demo in ${dataDir} is already running (pid ${error.pid}); stop it, or give another --data-dir`,
    );
  }
}

function demoApp(database: Database, config: Config, now: () => number): Promise<FastifyInstance> {
  // The terminal shows the URL and the key: request logs would bury them.
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel;
  return buildApp({
    db: database.db,
    transaction: database.transaction,
    reserve: database.reserve,
    logger: { level },
    now,
    ticketCacheSize: config.ticketCacheSize,
    rollupCompactRows: config.rollupCompactRows,
    kpiCubeBytes: config.kpiCubeBytes,
    kpiCubeDays: config.kpiCubeDays,
    ndjsonBatchSize: config.ndjsonBatchSize,
    protection: config.protection,
    tableMaintenance: { mode: config.tableMaintenance, throttle: database.kind === 'postgres' },
  });
}

/** A new demo tenant, its configuration and events; the state to keep. */
async function generate(
  app: FastifyInstance,
  database: Database,
  options: DemoOptions,
  now: number,
): Promise<DemoState> {
  const tenantId = await createTenant(database.db, 'Demo help desk');
  // The loader's key writes configuration and events; revoked once they are in.
  const loader = await createApiKey(database.db, {
    tenantId,
    name: 'demo loader',
    scopes: ['admin'],
  });
  const viewer = await createApiKey(database.db, {
    tenantId,
    name: 'demo viewer',
    scopes: ['reports:read', 'hr:read'],
  });
  const loaded = await loadDemo(app, loader.key, {
    tickets: options.tickets,
    seed: options.seed,
    now,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  await revokeApiKey(database.db, loader.keyId, tenantId);
  if (loaded.refoldPending > 0) {
    options.log(`warning: the metrics of ${loaded.refoldPending} tickets could not be computed`);
  }
  return {
    generator: DEMO_GENERATOR_VERSION,
    tickets: options.tickets,
    seed: options.seed,
    generated_at: new Date(now).toISOString(),
    tenant_id: tenantId,
    key: viewer.key,
    events: loaded.events,
    load_seconds: Math.round(loaded.ingestSeconds * 10) / 10,
  };
}

/** The kept key, or a new one when it no longer opens the tenant (revoked with `keys revoke`). */
async function checkedKey(app: FastifyInstance, database: Database, state: DemoState) {
  const res = await app.inject({
    url: '/v1/tenant',
    headers: { authorization: `Bearer ${state.key}` },
  });
  if (res.statusCode === 200) return state;
  const viewer = await createApiKey(database.db, {
    tenantId: state.tenant_id,
    name: 'demo viewer',
    scopes: ['reports:read', 'hr:read'],
  });
  return { ...state, key: viewer.key };
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    return await app.listen({ host, port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ExplainedError(`port ${port} is in use; choose another with --port`);
    }
    throw error;
  }
}

/** Loads (or reuses) the demo's data and serves it; `close()` stops the service. */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const now = options.now ?? Date.now;
  const unlock = await lockDemoDir(options.dataDir);
  let database: Database | undefined;
  let app: FastifyInstance | undefined;
  const close = async () => {
    await app?.close();
    await database?.close();
    await unlock();
  };
  try {
    let state = await readDemoState(options.dataDir);
    const reason = reloadReason(options, state);
    if (reason !== undefined) {
      options.log(`generating the demo help desk (${reason})`);
      await clearDemoData(options.dataDir);
    }
    database = await openDatabase({
      dataDir: databaseDir(options.dataDir),
      lockOwner: thisProcess,
    });
    await migrate(database.db);
    app = await demoApp(database, options.config, now);
    if (reason === undefined) {
      state = await checkedKey(app, database, state!);
    } else {
      state = await generate(app, database, options, now());
    }
    await writeDemoState(options.dataDir, state);
    const baseUrl = await listen(app, options.host, options.port);
    // The KPI cube loads in the background: until it is ready KPIs are answered from SQL.
    void app.services.cubes?.warm([state.tenant_id]).catch(() => undefined);
    return { baseUrl, key: state.key, state, reused: reason === undefined, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
