/**
 * The demo's help desk (`deskmetrics demo`): a Warsaw company's support over the six months up
 * to now. Three support lines (L1 takes every new ticket; L2 and L3 get escalations), 40 agents,
 * email, portal, chat and phone; agents work the Warsaw office calendar (Mon–Fri 08:00–17:00,
 * Polish public holidays closed) except on urgent tickets and the odd overtime. What the service
 * is told about it (tenant, calendars, SLA policies) is in demo-config.ts.
 */
import { DateTime } from 'luxon';
import { compileCalendar } from '../core/calendar/index.js';
import { OFFICE_HOURS } from './demo-config.js';
import type { HelpDeskProfile, Team, TicketRates } from './profile.js';
import type { Random } from './random.js';

/**
 * The demo data's version: a data directory loaded by another version is generated again.
 * Change it with anything that changes the demo's events (this profile, the generator).
 */
export const DEMO_GENERATOR_VERSION = 1;

export const DEMO_DEFAULTS = { tickets: 20_000, seed: 15, months: 6 } as const;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
export const ZONE = 'Europe/Warsaw';

export const DEMO_TEAMS: readonly Team[] = [
  { id: 'l1-service-desk', tier: 1, weight: 9 },
  { id: 'l1-billing', tier: 1, weight: 5 },
  { id: 'l1-accounts', tier: 1, weight: 4 },
  { id: 'l1-hardware', tier: 1, weight: 3 },
  { id: 'l2-applications', tier: 2, weight: 3 },
  { id: 'l2-infrastructure', tier: 2, weight: 2 },
  { id: 'l3-engineering', tier: 3, weight: 1 },
];

/** 40 agents: 25 on the first line, 10 on the second, 5 on the third. */
export const DEMO_AGENTS: ReadonlyMap<string, readonly string[]> = new Map([
  [
    'l1-service-desk',
    [
      'anna.nowak',
      'piotr.kowalski',
      'katarzyna.wisniewska',
      'tomasz.wojcik',
      'magdalena.kaminska',
      'michal.lewandowski',
      'agnieszka.zielinska',
      'pawel.szymanski',
      'joanna.wozniak',
    ],
  ],
  [
    'l1-billing',
    [
      'krzysztof.dabrowski',
      'monika.kozlowska',
      'marcin.jankowski',
      'ewa.mazur',
      'lukasz.kwiatkowski',
      'aleksandra.krawczyk',
    ],
  ],
  [
    'l1-accounts',
    [
      'jakub.piotrowski',
      'natalia.grabowska',
      'adam.nowakowski',
      'karolina.pawlak',
      'marek.michalski',
    ],
  ],
  [
    'l1-hardware',
    ['dorota.krol', 'grzegorz.wieczorek', 'beata.jablonska', 'rafal.wrobel', 'julia.nowicka'],
  ],
  [
    'l2-applications',
    ['andrzej.majewski', 'zofia.olszewska', 'kamil.stepien', 'alicja.malinowska', 'jan.jaworski'],
  ],
  [
    'l2-infrastructure',
    ['barbara.adamczyk', 'wojciech.dudek', 'maria.nowacka', 'szymon.pawlowski', 'iwona.sikora'],
  ],
  [
    'l3-engineering',
    ['tadeusz.baran', 'hanna.rutkowska', 'filip.michalak', 'oliwia.szewczyk', 'bartosz.ostrowski'],
  ],
]);

const RATES: TicketRates = {
  agentCreated: 0.05,
  customerAnswersOutbound: 0.7,
  assignedAtCreation: 0.8,
  vipTag: 0.05,
  spam: 0.006,
  overtime: 0.08,
  internalNote: 0.2,
  settledByFirstContact: 0.55,
  pendingAfterFirstTouch: 0.35,
  escalate: 0.14,
  escalateFurther: 0.25,
  reassign: 0.08,
  raisePriority: 0.05,
  followUp: 0.5,
  furtherFollowUp: 0.3,
  followUpByPhone: 0.5,
  pendingAfterAnswer: 0.3,
  onHold: 0.07,
  workSession: 0.3,
  contactHold: 0.4,
  merge: 0.004,
  forgotten: 0.004,
  reopen: 0.07,
  close: 0.9,
};

/** The Warsaw office's hours as the service computes them, for the agents' working time. */
function officeHoursOf(effectiveFrom: number): (t: number, random: Random) => number {
  const office = compileCalendar([{ version: 1, effectiveFrom, definition: OFFICE_HOURS }]);
  return (t, random) =>
    office.isOpen(t) ? t : office.nextOpen(t) + Math.floor(random() * 90 * MINUTE);
}

/** Warsaw's UTC offset (ms), cached by the hour. */
function warsawOffset(): (t: number) => number {
  const cache = new Map<number, number>();
  return (t) => {
    const hour = Math.floor(t / 3_600_000);
    let offset = cache.get(hour);
    if (offset === undefined) {
      offset = DateTime.fromMillis(t, { zone: ZONE }).offset * MINUTE;
      cache.set(hour, offset);
    }
    return offset;
  };
}

/** The first day of the demo's tickets: the UTC midnight `months` months before `now`. */
export function demoStart(now: number, months: number = DEMO_DEFAULTS.months): number {
  const start = DateTime.fromMillis(now, { zone: 'UTC' }).minus({ months }).startOf('day');
  return start.toMillis();
}

/**
 * The demo's help desk up to `now` (exclusive): nothing it generates lies in the future. Its
 * tickets are spread over the `months` before it (the same number of tickets over more months:
 * fewer a day).
 */
export function demoProfile(now: number, months: number = DEMO_DEFAULTS.months): HelpDeskProfile {
  const from = demoStart(now, months);
  return {
    from,
    to: now,
    teams: DEMO_TEAMS,
    agents: DEMO_AGENTS,
    priorities: [
      ['low', 15],
      ['normal', 55],
      ['high', 22],
      ['urgent', 8],
    ],
    channels: [
      ['email', 40],
      ['portal', 25],
      ['chat', 20],
      ['phone', 15],
    ],
    categories: [
      ['how_to', 18],
      ['account', 13],
      ['billing', 12],
      ['access_request', 10],
      ['bug', 10],
      ['hardware', 9],
      ['network', 7],
      ['software_install', 7],
      ['outage', 3],
      ['other', 11],
    ],
    customers: 6_000,
    growth: 0.1,
    rates: RATES,
    utcOffset: warsawOffset(),
    officeHours: officeHoursOf(configFrom(from)),
  };
}

/** When the demo's configuration takes effect: a week before its first ticket. */
export function configFrom(from: number): number {
  return from - 7 * DAY;
}
