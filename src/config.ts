/**
 * Environment → typed configuration. The only reader of `process.env` (main.ts and the CLI pass
 * the result down), so every setting is documented here and nowhere else.
 */
import path from 'node:path';
import { TABLE_MAINTENANCE_MODES, type TableMaintenanceMode } from './storage/table-maintainer.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

export interface Config {
  port: number;
  host: string;
  /** A PostgreSQL server; when absent the embedded PGlite database in `dataDir` is used. */
  databaseUrl: string | undefined;
  dataDir: string;
  bootstrapKey: string | undefined;
  logLevel: LogLevel;
  /**
   * DESKMETRICS_TICKET_CACHE: how many tickets' fold states ingest keeps in memory (0 disables
   * the cache: every touched ticket is refolded from its events).
   */
  ticketCacheSize: number;
  /** DESKMETRICS_NDJSON_BATCH: NDJSON lines committed per transaction (1–100,000). */
  ndjsonBatchSize: number;
  /**
   * DESKMETRICS_ROLLUP_COMPACT_ROWS: rollup ledger rows a tenant appends before its rollups are
   * compacted (at least as many as the last compaction kept; 0 disables compaction in ingest).
   */
  rollupCompactRows: number;
  /**
   * DESKMETRICS_KPI_CUBE_MB: the most memory one tenant's KPI cube may hold (MB); a larger
   * tenant's KPIs are answered from SQL. 0 disables the cubes.
   */
  kpiCubeBytes: number;
  /**
   * DESKMETRICS_KPI_CUBE_DAYS: days of history a tenant's KPI cube holds, back from its latest
   * data (0: all). Questions reaching further back are answered from SQL.
   */
  kpiCubeDays: number;
  /**
   * DESKMETRICS_TABLE_MAINTENANCE: `auto` vacuums and analyzes the service's tables when the
   * database runs no autovacuum (the embedded PGlite, a server with autovacuum off); `on` always;
   * `off` never.
   */
  tableMaintenance: TableMaintenanceMode;
  /** Per-key rate limits, exported-report concurrency and CORS (http/plugins/protection.ts). */
  protection: ProtectionConfig;
}

export interface ProtectionConfig {
  /** DESKMETRICS_RATE_LIMIT_READS: requests a minute per API key to every route but ingest (0: no limit). */
  rateLimitReads: number;
  /** DESKMETRICS_RATE_LIMIT_WRITES: requests a minute per API key to `POST /v1/events` (0: no limit). */
  rateLimitWrites: number;
  /** DESKMETRICS_EXPORTS_PER_TENANT: reports and exports a tenant may stream at once (0: no cap). */
  exportsPerTenant: number;
  /** DESKMETRICS_CORS_ORIGINS: origins allowed to call the API from a browser (none: CORS off). */
  corsOrigins: string[];
}

/**
 * Every default of the service, in one place: the lower layers take these values as parameters
 * and keep none of their own.
 */
