/**
 * Tenant settings (api.md: GET/PUT /v1/tenant). Only a change of the default calendar alters
 * what the fold computes, so only that bumps the configuration revision and starts a
 * recomputation of every ticket.
 */
import { insertAudit, type AuditActor } from '../storage/audit.repository.js';
import { IANAZone } from 'luxon';
import { databaseKnowsZone } from '../storage/time-zones.js';
import {
  bumpConfigRevision,
  findTenantSettings,
  updateTenantSettings,
  type TenantSettings,
  type TenantSettingsChange,
} from '../storage/tenant.repository.js';
import type { ConfigError, TenantConfigDeps } from './config-deps.js';

export type { TenantSettings };

export type PutTenantResult =
  | { ok: true; settings: TenantSettings; jobId: string | undefined }
  | { ok: false; error: ConfigError };

export async function getTenantSettings(
  deps: Pick<TenantConfigDeps, 'db'>,
  tenantId: string,
): Promise<TenantSettings> {
  return findTenantSettings(deps.db, tenantId);
}

/** Checks the change (a known IANA zone, an existing calendar), then stores it. */
export async function putTenantSettings(
  deps: TenantConfigDeps,
  tenantId: string,
  change: TenantSettingsChange,
  actor?: AuditActor,
): Promise<PutTenantResult> {
  if (change.timezone !== undefined && !IANAZone.isValidZone(change.timezone)) {
    return {
      ok: false,
      error: { path: '/timezone', message: `unknown IANA timezone "${change.timezone}"` },
    };
  }
  // The default zone reaches SQL (the kpi-daily report): PostgreSQL must know it too.
  if (change.timezone !== undefined && !(await databaseKnowsZone(deps.db, change.timezone))) {
    return {
      ok: false,
      error: {
        path: '/timezone',
        message: `the database does not know the time zone "${change.timezone}"`,
      },
    };
  }
  if (
    change.default_calendar_id !== undefined &&
    !(await deps.calendars.loadAll(deps.db, tenantId)).has(change.default_calendar_id)
  ) {
    return {
      ok: false,
      error: {
        path: '/default_calendar_id',
        message: `no calendar "${change.default_calendar_id}"`,
      },
    };
  }
  // Nothing to change (`{}`): an UPDATE without a SET list is not SQL.
  if (Object.keys(change).length === 0) {
    return { ok: true, settings: await findTenantSettings(deps.db, tenantId), jobId: undefined };
  }
  const jobId = await deps.db.transaction().execute(async (trx) => {
    const { previousDefaultCalendarId } = await updateTenantSettings(trx, tenantId, change);
    if (actor !== undefined) {
      await insertAudit(trx, {
        tenantId,
        actor,
        action: 'tenant.changed',
        details: { ...change },
      });
    }
    if (
      change.default_calendar_id === undefined ||
      change.default_calendar_id === previousDefaultCalendarId
    )
      return undefined;
    await bumpConfigRevision(trx, tenantId);
    return deps.jobs.create(trx, tenantId, 'default calendar changed', { kind: 'all' });
  });
  deps.jobs.kick();
  return { ok: true, settings: await findTenantSettings(deps.db, tenantId), jobId };
}
