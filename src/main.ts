/**
 * The process: configuration, database, migrations, first-start bootstrap, HTTP server, and a
 * graceful close that lets in-flight requests (and their ingest batches) finish. The only file
 * that touches `process.*` besides the CLI entry points.
 */
import closeWithGrace from 'close-with-grace';
import { mkdir } from 'node:fs/promises';
import { buildApp } from './app.js';
import { bootstrapTenant } from './bootstrap.js';
import { loadConfig, type Config } from './config.js';
import { openDatabase } from './storage/database.js';
import { migrate } from './storage/migrator.js';

export async function serve(config: Config): Promise<void> {
  if (!config.databaseUrl) await mkdir(config.dataDir, { recursive: true });
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const app = await buildApp({
    db: database.db,
    transaction: database.transaction,
    logger: { level: config.logLevel },
    defaultMetrics: true,
    ticketCacheSize: config.ticketCacheSize,
    rollupCompactRows: config.rollupCompactRows,
    ndjsonBatchSize: config.ndjsonBatchSize,
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
  await app.listen({ port: config.port, host: config.host });
  // Resume recomputations a previous process left unfinished.
  app.services.jobs.kick();
}

const isEntryPoint =
  process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntryPoint) {
  serve(loadConfig()).catch((error: unknown) => {
    process.stderr.write(
      `deskmetrics failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
