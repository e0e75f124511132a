/**
 * The CLI's commands on the database: migrate, tenants, keys, rebuild, verify, compact
 * (reporting-role in reporting-role.ts, doctor in doctor.ts). Each returns its exit status;
 * mistakes are thrown as UsageError or ExplainedError (failure.ts).
 */
import { rebuildTenant, verifyTenant } from '../ingest/rebuild.js';
import { ExplainedError, UsageError } from '../failure.js';
import type { Config } from '../config.js';
import { thisProcess } from '../main.js';
import { createServices } from '../services.js';
import { openDatabase, type Database } from '../storage/database.js';
import { migrate } from '../storage/migrator.js';
import { compactRollups } from '../storage/rollup.repository.js';
import {
  createApiKey,
  createTenant,
  keyIdArgument,
  listApiKeys,
  listTenantIds,
  listTenants,
  revokeApiKey,
} from '../storage/tenant.repository.js';
import { parseOptions, parseScopes, requireTenant, tenantIdOption } from './options.js';

type Db = Database['db'];

export async function withDatabase<T>(config: Config, work: (db: Db) => Promise<T>): Promise<T> {
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    lockOwner: thisProcess,
    poolSize: 2,
  });
  try {
    await migrate(database.db);
    return await work(database.db);
  } finally {
    await database.close();
  }
}

export async function migrateCommand(config: Config, args: string[]): Promise<number> {
  parseOptions(args, {});
  await withDatabase(config, async () => console.log('migrations applied'));
  return 0;
}

export function unknownAction(command: string, action: string | undefined, known: string): string {
  return action === undefined
    ? `${command} needs an action: ${known}`
    : `unknown ${command} action "${action}" (${known})`;
}

export async function tenants(config: Config, args: string[]): Promise<number> {
  const { positionals } = parseOptions(args, {}, 2);
  const [action, name] = positionals;
  if (action === 'create' && !name?.trim()) throw new UsageError('tenants create needs a name');
  if (action === 'list' && name !== undefined) {
    throw new UsageError(`unexpected argument "${name}"`);
  }
  if (action !== 'create' && action !== 'list') {
    throw new UsageError(unknownAction('tenants', action, 'create or list'));
  }
  await withDatabase(config, async (db) => {
    if (action === 'create') {
      console.log(await createTenant(db, name!));
      return;
    }
    for (const t of await listTenants(db)) console.log(`${t.tenant_id}\t${t.name}\t${t.timezone}`);
  });
  return 0;
}

const KEY_OPTIONS = {
  tenant: { type: 'string' },
  name: { type: 'string' },
  scopes: { type: 'string' },
  expires: { type: 'string' },
} as const;

const DURATION = /^(\d{1,5})([hdw])$/;
const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `--expires`: a duration from now (`12h`, `90d`, `8w`) or an RFC 3339 instant in the future. */
export function expiryOf(text: string | undefined, now: number): Date | undefined {
  if (text === undefined) return undefined;
  const duration = DURATION.exec(text);
  const at = duration
    ? now + Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS]
    : /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/i.test(text)
      ? Date.parse(text)
      : NaN;
  if (!Number.isFinite(at)) {
    throw new UsageError(
      `--expires takes a duration such as 90d, 12h or 8w, or an instant such as 2027-01-01T00:00:00Z; got "${text}"`,
    );
  }
  if (at <= now) throw new UsageError(`--expires ${text} is not in the future`);
  return new Date(at);
}

/** `dm_abcdefgh…`: how a key is shown once created, never whole. */
function shownKey(keyId: string): string {
  return `dm_${keyId}…`;
}

export async function keys(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, KEY_OPTIONS, 2);
  const [action, typed] = positionals;
  const keyId = typed === undefined ? undefined : keyIdArgument(typed);
  const tenantId = tenantIdOption(values.tenant);
  if (action !== 'create' && action !== 'list' && action !== 'revoke') {
    throw new UsageError(unknownAction('keys', action, 'create, list or revoke'));
  }
  if (action === 'create' && !tenantId) throw new UsageError('keys create needs --tenant <id>');
  if (action === 'revoke' && !keyId) throw new UsageError('keys revoke needs a key_id');
  if (action !== 'revoke' && keyId !== undefined) {
    throw new UsageError(`unexpected argument "${keyId}"`);
  }
  const scopes = action === 'create' ? parseScopes(values.scopes) : [];
  const expiresAt = action === 'create' ? expiryOf(values.expires, Date.now()) : undefined;
  if (action !== 'create' && values.expires !== undefined) {
    throw new UsageError('--expires goes with keys create');
  }
  await withDatabase(config, async (db) => {
    if (tenantId) await requireTenant(db, tenantId);
    if (action === 'create') {
      const created = await createApiKey(db, {
        tenantId: tenantId!,
        name: values.name ?? 'cli',
        scopes,
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      });
      const until = expiresAt === undefined ? '' : ` (expires ${expiresAt.toISOString()})`;
      console.log(`key_id ${created.keyId}${until}\n${created.key}`);
    } else if (action === 'list') {
      for (const k of await listApiKeys(db, tenantId)) {
        const state = k.revoked_at
          ? `revoked ${k.revoked_at.toISOString()}`
          : k.expires_at && k.expires_at.getTime() <= Date.now()
            ? `expired ${k.expires_at.toISOString()}`
            : k.expires_at
              ? `active until ${k.expires_at.toISOString()}`
              : 'active';
        const used = k.last_used_at ? `last used ${k.last_used_at.toISOString()}` : 'never used';
        console.log(
          `${k.key_id}\t${shownKey(k.key_id)}\t${k.tenant_id}\t${k.scopes.join(',')}\t${k.name}\t${state}\t${used}`,
        );
      }
    } else {
      if ((await revokeApiKey(db, keyId!, tenantId)) === 0) {
        throw new ExplainedError(
          `there is no active key ${keyId} ("deskmetrics keys list" shows them)`,
        );
      }
      console.log(`revoked ${keyId}`);
    }
  });
  return 0;
}

/** The tenants a command runs on: `--tenant` (which must exist), else all of them. */
async function tenantIds(db: Db, only: string | undefined): Promise<string[]> {
  if (only) {
    await requireTenant(db, only);
    return [only];
  }
  return listTenantIds(db);
}

function tenantOption(args: string[]): string | undefined {
  return tenantIdOption(parseOptions(args, { tenant: { type: 'string' } }).values.tenant);
}

export async function rebuild(config: Config, args: string[]): Promise<number> {
  const only = tenantOption(args);
  await withDatabase(config, async (db) => {
    const { contexts } = createServices(db);
    for (const tenantId of await tenantIds(db, only)) {
      const tickets = await rebuildTenant(db, tenantId, contexts);
      console.log(`tenant ${tenantId}: rebuilt ${tickets} tickets`);
    }
  });
  return 0;
}

export async function verify(config: Config, args: string[]): Promise<number> {
  const only = tenantOption(args);
  const differences = await withDatabase(config, async (db) => {
    const { contexts } = createServices(db);
    let found = 0;
    for (const tenantId of await tenantIds(db, only)) {
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
  return differences > 0 ? 1 : 0;
}

export async function compact(config: Config, args: string[]): Promise<number> {
  const only = tenantOption(args);
  await withDatabase(config, async (db) => {
    for (const tenantId of await tenantIds(db, only)) {
      const { before, after } = await compactRollups(db, tenantId);
      console.log(`tenant ${tenantId}: rollup rows ${before} -> ${after}`);
    }
  });
  return 0;
}
