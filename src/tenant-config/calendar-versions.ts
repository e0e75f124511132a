/**
 * A new calendar version (calendars.md): stored, the tenant's configuration revision bumped and
 * the recomputation it calls for recorded, all in one transaction — the job runs after the commit.
 */
import { insertAudit, type AuditActor } from '../storage/audit.repository.js';
import type { CalendarDefinition } from '../core/calendar/index.js';
import { insertCalendarVersion, listCalendarVersions } from '../storage/calendar.repository.js';
import type { RecomputeScope } from '../storage/recompute-job.repository.js';
import { bumpConfigRevision } from '../storage/tenant.repository.js';
import type { LoadedCalendar } from './calendar-registry.js';
import type { TenantConfigDeps } from './config-deps.js';

export interface CalendarVersionInput {
  tenantId: string;
  calendarId: string;
  effectiveFrom: number;
  /** Already validated (core/calendar's validateCalendarDefinition). */
  definition: CalendarDefinition;
  /** Who changed it: recorded in the audit log in the change's transaction. */
  actor?: AuditActor;
}

/** Stores the version; returns the recomputation job and the calendar with its new version. */
export async function putCalendarVersion(
  deps: TenantConfigDeps,
  input: CalendarVersionInput,
): Promise<{ jobId: string; calendar: LoadedCalendar }> {
  const { tenantId, calendarId, effectiveFrom } = input;
  const jobId = await deps.db.transaction().execute(async (trx) => {
    const earlier = await listCalendarVersions(trx, tenantId, calendarId);
    await insertCalendarVersion(trx, tenantId, calendarId, effectiveFrom, input.definition);
    await bumpConfigRevision(trx, tenantId);
    if (input.actor !== undefined) {
      await insertAudit(trx, {
        tenantId,
        actor: input.actor,
        action: 'calendar.changed',
        target: calendarId,
        details: { effective_from: new Date(effectiveFrom).toISOString() },
      });
    }
    // A first (or earliest) version also governs the time before it; others only from effective_from.
    const scope: RecomputeScope = earlier.every((v) => v.effectiveFrom >= effectiveFrom)
      ? { kind: 'all' }
      : { kind: 'activity', from: effectiveFrom };
    return deps.jobs.create(trx, tenantId, `calendar ${calendarId} changed`, scope);
  });
  deps.jobs.kick();
  const calendar = await deps.calendars.load(deps.db, tenantId, calendarId);
  // Just committed, and versions are never deleted.
  return { jobId, calendar: calendar! };
}