export const DEFAULTS = {
  /**
   * DESKMETRICS_TICKET_CACHE: fold states kept in memory (about 12 KB each). Every major GC marks
   * them all: at 25,000 they were half the live heap, and the soak's slowest requests were those a
   * major GC overlapped (bench/soak/README.md, 2026-12-05).
   */
  ticketCacheSize: 5_000,
  /** DESKMETRICS_NDJSON_BATCH: NDJSON lines committed per transaction. */
  ndjsonBatchSize: 20_000,
  /** DESKMETRICS_ROLLUP_COMPACT_ROWS: rollup ledger rows appended before a compaction. */
  rollupCompactRows: 1_000_000,
  /** DESKMETRICS_KPI_CUBE_MB: a tenant's KPI cube at most (1M tickets take about 1 GB). */
  kpiCubeBytes: 4096 * 1024 * 1024,
  /**
   * DESKMETRICS_KPI_CUBE_DAYS: 400 days hold a month compared with the same month a year before,
   * and keep the cube's memory following the desk's recent activity rather than its history.
   */
  kpiCubeDays: 400,
  /**
   * DESKMETRICS_RATE_LIMIT_READS: what one node serves one key without starving the others
   * (20 a second: a dashboard's every panel a few times over, a BI tool's paging).
   */
  rateLimitReads: 1200,
  /** DESKMETRICS_RATE_LIMIT_WRITES: ingest requests (each up to 100,000 events as NDJSON). */
  rateLimitWrites: 6000,
  /** DESKMETRICS_EXPORTS_PER_TENANT: streams at once (each holds a database connection). */
  exportsPerTenant: 4,
} as const;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer 0–65535, got "${env.PORT}"`);
  }
  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`,
    );
  }
  const bootstrapKey = nonEmpty(env.DESKMETRICS_BOOTSTRAP_KEY);
  if (bootstrapKey !== undefined && bootstrapKey.length < 16) {
    throw new ConfigError('DESKMETRICS_BOOTSTRAP_KEY must be at least 16 characters');
  }
  const cache = nonEmpty(env.DESKMETRICS_TICKET_CACHE);
  const ticketCacheSize = cache === undefined ? DEFAULTS.ticketCacheSize : Number(cache);
  if (!Number.isSafeInteger(ticketCacheSize) || ticketCacheSize < 0) {
    throw new ConfigError(
      `DESKMETRICS_TICKET_CACHE must be a non-negative integer, got "${env.DESKMETRICS_TICKET_CACHE}"`,
    );
  }
  const batch = nonEmpty(env.DESKMETRICS_NDJSON_BATCH);
  const ndjsonBatchSize = batch === undefined ? DEFAULTS.ndjsonBatchSize : Number(batch);
  if (!Number.isInteger(ndjsonBatchSize) || ndjsonBatchSize < 1 || ndjsonBatchSize > 100_000) {
    throw new ConfigError(
      `DESKMETRICS_NDJSON_BATCH must be an integer 1–100000, got "${env.DESKMETRICS_NDJSON_BATCH}"`,
    );
  }
  const compact = nonEmpty(env.DESKMETRICS_ROLLUP_COMPACT_ROWS);
  const rollupCompactRows = compact === undefined ? DEFAULTS.rollupCompactRows : Number(compact);
  if (!Number.isSafeInteger(rollupCompactRows) || rollupCompactRows < 0) {
    throw new ConfigError(
      `DESKMETRICS_ROLLUP_COMPACT_ROWS must be a non-negative integer, got "${env.DESKMETRICS_ROLLUP_COMPACT_ROWS}"`,
    );
  }
  const cubeMb = nonEmpty(env.DESKMETRICS_KPI_CUBE_MB);
  const megabytes = cubeMb === undefined ? DEFAULTS.kpiCubeBytes / 2 ** 20 : Number(cubeMb);
  if (!Number.isInteger(megabytes) || megabytes < 0 || megabytes > 1_048_576) {
    throw new ConfigError(
      `DESKMETRICS_KPI_CUBE_MB must be a whole number of megabytes from 0 to 1048576, got "${env.DESKMETRICS_KPI_CUBE_MB}"`,
    );
  }
  const kpiCubeBytes = megabytes * 2 ** 20;
  const kpiCubeDays = wholeNumber(env, 'DESKMETRICS_KPI_CUBE_DAYS', DEFAULTS.kpiCubeDays, 36_500);
  const maintenance = nonEmpty(env.DESKMETRICS_TABLE_MAINTENANCE)?.trim() ?? 'auto';
  if (!(TABLE_MAINTENANCE_MODES as readonly string[]).includes(maintenance)) {
    throw new ConfigError(
      `DESKMETRICS_TABLE_MAINTENANCE must be one of ${TABLE_MAINTENANCE_MODES.join(', ')}, got "${maintenance}"`,
    );
  }
  return {
    port,
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    databaseUrl: nonEmpty(env.DATABASE_URL),
    dataDir: path.resolve(nonEmpty(env.DESKMETRICS_DATA_DIR) ?? '.deskmetrics-data'),
    bootstrapKey,
    logLevel,
    ticketCacheSize,
    ndjsonBatchSize,
    rollupCompactRows,
    kpiCubeBytes,
    kpiCubeDays,
    tableMaintenance: maintenance as TableMaintenanceMode,
    protection: protectionConfig(env),
  };
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const text = nonEmpty(env[name]);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > max) {
    throw new ConfigError(`${name} must be a whole number from 0 to ${max}, got "${text}"`);
  }
  return n;
}

function protectionConfig(env: NodeJS.ProcessEnv): ProtectionConfig {
  const origins = (nonEmpty(env.DESKMETRICS_CORS_ORIGINS) ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(
        `DESKMETRICS_CORS_ORIGINS takes origins such as https://bi.example.com (scheme and host, no path), got "${origin}"`,
      );
    }
  }
  return {
    rateLimitReads: wholeNumber(env, 'DESKMETRICS_RATE_LIMIT_READS', DEFAULTS.rateLimitReads, 1e9),
    rateLimitWrites: wholeNumber(
      env,
      'DESKMETRICS_RATE_LIMIT_WRITES',
      DEFAULTS.rateLimitWrites,
      1e9,
    ),
    exportsPerTenant: wholeNumber(
      env,
      'DESKMETRICS_EXPORTS_PER_TENANT',
      DEFAULTS.exportsPerTenant,
      10_000,
    ),
    corsOrigins: origins,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
