/**
 * `deskmetrics reporting-role create|drop|list`: PostgreSQL login roles for BI tools, each reading
 * one tenant's rows through the `reporting` views (docs/reporting-sql.md). A server only: the
 * embedded database takes no connections but the service's own.
 */
import type { Config } from '../config.js';
import { ExplainedError, UsageError } from '../failure.js';
import {
  generateReportingPassword,
  reportingPasswordProblem,
  scramSha256Verifier,
} from '../storage/reporting-password.js';
import {
  createReportingRole,
  dropReportingRole,
  listReportingRoles,
  onCitus,
  reportingRoleNameProblem,
} from '../storage/reporting-role.repository.js';
import { unknownAction, withDatabase } from './commands.js';
import { parseOptions, requireTenant, tenantIdOption } from './options.js';

export const NOT_ON_CITUS =
  'reporting roles are not available on Citus: a view lends its owner the rights to read only on the coordinator, and Citus reads the workers as the login itself; pull GET /v1/reports/{name} instead (CSV, Arrow, Parquet, incrementally)';

export const EMBEDDED_HAS_NO_LOGINS =
  'the embedded database has no logins: reporting roles need a PostgreSQL server (set DATABASE_URL)';

const OPTIONS = {
  tenant: { type: 'string' },
  name: { type: 'string' },
  password: { type: 'string' },
} as const;

type Action = 'create' | 'drop' | 'list';

/** Which options each action takes, and which of them it needs. */
const TAKES: Record<Action, { allowed: Array<keyof typeof OPTIONS>; needed: string }> = {
  create: { allowed: ['tenant', 'name', 'password'], needed: '--tenant <id> and --name <role>' },
  drop: { allowed: ['name'], needed: '--name <role>' },
  list: { allowed: ['tenant'], needed: '' },
};

function checkOptions(action: Action, values: Partial<Record<keyof typeof OPTIONS, string>>) {
  for (const option of Object.keys(values) as Array<keyof typeof OPTIONS>) {
    if (!TAKES[action].allowed.includes(option)) {
      throw new UsageError(`reporting-role ${action} takes no --${option}`);
    }
  }
  const missing =
    action === 'create' ? !values.tenant || !values.name : action === 'drop' && !values.name;
  if (missing) throw new UsageError(`reporting-role ${action} needs ${TAKES[action].needed}`);
  const problem =
    (values.name === undefined ? undefined : reportingRoleNameProblem(values.name)) ??
    (values.password === undefined ? undefined : reportingPasswordProblem(values.password));
  if (problem !== undefined) throw new UsageError(problem);
}

/** DATABASE_URL with the role's name and password and `database`: what a BI tool connects with. */
function connectionUrl(
  databaseUrl: string,
  role: string,
  password: string,
  database: string,
): string | undefined {
  try {
    const url = new URL(databaseUrl);
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return undefined;
    url.username = role;
    url.password = encodeURIComponent(password);
    url.pathname = `/${encodeURIComponent(database)}`;
    return url.toString();
  } catch {
    return undefined;
  }
}

/** A statement PostgreSQL refused for want of privilege, or a role it cannot drop yet. */
function refused(error: unknown): never {
  const e = error as { code?: string; message?: string; detail?: string };
  if (e.code === '42501') {
    throw new ExplainedError(
      `PostgreSQL refused: ${e.message} (reporting roles need a DATABASE_URL role with CREATEROLE that owns the reporting views, or a superuser)`,
    );
  }
  if (e.code === '2BP01') {
    const detail = e.detail?.split('\n').join('; ');
    throw new ExplainedError(`PostgreSQL refused: ${e.message}${detail ? ` (${detail})` : ''}`);
  }
  throw error;
}

async function create(config: Config, tenantId: string, name: string, given?: string) {
  const password = given ?? generateReportingPassword();
  await withDatabase(config, async (db) => {
    if (await onCitus(db)) throw new ExplainedError(NOT_ON_CITUS);
    await requireTenant(db, tenantId);
    const input = { tenantId, roleName: name, passwordVerifier: scramSha256Verifier(password) };
    const result = await createReportingRole(db, input).catch(refused);
    if (result.outcome === 'not_reporting_role') {
      throw new ExplainedError(
        `a role "${name}" already exists on the server and is not a reporting role of this database: choose another --name`,
      );
    }
    if (result.outcome === 'other_tenant') {
      throw new ExplainedError(
        `"${name}" is the reporting role of tenant ${result.tenantId}: drop it first, or choose another --name`,
      );
    }
    const url = connectionUrl(config.databaseUrl!, name, password, result.database);
    console.log(`role      ${name} (${result.outcome === 'created' ? 'created' : 'new password'})`);
    console.log(`tenant    ${tenantId}`);
    console.log(`database  ${result.database}`);
    console.log(`password  ${password}`);
    if (url !== undefined) console.log(`url       ${url}`);
  });
}

export async function reportingRole(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, OPTIONS, 1);
  const [action] = positionals;
  if (action !== 'create' && action !== 'drop' && action !== 'list') {
    throw new UsageError(unknownAction('reporting-role', action, 'create, drop or list'));
  }
  checkOptions(action, values);
  const tenantId = tenantIdOption(values.tenant);
  if (config.databaseUrl === undefined) throw new ExplainedError(EMBEDDED_HAS_NO_LOGINS);
  if (action === 'create') {
    await create(config, tenantId!, values.name!, values.password);
    return 0;
  }
  await withDatabase(config, async (db) => {
    if (action === 'drop') {
      if (!(await dropReportingRole(db, values.name!).catch(refused))) {
        throw new ExplainedError(
          `there is no reporting role ${values.name} ("deskmetrics reporting-role list" shows them)`,
        );
      }
      console.log(`dropped ${values.name}`);
      return;
    }
    if (tenantId) await requireTenant(db, tenantId);
    for (const r of await listReportingRoles(db, tenantId)) {
      const state = r.role_exists
        ? ''
        : '\t(role missing on the server: drop it, or create it again)';
      console.log(`${r.role_name}\t${r.tenant_id}\t${r.created_at.toISOString()}${state}`);
    }
  });
  return 0;
}
