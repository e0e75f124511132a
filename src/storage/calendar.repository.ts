/**
 * Calendar versions of a tenant. A new version takes the next number under a row lock on the
 * tenant, so two concurrent PUTs of one calendar cannot both become version n.
 */
import { sql, type Kysely } from 'kysely';
import type { CalendarDefinition, CalendarVersion } from '../core/calendar/index.js';
import type { DB } from './schema.js';

export interface StoredCalendarVersion extends CalendarVersion {
  calendarId: string;
  createdAt: Date;
}

type Row = {
  calendar_id: string;
  version: number;
  effective_from: Date;
  definition: unknown;
  created_at: Date;
};

function toVersion(row: Row): StoredCalendarVersion {
  return {
    calendarId: row.calendar_id,
    version: row.version,
    effectiveFrom: row.effective_from.getTime(),
    definition: row.definition as CalendarDefinition,
    createdAt: row.created_at,
  };
}

export async function insertCalendarVersion(
  db: Kysely<DB>,
  tenantId: string,
  calendarId: string,
  effectiveFrom: number,
  definition: CalendarDefinition,
): Promise<StoredCalendarVersion> {
  await sql`select 1 from tenant where tenant_id = ${tenantId}::uuid for update`.execute(db);
  const last = await db
    .selectFrom('calendar_version')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('tenant_id', '=', tenantId)
    .where('calendar_id', '=', calendarId)
    .executeTakeFirst();
  const row = await db
    .insertInto('calendar_version')
    .values({
      tenant_id: tenantId,
      calendar_id: calendarId,
      version: (last?.version ?? 0) + 1,
      effective_from: new Date(effectiveFrom),
      definition: JSON.stringify(definition),
    })
    .returning(['calendar_id', 'version', 'effective_from', 'definition', 'created_at'])
    .executeTakeFirstOrThrow();
  return toVersion(row);
}

/** Every version of every calendar of the tenant (or of one), by calendar then version. */
export async function listCalendarVersions(
  db: Kysely<DB>,
  tenantId: string,
  calendarId?: string,
): Promise<StoredCalendarVersion[]> {
  let query = db
    .selectFrom('calendar_version')
    .select(['calendar_id', 'version', 'effective_from', 'definition', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('calendar_id')
    .orderBy('version');
  if (calendarId !== undefined) query = query.where('calendar_id', '=', calendarId);
  return (await query.execute()).map(toVersion);
}
