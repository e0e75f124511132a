/**
 * Whether the database knows a time zone name. The service checks zones with ICU (luxon, Intl),
 * PostgreSQL with its own tz data, and the two copies differ: a name the tz data has dropped
 * (US/Pacific-New, Canada/East-Saskatchewan) is still valid to ICU and an error in SQL ("time
 * zone … not recognized") — a 500 wherever a zone reaches a statement (the kpi-daily report's
 * local days). Names found known are remembered: a few hundred exist.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';

/** PostgreSQL's invalid_parameter_value, which an unknown zone raises. */
const INVALID_PARAMETER_VALUE = '22023';
const known = new Set<string>();

export async function databaseKnowsZone(db: Kysely<DB>, zone: string): Promise<boolean> {
  if (known.has(zone)) return true;
  try {
    await sql`select now() at time zone ${zone}`.execute(db);
  } catch (error) {
    if ((error as { code?: unknown }).code === INVALID_PARAMETER_VALUE) return false;
    throw error;
  }
  if (known.size < 2000) known.add(zone);
  return true;
}
