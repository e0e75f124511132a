/**
 * `deskmetrics <command>`: serve, migrate, tenants and API keys. Uses the same configuration
 * (DATABASE_URL or the embedded data directory) as the service.
 */
import { mkdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config.js';
import { serve } from '../main.js';
import { openDatabase, type Database } from '../storage/database.js';
import { migrate } from '../storage/migrator.js';
import { rebuildTenant, verifyTenant } from '../ingest/rebuild.js';
import { compactRollups } from '../storage/rollup.repository.js';
import { createServices } from '../services.js';
import {
  createApiKey,
  createTenant,
  isScope,
  listApiKeys,
  revokeApiKey,
  SCOPES,
  type Scope,
} from '../storage/tenant.repository.js';

const USAGE = `usage: deskmetrics <command>

  serve                                   run the HTTP service (same as npm start)
  migrate                                 apply pending database migrations
  tenants create <name>                   create a tenant, print its id
  tenants list                            list tenants
  rebuild [--tenant <id>]                 recompute all derived data from the events
  verify [--tenant <id>]                  recompute everything and compare with what is stored;
                                          prints each difference, exits 1 if there is any
  compact [--tenant <id>]                 fold the rollup ledgers to one row per key
  keys create --tenant <id> [--name <n>] --scopes <s1,s2>
                                          create an API key (printed once)
  keys list [--tenant <id>]               list keys (never the keys themselves)
  keys revoke <key_id> [--tenant <id>]    revoke a key

scopes: ${SCOPES.join(', ')}
database: DATABASE_URL, else the embedded database in DESKMETRICS_DATA_DIR`;

class UsageError extends Error {}

async function withDatabase<T>(
  config: Config,
  work: (database: Database) => Promise<T>,
): Promise<T> {
  if (!config.databaseUrl) await mkdir(config.dataDir, { recursive: true });
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: 2,
  });
  try {
    await migrate(database.db);
    return await work(database);
  } finally {
    await database.close();
  }
}

function parseScopes(text: string | undefined): Scope[] {
  if (!text) throw new UsageError('--scopes is required');
  const scopes = text.split(',').map((s) => s.trim());
  const bad = scopes.filter((s) => !isScope(s));
  if (bad.length > 0) throw new UsageError(`unknown scope(s): ${bad.join(', ')}`);
  return scopes as Scope[];
}

async function keys(config: Config, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { tenant: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'string' } },
  });
  const [action, keyId] = positionals;
  await withDatabase(config, async ({ db }) => {
    if (action === 'create') {
      if (!values.tenant) throw new UsageError('--tenant is required');
      const scopes = parseScopes(values.scopes);
      const created = await createApiKey(db, {
        tenantId: values.tenant,
        name: values.name ?? 'cli',
        scopes,
      });
      console.log(`key_id ${created.keyId}\n${created.key}`);
    } else if (action === 'list') {
      for (const k of await listApiKeys(db, values.tenant)) {
        const state = k.revoked_at ? `revoked ${k.revoked_at.toISOString()}` : 'active';
        console.log(`${k.key_id}\t${k.tenant_id}\t${k.scopes.join(',')}\t${k.name}\t${state}`);
      }
    } else if (action === 'revoke') {
      if (!keyId) throw new UsageError('keys revoke needs a key_id');
      const n = await revokeApiKey(db, keyId, values.tenant);
      if (n === 0) throw new UsageError(`no active key ${keyId}`);
      console.log(`revoked ${keyId}`);
    } else {
      throw new UsageError(`unknown keys action "${action ?? ''}"`);
    }
  });
}

async function tenants(config: Config, args: string[]): Promise<void> {
  const [action, name] = args;
  await withDatabase(config, async ({ db }) => {
    if (action === 'create') {
      if (!name) throw new UsageError('tenants create needs a name');
      console.log(await createTenant(db, name));
    } else if (action === 'list') {
      const rows = await db
        .selectFrom('tenant')
        .select(['tenant_id', 'name', 'timezone'])
        .execute();
      for (const t of rows) console.log(`${t.tenant_id}\t${t.name}\t${t.timezone}`);
    } else {
      throw new UsageError(`unknown tenants action "${action ?? ''}"`);
    }
  });
}

async function tenantIds(db: Database['db'], only: string | undefined): Promise<string[]> {
  if (only) return [only];
  return (await db.selectFrom('tenant').select('tenant_id').orderBy('tenant_id').execute()).map(
    (t) => t.tenant_id,
  );
}

async function rebuildOrVerify(
  config: Config,
  command: 'rebuild' | 'verify',
  args: string[],
): Promise<void> {
  const { values } = parseArgs({ args, options: { tenant: { type: 'string' } } });
  const differences = await withDatabase(config, async ({ db }) => {
    const { contexts } = createServices(db);
    let found = 0;
    for (const tenantId of await tenantIds(db, values.tenant)) {
      if (command === 'rebuild') {
        console.log(
          `tenant ${tenantId}: rebuilt ${await rebuildTenant(db, tenantId, contexts)} tickets`,
        );
        continue;
      }
      const diffs = await verifyTenant(db, tenantId, contexts);
      for (const d of diffs) {
        console.log(
          `DIFF tenant ${tenantId}${d.ticket_id ? ` ticket ${d.ticket_id}` : ''} ${d.what}\n  stored:   ${d.stored}\n  expected: ${d.expected}`,
        );
      }
      console.log(`tenant ${tenantId}: ${diffs.length} difference(s)`);
      found += diffs.length;
    }
    return found;
  });
  if (differences > 0) process.exitCode = 1;
}

async function compact(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { tenant: { type: 'string' } } });
  await withDatabase(config, async ({ db }) => {
    for (const tenantId of await tenantIds(db, values.tenant)) {
      const { before, after } = await compactRollups(db, tenantId);
      console.log(`tenant ${tenantId}: rollup rows ${before} -> ${after}`);
    }
  });
}

export async function runCli(argv: string[], config: Config): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(config);
    case 'migrate':
      return withDatabase(config, async () => console.log('migrations applied'));
    case 'keys':
      return keys(config, rest);
    case 'rebuild':
    case 'verify':
      return rebuildOrVerify(config, command, rest);
    case 'compact':
      return compact(config, rest);
    case 'tenants':
      return tenants(config, rest);
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

runCli(process.argv.slice(2), loadConfig()).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
