import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      logLevel: 'info',
      ticketCacheSize: DEFAULTS.ticketCacheSize,
      ndjsonBatchSize: DEFAULTS.ndjsonBatchSize,
    });
  });

  it.each([
    ['0', 0],
    ['250000', 250_000],
    [' ', DEFAULTS.ticketCacheSize],
  ])('reads DESKMETRICS_TICKET_CACHE=%j', (value, size) => {
    expect(loadConfig({ DESKMETRICS_TICKET_CACHE: value }).ticketCacheSize).toBe(size);
  });

  it.each([
    [undefined, DEFAULTS.kpiCubeBytes],
    ['0', 0],
    ['512', 512 * 2 ** 20],
  ])('reads DESKMETRICS_KPI_CUBE_MB=%j', (value, bytes) => {
    expect(loadConfig({ DESKMETRICS_KPI_CUBE_MB: value }).kpiCubeBytes).toBe(bytes);
  });

  it.each([
    [undefined, 400],
    ['0', 0],
    ['190', 190],
  ])('reads DESKMETRICS_KPI_CUBE_DAYS=%j', (value, days) => {
    expect(loadConfig({ DESKMETRICS_KPI_CUBE_DAYS: value }).kpiCubeDays).toBe(days);
  });

  it.each(['-1', '1.5', 'a year', '36501'])('refuses DESKMETRICS_KPI_CUBE_DAYS=%j', (value) => {
    expect(() => loadConfig({ DESKMETRICS_KPI_CUBE_DAYS: value })).toThrow(
      /DESKMETRICS_KPI_CUBE_DAYS must be a whole number from 0 to 36500/,
    );
  });

  it.each([
    [undefined, 'auto'],
    ['auto', 'auto'],
    ['on', 'on'],
    [' off ', 'off'],
  ])('reads DESKMETRICS_TABLE_MAINTENANCE=%j', (value, mode) => {
    expect(loadConfig({ DESKMETRICS_TABLE_MAINTENANCE: value }).tableMaintenance).toBe(mode);
  });

  it.each(['yes', 'ON', '1'])('refuses DESKMETRICS_TABLE_MAINTENANCE=%j', (value) => {
    expect(() => loadConfig({ DESKMETRICS_TABLE_MAINTENANCE: value })).toThrow(
      /DESKMETRICS_TABLE_MAINTENANCE must be one of auto, on, off/,
    );
  });

  it('protects a node by default: rate limits, export cap, no CORS', () => {
    expect(loadConfig({}).protection).toEqual({
      rateLimitReads: 1200,
      rateLimitWrites: 6000,
      exportsPerTenant: 4,
      corsOrigins: [],
    });
    expect(
      loadConfig({
        DESKMETRICS_RATE_LIMIT_READS: '0',
        DESKMETRICS_RATE_LIMIT_WRITES: '100',
        DESKMETRICS_EXPORTS_PER_TENANT: '1',
        DESKMETRICS_CORS_ORIGINS: 'https://bi.example.com, http://localhost:8080',
      }).protection,
    ).toEqual({
      rateLimitReads: 0,
      rateLimitWrites: 100,
      exportsPerTenant: 1,
      corsOrigins: ['https://bi.example.com', 'http://localhost:8080'],
    });
  });

  it('reads DESKMETRICS_NDJSON_BATCH', () => {
    expect(loadConfig({ DESKMETRICS_NDJSON_BATCH: '5000' }).ndjsonBatchSize).toBe(5000);
  });

  it.each([
    ['DESKMETRICS_TICKET_CACHE', '-1'],
    ['DESKMETRICS_TICKET_CACHE', '1.5'],
    ['DESKMETRICS_TICKET_CACHE', 'lots'],
    ['DESKMETRICS_NDJSON_BATCH', '0'],
    ['DESKMETRICS_NDJSON_BATCH', '100001'],
    ['DESKMETRICS_KPI_CUBE_MB', '1.5'],
    ['DESKMETRICS_KPI_CUBE_MB', '-1'],
    ['DESKMETRICS_KPI_CUBE_MB', 'much'],
    ['DESKMETRICS_RATE_LIMIT_READS', '-5'],
    ['DESKMETRICS_RATE_LIMIT_WRITES', 'many'],
    ['DESKMETRICS_EXPORTS_PER_TENANT', '1.5'],
    ['DESKMETRICS_CORS_ORIGINS', '*'],
    ['DESKMETRICS_CORS_ORIGINS', 'https://bi.example.com/path'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'loud'],
    ['DESKMETRICS_BOOTSTRAP_KEY', 'short'],
  ])('rejects %s=%j naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
