/**
 * Where `deskmetrics import` sends its events: `POST /v1/events` (NDJSON) of an app built
 * in-process on the configured database (`inject`, no socket; a temporary `events:write` key of
 * the tenant, revoked at the end), or of a running service (`--url`, `--key`, fetch). Either way
 * the events take the ingest path of any client, and an answer means they are committed.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import type { Config } from '../config.js';
import { ExplainedError } from '../failure.js';
import { thisProcess } from '../main.js';
import { openDatabase, type Database } from '../storage/database.js';
import { migrate } from '../storage/migrator.js';
import { createApiKey, revokeApiKey } from '../storage/tenant.repository.js';
import { requireTenant } from './options.js';

/** The `POST /v1/events` answer (docs/events.md). */
export interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: Array<{ line?: number; index?: number; id?: string; path?: string; message: string }>;
  refold_pending?: string[];
}

export interface ImportTarget {
  /** Names the destination (a checkpoint is resumed into the same one only). */
  destination: string;
  /** Sends NDJSON text of `lines` events; resolves when they are committed. */
  send(ndjson: string): Promise<IngestAnswer>;
  close(): Promise<void>;
}

function answerOf(status: number, body: string, where: string): IngestAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (status === 200 && typeof parsed === 'object' && parsed !== null && 'accepted' in parsed) {
    return parsed as IngestAnswer;
  }
  const message = (parsed as { error?: { message?: string } } | undefined)?.error?.message;
  throw new ExplainedError(
    `${where} answered ${status}: ${message ?? body.slice(0, 200).replace(/\s+/g, ' ')}`,
  );
}

/** The tenant's database, opened as the CLI's other commands open it (lock, migrations). */
export async function directTarget(config: Config, tenantId: string): Promise<ImportTarget> {
  const database: Database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    lockOwner: thisProcess,
    poolSize: 4,
  });
  let app: FastifyInstance | undefined;
  let keyId: string | undefined;
  const close = async () => {
    if (keyId !== undefined) await revokeApiKey(database.db, keyId, tenantId);
    await app?.close();
    await database.close();
  };
  try {
    await migrate(database.db);
    await requireTenant(database.db, tenantId);
    app = await buildApp({
      db: database.db,
      transaction: database.transaction,
      reserve: database.reserve,
      // The progress bar is the output: request logs would bury it.
      logger: { level: config.logLevel === 'info' ? 'warn' : config.logLevel },
      ticketCacheSize: config.ticketCacheSize,
      rollupCompactRows: config.rollupCompactRows,
      kpiCubeBytes: config.kpiCubeBytes,
      kpiCubeDays: config.kpiCubeDays,
      ndjsonBatchSize: config.ndjsonBatchSize,
      // The command's own app, on the machine's database: no caller to protect it from.
      protection: { rateLimitReads: 0, rateLimitWrites: 0 },
      tableMaintenance: { mode: config.tableMaintenance, throttle: database.kind === 'postgres' },
    });
    const key = await createApiKey(database.db, {
      tenantId,
      name: 'import',
      scopes: ['events:write'],
    });
    keyId = key.keyId;
    const headers = { authorization: `Bearer ${key.key}`, 'content-type': 'application/x-ndjson' };
    const injector = app;
    return {
      destination: `tenant ${tenantId}`,
      async send(ndjson) {
        const res = await injector.inject({
          method: 'POST',
          url: '/v1/events',
          headers,
          payload: ndjson,
        });
        return answerOf(res.statusCode, res.body, 'POST /v1/events');
      },
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** A running service at `url`, with an API key that has `events:write`. */
export function httpTarget(url: string, key: string): ImportTarget {
  let endpoint: URL;
  try {
    endpoint = new URL('/v1/events', url);
  } catch {
    throw new ExplainedError(`--url "${url}" is not a URL`);
  }
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' };
  return {
    destination: endpoint.origin,
    async send(ndjson) {
      let response: Response;
      try {
        response = await fetch(endpoint, { method: 'POST', headers, body: ndjson });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new ExplainedError(
          `cannot reach ${endpoint.origin} (${cause?.code ?? cause?.message ?? String(error)})`,
        );
      }
      return answerOf(response.status, await response.text(), endpoint.href);
    },
    close: () => Promise.resolve(),
  };
}
