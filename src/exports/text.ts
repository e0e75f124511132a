/**
 * Text forms of values shared by the text writers: timestamps as ISO 8601 UTC with milliseconds
 * and floats as PostgreSQL's float8 output prints them, so the CSV writer matches COPY byte for
 * byte. Both sit on the hot path of every row, hence the lookup tables and the date cache.
 */

const DAY_MS = 86_400_000;
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const PAD2 = Array.from({ length: 100 }, (_, i) => pad(i, 2));
const PAD3 = Array.from({ length: 1000 }, (_, i) => pad(i, 3));

// A direct-mapped cache of date prefixes: exports repeat days far more often than they repeat
// instants, and the civil-date arithmetic plus four concatenations dominate a timestamp's cost.
const CACHE_SLOTS = 4096;
const cachedDays = new Float64Array(CACHE_SLOTS).fill(NaN);
const cachedPrefixes: string[] = new Array<string>(CACHE_SLOTS).fill('');

/** `YYYY-MM-DDT` of a day number since 1970-01-01 (proleptic Gregorian, H. Hinnant's method). */
function datePrefix(days: number): string {
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
  // Years past 9999 print all their digits, as to_char's YYYY does.
  const y = year >= 0 && year < 10_000 ? pad(year, 4) : String(year);
  return `${y}-${PAD2[month]!}-${PAD2[day]!}T`;
}

function cachedPrefix(days: number): string {
  const slot = days & (CACHE_SLOTS - 1);
  if (cachedDays[slot] === days) return cachedPrefixes[slot]!;
  const prefix = datePrefix(days);
  cachedDays[slot] = days;
  cachedPrefixes[slot] = prefix;
  return prefix;
}

/** Epoch milliseconds as `2026-01-01T10:00:00.000Z`. */
export function isoTimestamp(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  const prefix = cachedPrefix(days);
  let rest = ms - days * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  const hour = (rest - min) / 60;
  return `${prefix}${PAD2[hour]!}:${PAD2[min]!}:${PAD2[sec]!}.${PAD3[milli]!}Z`;
}

/**
 * A finite float as PostgreSQL 12+ prints float8 (shortest round-trip digits, like JavaScript),
 * which differs from `String(n)` only in layout: PostgreSQL switches to exponent notation below
 * 1e-4 and from 1e15 (JavaScript: 1e-7 and 1e21), pads the exponent to two digits and keeps the
 * sign of -0.
 */
export function pgFloat(n: number): string {
  const abs = Math.abs(n);
  if ((abs >= 1e-4 && abs < 1e15) || (n === 0 && !Object.is(n, -0))) return String(n);
  if (n === 0) return '-0';
  // toExponential() with no argument gives the same shortest digits String(n) would.
  const text = n.toExponential();
  const e = text.indexOf('e');
  const exponent = Number(text.slice(e + 1));
  const sign = exponent < 0 ? '-' : '+';
  return `${text.slice(0, e)}e${sign}${pad(Math.abs(exponent), 2)}`;
}

const digit = (n: number) => 0x30 + n;

/** `isoTimestamp(ms)` written as ASCII into `out` at `at` (no string made); returns the end. */
export function isoTimestampInto(ms: number, out: Uint8Array, at: number): number {
  const days = Math.floor(ms / DAY_MS);
  const prefix = cachedPrefix(days);
  let p = at;
  for (let k = 0; k < prefix.length; k++) out[p++] = prefix.charCodeAt(k);
  let rest = ms - days * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  const hour = (rest - min) / 60;
  out[p++] = digit((hour / 10) | 0);
  out[p++] = digit(hour % 10);
  out[p++] = 0x3a; // :
  out[p++] = digit((min / 10) | 0);
  out[p++] = digit(min % 10);
  out[p++] = 0x3a;
  out[p++] = digit((sec / 10) | 0);
  out[p++] = digit(sec % 10);
  out[p++] = 0x2e; // .
  out[p++] = digit((milli / 100) | 0);
  out[p++] = digit(((milli / 10) | 0) % 10);
  out[p++] = digit(milli % 10);
  out[p++] = 0x5a; // Z
  return p;
}
