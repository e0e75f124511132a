/** How figures read on the page: one place, so the tests can read them back the same way. */

const nf = new Intl.NumberFormat('en-US');

export function count(n: number): string {
  return nf.format(n);
}

/** A rate as a percentage with one decimal ("87.3 %"); "—" when its denominator was empty. */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)} %`;
}

/** Seconds as the two largest units ("3h 20m", "2d 4h", "45s"); negative as "−…". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const sign = seconds < 0 ? '−' : '';
  let s = Math.round(Math.abs(seconds));
  const units: [string, number][] = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  for (const [unit, size] of units) {
    if (s >= size || (parts.length === 0 && unit === 's')) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
    if (parts.length === 2) break;
  }
  return sign + parts.join(' ');
}

/** AHT in minutes and seconds ("12m 05s"), exact to the second. */
export function aht(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** An instant in the view's zone ("Mon 3 Nov, 14:05"). */
export function instant(iso: string | null, zone: string, withYear = false): string {
  if (iso === null) return '—';
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: withYear ? undefined : 'short',
    day: 'numeric',
    month: 'short',
    year: withYear ? 'numeric' : undefined,
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}

/** A day in the view's zone ("3 Nov"). */
export function day(iso: string, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    day: 'numeric',
    month: 'short',
  }).format(new Date(iso));
}

export const METRIC_LABELS: Record<string, string> = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
};
