/**
 * The peer libraries, configured as close to our calendar as they allow: Mon–Fri 09:00–17:00,
 * no holidays, Europe/Warsaw.
 *
 * Neither library takes a time zone: both compute in the JavaScript engine's local time. We make
 * that local time Europe/Warsaw by setting `process.env.TZ` before any peer computes (Node re-reads
 * TZ when it is assigned), so their `hours(9)` means 09:00 in Warsaw with the real DST rules of
 * the system's ICU data. moment-timezone is not a dependency of this project (a copy sits in
 * node_modules only as a transitive dependency of date-holidays), so it is deliberately not used.
 *
 * Units: moment-business-time diffs in milliseconds and adds whole minutes; dayjs-business-time
 * only knows whole minutes in both directions. The pairs are on whole minutes, so neither loses
 * precision on them.
 */
import { createRequire } from 'node:module';

export interface Peer {
  name: string;
  /** Business milliseconds from `start` to `end` (`start <= end`). */
  elapsed(start: number, end: number): number;
  /** The instant `d` business milliseconds (whole minutes) after `start`. */
  add(start: number, d: number): number;
}

const MINUTE = 60_000;
const NINE_TO_FIVE = ['09:00:00', '17:00:00'];
const DAYJS_NINE_TO_FIVE = [{ start: '09:00:00', end: '17:00:00' }];

/** The few members of each library the benchmark touches (neither ships usable typings here). */
interface BusinessMoment {
  workingDiff(other: BusinessMoment, unit: 'milliseconds'): number;
  addWorkingTime(amount: number, unit: 'minutes'): BusinessMoment;
  valueOf(): number;
}
interface MomentModule {
  (t: number | BusinessMoment): BusinessMoment;
  locale(): string;
  updateLocale(locale: string, data: object): void;
}
interface BusinessDayjs {
  businessMinutesDiff(other: BusinessDayjs): number;
  addBusinessMinutes(minutes: number): BusinessDayjs;
  valueOf(): number;
}
interface DayjsModule {
  (t: number): BusinessDayjs;
  extend(plugin: unknown): void;
  setBusinessTime(hours: object): void;
  setHolidays(dates: string[]): void;
}

export function useWarsawLocalTime(): void {
  process.env.TZ = 'Europe/Warsaw';
  const summer = new Date(Date.UTC(2026, 6, 1)).getTimezoneOffset();
  const winter = new Date(Date.UTC(2026, 0, 1)).getTimezoneOffset();
  if (summer !== -120 || winter !== -60) {
    throw new Error(`could not switch local time to Europe/Warsaw (offsets ${summer}, ${winter})`);
  }
}

export function loadPeers(): Peer[] {
  useWarsawLocalTime();
  const load = createRequire(import.meta.url);

  const moment = load('moment-business-time') as MomentModule;
  moment.updateLocale(moment.locale(), {
    workinghours: {
      0: null,
      1: NINE_TO_FIVE,
      2: NINE_TO_FIVE,
      3: NINE_TO_FIVE,
      4: NINE_TO_FIVE,
      5: NINE_TO_FIVE,
      6: null,
    },
    holidays: [],
  });

  const dayjs = load('dayjs') as DayjsModule;
  dayjs.extend(load('dayjs-business-time'));
  dayjs.setBusinessTime({
    sunday: null,
    monday: DAYJS_NINE_TO_FIVE,
    tuesday: DAYJS_NINE_TO_FIVE,
    wednesday: DAYJS_NINE_TO_FIVE,
    thursday: DAYJS_NINE_TO_FIVE,
    friday: DAYJS_NINE_TO_FIVE,
    saturday: null,
  });
  dayjs.setHolidays([]);

  return [
    {
      name: 'moment-business-time',
      elapsed: (start, end) => moment(end).workingDiff(moment(start), 'milliseconds'),
      add: (start, d) =>
        moment(start)
          .addWorkingTime(d / MINUTE, 'minutes')
          .valueOf(),
    },
    {
      name: 'dayjs-business-time',
      elapsed: (start, end) => dayjs(start).businessMinutesDiff(dayjs(end)) * MINUTE,
      add: (start, d) =>
        dayjs(start)
          .addBusinessMinutes(d / MINUTE)
          .valueOf(),
    },
  ];
}
