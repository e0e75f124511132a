/**
 * Compiled calendars of each tenant, cached by their latest version number: compiling expands
 * holiday tables and zone rules, so it is done once per version, not per request or per event.
 * A new version (from this process or another) changes the signature and recompiles.
 */
import type { Kysely } from 'kysely';
import {
  ALWAYS_OPEN,
  ALWAYS_OPEN_CALENDAR_ID,
  compileCalendar,
  type BusinessCalendar,
} from '../core/calendar/index.js';
import {
  listCalendarVersions,
  type StoredCalendarVersion,
} from '../storage/calendar.repository.js';
import type { DB } from '../storage/schema.js';

export type { StoredCalendarVersion };

export interface LoadedCalendar {
  id: string;
  calendar: BusinessCalendar;
  /** Empty for the built-in 24x7. */
  versions: StoredCalendarVersion[];
}

export const BUILT_IN_24X7: LoadedCalendar = {
  id: ALWAYS_OPEN_CALENDAR_ID,
  calendar: ALWAYS_OPEN,
  versions: [],
};

export class CalendarRegistry {
  private readonly compiled = new Map<string, { signature: string; calendar: BusinessCalendar }>();

  /** All calendars of the tenant, the built-in 24x7 included. */
  async loadAll(db: Kysely<DB>, tenantId: string): Promise<Map<string, LoadedCalendar>> {
    const byId = new Map<string, StoredCalendarVersion[]>();
    for (const v of await listCalendarVersions(db, tenantId)) {
      byId.set(v.calendarId, [...(byId.get(v.calendarId) ?? []), v]);
    }
    const result = new Map<string, LoadedCalendar>([[ALWAYS_OPEN_CALENDAR_ID, BUILT_IN_24X7]]);
    for (const [id, versions] of byId) result.set(id, this.toLoaded(tenantId, id, versions));
    return result;
  }

  async load(
    db: Kysely<DB>,
    tenantId: string,
    calendarId: string,
  ): Promise<LoadedCalendar | undefined> {
    if (calendarId === ALWAYS_OPEN_CALENDAR_ID) return BUILT_IN_24X7;
    const versions = await listCalendarVersions(db, tenantId, calendarId);
    return versions.length === 0 ? undefined : this.toLoaded(tenantId, calendarId, versions);
  }

  private toLoaded(
    tenantId: string,
    id: string,
    versions: StoredCalendarVersion[],
  ): LoadedCalendar {
    const key = `${tenantId}/${id}`;
    const signature = versions.map((v) => v.version).join(',');
    let entry = this.compiled.get(key);
    if (entry?.signature !== signature) {
      entry = { signature, calendar: compileCalendar(versions) };
      this.compiled.set(key, entry);
    }
    return { id, calendar: entry.calendar, versions };
  }
}
