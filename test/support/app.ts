/**
 * An app on a fresh test database with a tenant and keys of every scope, for API tests through
 * `app.inject`. `keyFor(scope)` gives a key that holds only that scope.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.js';
import {
  createApiKey,
  createTenant,
  SCOPES,
  type Scope,
} from '../../src/storage/tenant.repository.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  tenantId: string;
  keys: Record<Scope, string>;
  /** Authorization header for a key with `scope`. */
  auth(scope?: Scope): { authorization: string };
  /**
   * PUT of a configuration document (`/v1/sla-policies`, `/v1/calendars/{id}`) with a
   * config:write key; on success, runs the recomputation it started to the end.
   */
  configure(url: string, payload: unknown): Promise<{ statusCode: number; body: unknown }>;
  /** Another tenant with its own admin key. */
  addTenant(name: string): Promise<{ tenantId: string; adminKey: string }>;
  close(): Promise<void>;
  /** Where KPI answers must come from, when the test pinned it (KPI_SOURCES). */
  kpiSource: 'sql' | 'cube' | undefined;
}

export async function createTestApp(deps: Partial<AppDeps> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const app = await buildApp({
    db: database.db,
    transaction: database.transaction,
    reserve: database.reserve,
    // Tests send hundreds of requests with one key a second; the limits have their own tests.
    protection: { rateLimitReads: 0, rateLimitWrites: 0, exportsPerTenant: 0 },
    ...deps,
  });
  const tenantId = await createTenant(database.db, 'test');
  const keys = {} as Record<Scope, string>;
  for (const scope of SCOPES) {
    keys[scope] = (await createApiKey(database.db, { tenantId, name: scope, scopes: [scope] })).key;
  }
  const kpiSource =
    deps.kpiCubeBytes === 0 ? 'sql' : deps.kpiCubeBlocking === true ? 'cube' : undefined;
  return {
    app,
    database,
    tenantId,
    kpiSource,
    keys,
    auth: (scope = 'admin') => ({ authorization: `Bearer ${keys[scope]}` }),
    configure: async (url, payload) => {
      const res = await app.inject({
        method: 'PUT',
        url,
        headers: { authorization: `Bearer ${keys['config:write']}` },
        payload: payload as object,
      });
      if (res.statusCode === 200) await app.services.jobs.runUntilIdle();
      return { statusCode: res.statusCode, body: res.json<unknown>() };
    },
    addTenant: async (name) => {
      const id = await createTenant(database.db, name);
      const { key } = await createApiKey(database.db, {
        tenantId: id,
        name: 'admin',
        scopes: ['admin'],
      });
      return { tenantId: id, adminKey: key };
    },
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/**
 * The two ways the KPI API answers: SQL over the rollups, and the in-memory cube — holding all
 * history, so that every answer comes from it (its horizon: test/api/kpis-cube-horizon.test.ts).
 */
export const KPI_SOURCES = [
  { name: 'SQL', source: 'sql', deps: { kpiCubeBytes: 0 } },
  { name: 'the cube', source: 'cube', deps: { kpiCubeBlocking: true, kpiCubeDays: 0 } },
] as const satisfies ReadonlyArray<{ name: string; source: string; deps: Partial<AppDeps> }>;

/** Fails unless a KPI answer came from `source` (its Server-Timing header names it). */
export function expectKpiSource(
  res: { statusCode: number; headers: Record<string, unknown> },
  url: string,
  source: 'sql' | 'cube',
): void {
  if (res.statusCode !== 200 || !/kpis\/(sla|fcr|handle-time|volume|backlog)\b/.test(url)) return;
  const header = res.headers['server-timing'];
  const timing = typeof header === 'string' ? header : '';
  if (!timing.startsWith(`${source};`)) {
    throw new Error(`${url} was answered from "${timing}", not from ${source}`);
  }
}
