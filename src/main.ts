/**
 * The process: configuration, database, migrations, first-start bootstrap, HTTP server, and a
 * graceful close that lets in-flight requests (and their ingest batches) finish. The only file
 * that touches `process.*` besides the CLI entry points.
 */
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { buildApp } from './app.js';
import { bootstrapTenant } from './bootstrap.js';
import { loadConfig, type Config, type LogLevel } from './config.js';
import { describeFailure } from './failure.js';
import type { LockOwner } from './storage/data-dir-lock.js';
import { openDatabase, type Database } from './storage/database.js';
import { migrate } from './storage/migrator.js';
import { listTenantIds } from './storage/tenant.repository.js';

/** This process, as the holder of the embedded data directory's lock. */
export const thisProcess: LockOwner = {
  pid: process.pid,
  isRunning: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: it runs, as another user.
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

async function start(config: Config, database: Database): Promise<void> {
  const app = await buildApp({
    db: database.db,
    transaction: database.transaction,
    reserve: database.reserve,
    logger: { level: config.logLevel },
    defaultMetrics: true,
    ticketCacheSize: config.ticketCacheSize,
    rollupCompactRows: config.rollupCompactRows,
    kpiCubeBytes: config.kpiCubeBytes,
    kpiCubeDays: config.kpiCubeDays,
    ndjsonBatchSize: config.ndjsonBatchSize,
    protection: config.protection,
    tableMaintenance: { mode: config.tableMaintenance, throttle: database.kind === 'postgres' },
  });
  const where = config.databaseUrl
    ? 'PostgreSQL (DATABASE_URL)'
    : `embedded PGlite in ${config.dataDir}`;
  const applied = await migrate(database.db);
  app.log.info({ database: where, applied }, 'database ready');
  const first = await bootstrapTenant(database.db, config.bootstrapKey);
  if (first?.generatedKey) {
    // Printed once, to stdout, so it is visible however logs are shipped.
    process.stdout.write(
      `\nFirst start: created tenant ${first.tenantId} and its admin API key (shown only now):\n\n    ${first.generatedKey}\n\n`,
    );
  }
  closeWithGrace({ delay: 30_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    await app.close();
    await database.close();
  });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    throw error;
  }
  // Resume recomputations a previous process left unfinished.
  app.services.jobs.kick();
  // Load the KPI cubes in the background: KPIs are answered from SQL until each is ready.
  void warmCubes(app, database);
}

async function warmCubes(app: FastifyInstance, database: Database): Promise<void> {
  const cubes = app.services.cubes;
  if (cubes === undefined) return;
  const started = performance.now();
  try {
    const tenants = await listTenantIds(database.db);
    await cubes.warm(tenants);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    app.log.info({ tenants: tenants.length, seconds }, 'KPI cubes loaded');
  } catch (err) {
    app.log.warn({ err }, 'KPI cubes not loaded: KPIs answer from SQL');
  }
}

export async function serve(config: Config): Promise<void> {
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    lockOwner: thisProcess,
  });
  // A start that fails closes the database, which releases the data directory's lock.
  await start(config, database).catch(async (error: unknown) => {
    await database.close().catch(() => undefined);
    throw error;
  });
}

/** Prints why the process failed, as failure.ts words it, and exits. */
export function exitWithFailure(
  error: unknown,
  logLevel: LogLevel | undefined,
  prefix: string,
  suffix = '',
): never {
  const failure = describeFailure(error, logLevel);
  process.stderr.write(`${prefix}${failure.text}${suffix}\n`);
  process.exit(failure.exitCode);
}

/**
 * Whether `moduleUrl` is the script node was started with. Node runs a script reached through a
 * symlink (npm link, node_modules/.bin) from its real path, so argv[1] is resolved the same way.
 */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === moduleUrl;
  } catch {
    return false;
  }
}

if (isEntryPoint(import.meta.url)) {
  let logLevel: LogLevel | undefined;
  Promise.resolve()
    .then(() => {
      const config = loadConfig();
      logLevel = config.logLevel;
      return serve(config);
    })
    .catch((error: unknown) => exitWithFailure(error, logLevel, 'deskmetrics failed to start: '));
}
