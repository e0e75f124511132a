/**
 * Civil (wall-clock) dates and times without a time zone.
 *
 * Why: calendars are defined in local dates and local times, and the engine must iterate local
 * dates one by one (edge case 2: never step by 86,400 s). A local date is represented as its day
 * number (days since 1970-01-01 in the proleptic Gregorian calendar) and a local wall-clock time as
 * "local milliseconds" (day number × 86,400,000 + milliseconds into the day), which turns date
 * iteration into integer arithmetic. Converting local milliseconds to instants is the job of the
 * zone rules (zone-rules.ts), never of this file.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Day number of a proleptic Gregorian date (H. Hinnant's `days_from_civil`); month is 1..12. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthIndex = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthIndex + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The inverse of {@link daysFromCivil}. */
export function civilFromDays(dayNumber: number): { year: number; month: number; day: number } {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 0 = Monday … 6 = Sunday (1970-01-01, day 0, was a Thursday). */
export function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 3) % 7) + 7) % 7;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a real `YYYY-MM-DD` date, or `null` (bad shape or no such day, e.g. 2026-02-30). */
export function parseLocalDate(text: string): number | null {
  const match = DATE_PATTERN.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const dayNumber = daysFromCivil(year, month, day);
  const back = civilFromDays(dayNumber);
  return back.month === month && back.day === day ? dayNumber : null;
}

const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;
const END_OF_DAY_PATTERN = /^24:00(?::00)?$/;

/**
 * Milliseconds into the day of `HH:MM` or `HH:MM:SS` (00:00 … 23:59:59), or of `24:00`/`24:00:00`
 * when `allowEndOfDay` (an interval end only). `null` when the text is not such a time.
 */
export function parseTimeOfDay(text: string, allowEndOfDay: boolean): number | null {
  if (END_OF_DAY_PATTERN.test(text)) return allowEndOfDay ? DAY_MS : null;
  const match = TIME_PATTERN.exec(text);
  if (!match) return null;
  return Number(match[1]) * HOUR_MS + Number(match[2]) * MINUTE_MS + Number(match[3] ?? 0) * 1000;
}
