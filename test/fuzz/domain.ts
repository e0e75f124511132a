/** Values with meaning in this domain: time zones, instants as RFC 3339 texts. */
import type { GenContext } from './draft.js';
import { chance, pick } from './random.js';
import type { ValueContext } from './schema-values.js';

export const QUARTER = 15 * 60_000;
export const DAY = 86_400_000;

/** IANA zones with unusual rules: half-hour and 45-minute offsets, DST in both hemispheres. */
export const TIMEZONES = [
  'UTC',
  'Europe/Warsaw',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/St_Johns',
  'Asia/Kathmandu',
  'Pacific/Kiritimati',
  'America/Sao_Paulo',
  'Africa/Casablanca',
];

/** An RFC 3339 text of `ms`, in UTC or at a random offset (both are valid instants). */
export function rfc3339(ms: number, ctx: GenContext): string {
  if (!chance(ctx.r, 0.3)) return new Date(ms).toISOString();
  const offset = pick(ctx.r, [60, -300, 330, 345, -210, 0]);
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  return `${local}${sign}${hh}:${String(abs % 60).padStart(2, '0')}`;
}

export const valueContext = (ctx: GenContext): ValueContext => ({
  r: ctx.r,
  resolve: ctx.spec.resolve,
  window: ctx.fixture.window,
});
