/** Readable instants for tests: `at('2026-11-16T09:00Z')`, durations in ms. */
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Epoch ms of an ISO string; a missing seconds part and zone default to `:00` and `Z`. */
export function at(iso: string): number {
  const withSeconds = /T\d{2}:\d{2}(Z|$)/.test(iso) ? iso.replace(/(T\d{2}:\d{2})/, '$1:00') : iso;
  const t = Date.parse(/[zZ]|[+-]\d{2}:\d{2}$/.test(withSeconds) ? withSeconds : withSeconds + 'Z');
  if (!Number.isFinite(t)) throw new Error(`bad instant ${iso}`);
  return t;
}
