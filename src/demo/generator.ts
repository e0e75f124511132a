/**
 * Deterministic ticket event histories for a help desk profile (profile.ts): `tickets` tickets
 * created from `profile.from` until `profile.to`, growing by `profile.growth` over the span, busier
 * on weekdays and in the local working day, quieter after 20 December; their events (about 7 a
 * ticket, ticket-script.ts) yielded in global `occurred_at` order as a live help desk sends them.
 * Events at or after `profile.to` are not sent: tickets still open then are the current backlog.
 *
 * The same profile, ticket count and seed always give the same events, line for line: the demo
 * (`deskmetrics demo`) and the KPI benchmark (bench/kpis) are both generated here.
 */
import { EventHeap } from './event-heap.js';
import type { GeneratedEvent, HelpDeskProfile } from './profile.js';
import { rng, weighted, type Random } from './random.js';
import { prepareDesk, ticketDrafts, type Desk } from './ticket-script.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Ticket arrivals per local hour of the day. */
const HOUR_WEIGHTS = [
  0.2, 0.15, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.6, 2, 2, 1.9, 1.6, 1.8, 1.9, 1.8, 1.6, 1.3, 1, 0.8,
  0.7, 0.6, 0.4, 0.3,
];
const arrivalHour = weighted(HOUR_WEIGHTS.map((w, h) => [h, w] as const));
const WEEKDAY = [0.3, 1.25, 1.15, 1.1, 1.05, 0.95, 0.35]; // Sun..Sat

/** The share of a day's arrivals (by local hour) before `to`, for the day starting at `dayStart`. */
function shareBefore(profile: HelpDeskProfile, dayStart: number, to: number): number {
  const offset = profile.utcOffset(dayStart + 12 * HOUR);
  let before = 0;
  let all = 0;
  HOUR_WEIGHTS.forEach((w, h) => {
    const start = dayStart + h * HOUR - offset;
    before += w * Math.min(1, Math.max(0, (to - start) / HOUR));
    all += w;
  });
  return before / all;
}

/** Tickets per day: growth over the span, weekly rhythm, a December dip. Sums to `tickets`. */
export function dailyCounts(profile: HelpDeskProfile, tickets: number): number[] {
  const { from, to, growth } = profile;
  const days = Math.ceil((to - from) / DAY);
  const weights: number[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = from + d * DAY;
    const date = new Date(dayStart);
    const december = date.getUTCMonth() === 11 && date.getUTCDate() > 20 ? 0.7 : 1;
    const weight = (1 + (growth * d) / days) * WEEKDAY[date.getUTCDay()]! * december;
    // The last day may end early (a help desk generated up to now).
    weights.push(dayStart + DAY > to ? weight * shareBefore(profile, dayStart, to) : weight);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const counts: number[] = [];
  let cumulative = 0;
  let given = 0;
  for (const w of weights) {
    cumulative += (w / total) * tickets;
    const upTo = Math.round(cumulative);
    counts.push(upTo - given);
    given = upTo;
  }
  counts[counts.length - 1]! += tickets - given;
  return counts;
}

/** The creation instants of a day's `count` tickets, sorted, each before `profile.to`. */
function creationInstants(
  profile: HelpDeskProfile,
  random: Random,
  dayStart: number,
  count: number,
): number[] {
  const offset = profile.utcOffset(dayStart + 12 * HOUR);
  const created: number[] = [];
  for (let k = 0; k < count; k++) {
    let at = profile.to;
    // On a day that ends early, an instant after the end is drawn again (a few times at most).
    for (let attempt = 0; at >= profile.to && attempt < 100; attempt++) {
      const local = arrivalHour(random) * HOUR + Math.floor(random() * HOUR);
      at = dayStart + local - offset;
    }
    if (at >= profile.to) at = profile.to - 1 - Math.floor(random() * HOUR);
    created.push(at);
  }
  return created.sort((a, b) => a - b);
}

function checkProfile(profile: HelpDeskProfile, tickets: number): void {
  if (profile.from % DAY !== 0) throw new RangeError('profile.from must be a UTC midnight');
  if (!(profile.to > profile.from)) throw new RangeError('profile.to must be after profile.from');
  if (!Number.isSafeInteger(tickets) || tickets < 1) {
    throw new RangeError('tickets must be a positive integer');
  }
  for (const tier of [1, 2, 3]) {
    if (!profile.teams.some((t) => t.tier === tier)) {
      throw new RangeError(`the profile needs a team on line ${tier}`);
    }
  }
  for (const team of profile.teams) {
    if (!profile.agents.get(team.id)?.length) {
      throw new RangeError(`team ${team.id} has no agents`);
    }
  }
}

/** Ticket `ticket`'s events as NDJSON lines, without those at or after `profile.to`. */
function ticketEvents(
  desk: Desk,
  random: Random,
  created: number,
  ticket: number,
): GeneratedEvent[] {
  const id = `T${ticket}`;
  const events: GeneratedEvent[] = [];
  ticketDrafts(desk, random, created, ticket).forEach((draft, i) => {
    if (draft.at >= desk.profile.to) return;
    const line = JSON.stringify({
      id: `${id}-${i}`,
      type: draft.type,
      ticket_id: id,
      occurred_at: new Date(draft.at).toISOString(),
      actor: draft.actor,
      data: draft.data,
    });
    events.push({ at: draft.at, ticket, line });
  });
  return events;
}

/** The events of `tickets` tickets of `profile`, in `occurred_at` order (see the module doc). */
export function* generateEvents(
  profile: HelpDeskProfile,
  options: { tickets: number; seed: number },
): Generator<GeneratedEvent> {
  checkProfile(profile, options.tickets);
  const desk = prepareDesk(profile);
  const random = rng(options.seed);
  const heap = new EventHeap();
  const counts = dailyCounts(profile, options.tickets);
  let ticket = 0;
  for (let d = 0; d < counts.length; d++) {
    const dayStart = profile.from + d * DAY;
    for (const created of creationInstants(profile, random, dayStart, counts[d]!)) {
      while (heap.peekAt() < created) yield heap.pop();
      for (const event of ticketEvents(desk, random, created, ticket)) heap.push(event);
      ticket++;
    }
  }
  while (heap.size > 0) yield heap.pop();
}
