/** Instants as the ISO 8601 text PostgreSQL reads (`Date#toISOString`), fast. */

const DAY_MS = 86_400_000;
/** 9999-12-31T23:59:59.999Z: up to it, `toISOString` writes a 4-digit year. */
const LAST_4_DIGIT_YEAR_MS = 253_402_300_799_999;

const PAD2 = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/** `YYYY-MM-DDT` of recent days (instants of one batch fall on few days). */
const dayPrefixes = new Map<number, string>();

function dayPrefix(days: number): string {
  let prefix = dayPrefixes.get(days);
  if (prefix !== undefined) return prefix;
  // Howard Hinnant's civil_from_days, for days ≥ 0 (1970-01-01 onwards).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  prefix = `${String(year).padStart(4, '0')}-${PAD2[month]!}-${PAD2[day]!}T`;
  if (dayPrefixes.size >= 20_000) dayPrefixes.clear();
  dayPrefixes.set(days, prefix);
  return prefix;
}

/**
 * `new Date(ms).toISOString()`, without the Date: several per derived row add up. Integer
 * instants of years 1970–9999 are formatted here, anything else by the Date.
 */
export function isoString(ms: number): string {
  if (!(ms >= 0 && ms <= LAST_4_DIGIT_YEAR_MS && Number.isInteger(ms))) {
    return new Date(ms).toISOString();
  }
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  return `${dayPrefix(days)}${PAD2[hour]!}:${PAD2[minute]!}:${PAD2[second]!}.${PAD3[rest - second * 1000]!}Z`;
}
