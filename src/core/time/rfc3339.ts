/**
 * Strict RFC 3339 timestamps: a date, `T` (or a space), a time, and an offset that is required —
 * a local time without an offset names no instant. Fractions beyond milliseconds are truncated
 * (instants are kept to the millisecond). Returns epoch ms, or the reason it is not accepted.
 */
const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})?$/;

/** The instants deskmetrics stores and computes with: years 1000–9999 in UTC. */
export const MIN_INSTANT = Date.UTC(1000, 0, 1);
export const MAX_INSTANT = Date.UTC(10000, 0, 1) - 1;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function parseRfc3339(text: string): number | string {
  const m = PATTERN.exec(text);
  if (!m) return 'must be an RFC 3339 timestamp such as 2026-11-20T09:15:00.250+01:00';
  const [, ys, mos, ds, hs, mis, ss, frac, offset] = m;
  if (offset === undefined) return 'must include a UTC offset (Z or ±hh:mm)';
  const y = Number(ys);
  const mo = Number(mos);
  const d = Number(ds);
  const h = Number(hs);
  const mi = Number(mis);
  const s = Number(ss);
  const maxDay = mo === 2 && isLeap(y) ? 29 : (DAYS_IN_MONTH[mo - 1] ?? 0);
  if (mo < 1 || mo > 12 || d < 1 || d > maxDay || h > 23 || mi > 59 || s > 59) {
    return 'is not a valid date and time';
  }
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  let offsetMinutes = 0;
  if (offset !== 'Z' && offset !== 'z') {
    const oh = Number(offset.slice(1, 3));
    const om = Number(offset.slice(4, 6));
    if (oh > 23 || om > 59) return 'has an invalid UTC offset';
    offsetMinutes = (oh * 60 + om) * (offset.startsWith('-') ? -1 : 1);
  }
  // (Date.UTC would read years 0–99 as 1900–1999; they are out of range anyway.)
  const instant =
    y < 1000
      ? Number.NEGATIVE_INFINITY
      : Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMinutes * 60_000;
  if (instant < MIN_INSTANT || instant > MAX_INSTANT)
    return 'must be between the years 1000 and 9999 (UTC)';
  return instant;
}
