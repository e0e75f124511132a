/**
 * Login roles for BI tools (issue 14, docs/reporting-sql.md): a role reads the `reporting` views
 * (migration 0014), which show the rows of the tenant `reporting_role` maps it to. It is granted
 * CONNECT on the database, USAGE on the schema and SELECT on those views — nothing on a table —
 * and its transactions are read-only by default.
 *
 * Roles are cluster-wide; only the roles mapped in this database's `reporting_role` are ever
 * altered or dropped here, so a name that belongs to anything else (the service's own role, a
 * reporting role of another database on the server) is refused. PostgreSQL takes no bind
 * parameters in these statements: names are checked by {@link reportingRoleNameProblem} and
 * quoted as identifiers, and the password arrives as a SCRAM verifier (reporting-password.ts).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from './schema.js';

/** The views of migration 0014, the only relations a reporting role may read. */
export const REPORTING_VIEWS = [
  'tickets',
  'sla_instances',
  'contacts',
  'status_intervals',
  'kpi_daily',
] as const;

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** Names PostgreSQL reserves for itself or for role specifications. */
const RESERVED = new Set(['public', 'none', 'current_user', 'current_role', 'session_user']);

/** Why `name` cannot name a reporting role, or undefined when it can. */
export function reportingRoleNameProblem(name: string): string | undefined {
  if (!ROLE_NAME.test(name)) {
    return `--name takes a role name of 1 to 63 lower-case letters, digits and underscores, not starting with a digit; got "${name}"`;
  }
  if (name.startsWith('pg_') || RESERVED.has(name)) {
    return `"${name}" is reserved by PostgreSQL: choose another --name`;
  }
  return undefined;
}

export type CreateReportingRoleResult =
  /** The role is ready; `database` is the database it may connect to. */
  | { outcome: 'created' | 'updated'; database: string }
  /** A role of that name exists and is not a reporting role of this database: left alone. */
  | { outcome: 'not_reporting_role' }
  /** The name is the reporting role of another tenant. */
  | { outcome: 'other_tenant'; tenantId: string };

export interface ReportingRoleInput {
  tenantId: string;
  roleName: string;
  /** `scramSha256Verifier(password)`: the password itself is never sent. */
  passwordVerifier: string;
}

interface RoleState {
  database: string;
  role_exists: boolean;
  tenant_id: string | null;
}

async function roleState(db: Kysely<DB>, roleName: string): Promise<RoleState> {
  const { rows } = await sql<RoleState>`
    select current_database() as database,
      exists (select from pg_roles where rolname = ${roleName}) as role_exists,
      (select tenant_id from reporting_role where role_name = ${roleName}) as tenant_id`.execute(
    db,
  );
  return rows[0]!;
}

function checkedName(roleName: string): RawBuilder<unknown> {
  const problem = reportingRoleNameProblem(roleName);
  if (problem !== undefined) throw new Error(problem);
  return sql.id(roleName);
}

/**
 * Creates the login role of `tenantId`, or gives the existing one a new password (and the grants
 * of views added since), in one transaction.
 */
export async function createReportingRole(
  db: Kysely<DB>,
  input: ReportingRoleInput,
): Promise<CreateReportingRoleResult> {
  const role = checkedName(input.roleName);
  return db.transaction().execute(async (trx) => {
    const state = await roleState(trx, input.roleName);
    if (state.tenant_id !== null && state.tenant_id !== input.tenantId) {
      return { outcome: 'other_tenant', tenantId: state.tenant_id };
    }
    if (state.role_exists && state.tenant_id === null) return { outcome: 'not_reporting_role' };
    const password = sql.lit(input.passwordVerifier);
    if (state.role_exists) {
      await sql`alter role ${role} with login password ${password}`.execute(trx);
    } else {
      await sql`create role ${role} with login password ${password}`.execute(trx);
    }
    // A default the role could change for itself: what keeps it from writing is having no
    // privilege to write anything, this makes a BI tool's session say so up front.
    await sql`alter role ${role} set default_transaction_read_only = on`.execute(trx);
    await sql`grant connect on database ${sql.id(state.database)} to ${role}`.execute(trx);
    await sql`grant usage on schema reporting to ${role}`.execute(trx);
    const views = sql.join(REPORTING_VIEWS.map((v) => sql.id('reporting', v)));
    await sql`grant select on ${views} to ${role}`.execute(trx);
    if (state.tenant_id === null) {
      await sql`insert into reporting_role (role_name, tenant_id)
        values (${input.roleName}, ${input.tenantId}::uuid)`.execute(trx);
    }
    return { outcome: state.role_exists ? 'updated' : 'created', database: state.database };
  });
}

/**
 * Revokes what the reporting role was granted and drops it; false when `roleName` is not a
 * reporting role of this database (nothing is touched then). A role already dropped by hand
 * only loses its mapping.
 */
export async function dropReportingRole(db: Kysely<DB>, roleName: string): Promise<boolean> {
  const role = checkedName(roleName);
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ tenant_id: string }>`
      delete from reporting_role where role_name = ${roleName} returning tenant_id`.execute(trx);
    if (rows.length === 0) return false;
    const state = await roleState(trx, roleName);
    if (!state.role_exists) return true;
    await sql`revoke all on all tables in schema reporting from ${role}`.execute(trx);
    await sql`revoke all on schema reporting from ${role}`.execute(trx);
    await sql`revoke all on database ${sql.id(state.database)} from ${role}`.execute(trx);
    await sql`drop role ${role}`.execute(trx);
    return true;
  });
}

export interface ReportingRoleInfo {
  role_name: string;
  tenant_id: string;
  created_at: Date;
  /** False when the role was dropped outside deskmetrics (its mapping is left). */
  role_exists: boolean;
}

/** The reporting roles of this database (of one tenant when given), by name. */
export async function listReportingRoles(
  db: Kysely<DB>,
  tenantId?: string,
): Promise<ReportingRoleInfo[]> {
  const only = tenantId === undefined ? sql`` : sql`where r.tenant_id = ${tenantId}::uuid`;
  const { rows } = await sql<ReportingRoleInfo>`
    select r.role_name, r.tenant_id, r.created_at,
      exists (select from pg_roles p where p.rolname = r.role_name) as role_exists
    from reporting_role r
    ${only}
    order by r.role_name`.execute(db);
  return rows;
}

/**
 * Whether the database is a Citus coordinator. Its reporting views cannot serve a login there:
 * a view lends its owner's rights on the coordinator, but Citus reads the shards on the workers
 * as the login itself, which may read no table.
 */
export async function onCitus(db: Kysely<DB>): Promise<boolean> {
  const { rows } = await sql<{ citus: boolean }>`
    select exists (select 1 from pg_extension where extname = 'citus') as citus`.execute(db);
  return rows[0]!.citus;
}
