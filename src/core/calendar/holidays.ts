/**
 * Public holidays of a country (and optionally one of its regions) as local day numbers, from the
 * `date-holidays` package (edge case 7: no hand-kept feeds full of non-holidays).
 *
 * Only holidays of type `public` count (not `bank`, `school`, `optional` or `observance`). A holiday
 * closes every local date it touches: a multi-day holiday closes each of its days and a partial one
 * (date-holidays knows a few that start at noon) closes its whole date, because calendars.md makes
 * holidays "closed days". `date-holidays` takes milliseconds per year, so years are computed once
 * and cached (bounded), and `Holidays` instances are kept per place.
 */
import Holidays from 'date-holidays';

import { DAY_MS, parseLocalDate } from './civil.js';

const MAX_CACHED_YEARS = 2048;

const instances = new Map<string, Holidays>();
const yearCache = new Map<string, ReadonlySet<number>>();

function placeKey(country: string, region: string | undefined): string {
  return region === undefined ? country : `${country}/${region}`;
}

function instanceFor(country: string, region: string | undefined): Holidays {
  const key = placeKey(country, region);
  let instance = instances.get(key);
  if (!instance) {
    instance = region === undefined ? new Holidays(country) : new Holidays(country, region);
    instances.set(key, instance);
  }
  return instance;
}

/** Day numbers closed by the public holidays that start in local `year`. */
export function publicHolidayDays(
  country: string,
  region: string | undefined,
  year: number,
): ReadonlySet<number> {
  const key = `${placeKey(country, region)}:${year}`;
  const cached = yearCache.get(key);
  if (cached) return cached;
  const days = new Set<number>();
  for (const holiday of instanceFor(country, region).getHolidays(year)) {
    if (holiday.type !== 'public') continue;
    const first = parseLocalDate(holiday.date.slice(0, 10));
    if (first === null) continue;
    const length = Math.max(
      1,
      Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS),
    );
    for (let i = 0; i < length; i++) days.add(first + i);
  }
  if (yearCache.size >= MAX_CACHED_YEARS) {
    const oldest = yearCache.keys().next();
    if (oldest.done !== true) yearCache.delete(oldest.value);
  }
  yearCache.set(key, days);
  return days;
}

let catalogue: Holidays | undefined;

/** Country codes `date-holidays` knows (e.g. `PL`). */
export function isKnownHolidayCountry(country: string): boolean {
  catalogue ??= new Holidays();
  return Object.hasOwn(catalogue.getCountries(), country);
}

/** Whether `region` is a state/region code of `country` in `date-holidays` (e.g. `DE` / `BY`). */
export function isKnownHolidayRegion(country: string, region: string): boolean {
  catalogue ??= new Holidays();
  const states = catalogue.getStates(country) as Record<string, string> | undefined;
  return states !== undefined && Object.hasOwn(states, region);
}
