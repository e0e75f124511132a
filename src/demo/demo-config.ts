/**
 * What the demo tells the service about its help desk, through the same API an administrator
 * uses (demo-load.ts sends these bodies): the tenant's settings, the Warsaw office calendar and
 * three SLA policies. The built-in `24x7` calendar serves the critical policy.
 */
import type { CalendarDefinition } from '../core/calendar/index.js';

export const OFFICE_CALENDAR_ID = 'warsaw-office';
export const ALWAYS_OPEN_ID = '24x7';

const day: Array<[string, string]> = [['08:00', '17:00']];

/** Mon–Fri 08:00–17:00 in Warsaw; Polish public holidays closed. */
export const OFFICE_HOURS: CalendarDefinition = {
  name: 'Warsaw office',
  timezone: 'Europe/Warsaw',
  weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] },
  holidays: { country: 'PL' },
};

const iso = (ms: number) => new Date(ms).toISOString();

/** `PUT /v1/tenant`. */
export const TENANT_SETTINGS = {
  name: 'Demo help desk',
  timezone: 'Europe/Warsaw',
  default_calendar_id: OFFICE_CALENDAR_ID,
};

/** `PUT /v1/calendars/warsaw-office`, in force from `effectiveFrom`. */
export function officeCalendarBody(effectiveFrom: number) {
  return { ...OFFICE_HOURS, effective_from: iso(effectiveFrom) };
}

const HOUR = 3600;

/** `PUT /v1/sla-policies`: the first matching policy applies, so the catch-all comes last. */
export function slaPoliciesBody(effectiveFrom: number) {
  return {
    effective_from: iso(effectiveFrom),
    policies: [
      {
        id: 'critical-24x7',
        name: 'Critical: urgent tickets, around the clock',
        match: { priority: ['urgent'] },
        calendar_id: ALWAYS_OPEN_ID,
        targets: { first_response: 1 * HOUR, next_response: 2 * HOUR, resolution: 8 * HOUR },
        at_risk: 0.75,
      },
      {
        id: 'priority',
        name: 'Priority: high-priority tickets, office hours',
        match: { priority: ['high'] },
        calendar_id: OFFICE_CALENDAR_ID,
        targets: { first_response: 4 * HOUR, next_response: 4 * HOUR, resolution: 24 * HOUR },
      },
      {
        id: 'standard',
        name: 'Standard: everything else, office hours',
        match: {},
        calendar_id: OFFICE_CALENDAR_ID,
        targets: { first_response: 8 * HOUR, next_response: 8 * HOUR, resolution: 40 * HOUR },
        pause: { resolution: ['pending', 'on_hold'] },
      },
    ],
  };
}
