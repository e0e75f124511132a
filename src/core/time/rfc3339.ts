/**
 * Strict RFC 3339 timestamps: a date, `T` (or a space), a time, and an offset that is required —
 * a local time without an offset names no instant. Fractions beyond milliseconds are truncated
 * (instants are kept to the millisecond). Returns epoch ms, or the reason it is not accepted.
 */
const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})?$/;

import { INSTANT_RANGE_MESSAGE, MAX_INSTANT, MIN_INSTANT } from '../domain.js';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** The digit at `i` of `s`, or -1 when that character is not an ASCII digit. */
function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/**
 * The UTC form senders mostly use, `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS.sssZ`, read
 * without a regular expression or a Date; undefined for any other text, or a field out of range
 * (the general parser then gives the reason).
 */
function parseUtcFast(s: string): number | undefined {
  const n = s.length;
  if (n !== 20 && n !== 24) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return undefined;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(n - 1) !== 90) {
    return undefined;
  }
  let ms = 0;
  if (n === 24) {
    if (s.charCodeAt(19) !== 46) return undefined;
    const a = digit(s, 20);
    const b = digit(s, 21);
    const c = digit(s, 22);
    if ((a | b | c) < 0) return undefined;
    ms = a * 100 + b * 10 + c;
  }
  const y0 = digit(s, 0);
  const y1 = digit(s, 1);
  const y2 = digit(s, 2);
  const y3 = digit(s, 3);
  const mo0 = digit(s, 5);
  const mo1 = digit(s, 6);
  const d0 = digit(s, 8);
  const d1 = digit(s, 9);
  const h0 = digit(s, 11);
  const h1 = digit(s, 12);
  const mi0 = digit(s, 14);
  const mi1 = digit(s, 15);
  const s0 = digit(s, 17);
  const s1 = digit(s, 18);
  if ((y0 | y1 | y2 | y3 | mo0 | mo1 | d0 | d1 | h0 | h1 | mi0 | mi1 | s0 | s1) < 0) {
    return undefined;
  }
  const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const mo = mo0 * 10 + mo1;
  const d = d0 * 10 + d1;
  const h = h0 * 10 + h1;
  const mi = mi0 * 10 + mi1;
  const sec = s0 * 10 + s1;
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) return undefined;
  if (d > (mo === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[mo - 1]!)) return undefined;
  // Days since 1970-01-01 (Howard Hinnant's days_from_civil; y ≥ 1000, so no negative eras).
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146_097 + doe - 719_468;
  return days * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
}

export function parseRfc3339(text: string): number | string {
  const fast = parseUtcFast(text);
  if (fast !== undefined) {
    return fast >= MIN_INSTANT && fast <= MAX_INSTANT ? fast : INSTANT_RANGE_MESSAGE;
  }
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
  if (instant < MIN_INSTANT || instant > MAX_INSTANT) return INSTANT_RANGE_MESSAGE;
  return instant;
}
