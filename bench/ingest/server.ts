/**
 * The service as the ingest benchmark runs it: `metrics` is exactly `src/main.ts`'s app (every
 * metric folded in the ingest transaction); `storage` stores events only — the foundation's
 * ingest before the incremental core, kept to measure what the core costs on top of it.
 *
 *   tsx bench/ingest/server.ts <metrics|storage>   (DATABASE_URL, PORT from the environment)
 */
import { buildApp } from '../../src/app.js';
import { bootstrapTenant } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/services.js';
import { openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrator.js';

const mode = process.argv[2] === 'storage' ? 'storage' : 'metrics';
const database = await openDatabase({ url: process.env.DATABASE_URL, poolSize: 10 });
await migrate(database.db);
await bootstrapTenant(database.db, process.env.DESKMETRICS_BOOTSTRAP_KEY);
const config = loadConfig();
const services = createServices(database.db, {
  ticketCacheSize: config.ticketCacheSize,
  rollupCompactRows: config.rollupCompactRows,
});
const app = await buildApp({
  db: database.db,
  transaction: database.transaction,
  ndjsonBatchSize: config.ndjsonBatchSize,
  services:
    mode === 'storage'
      ? { ...services, ticketUpdater: { afterStore: async () => ({ refoldPending: [] }) } }
      : services,
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => database.close())
    .then(() => process.exit(0));
});
