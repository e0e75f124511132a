/**
 * The reads of the soak: what a dashboard and the agents' work queues ask of a help desk that is
 * being written to, each with fresh parameters. Ranges end at the help desk's "now" — the
 * `occurred_at` of the latest event sent, rounded up to the quarter hour (KPI ranges must fall on
 * the 15-minute grid) — and reach back 7, 30 or 90 days; backlogs as of now (the service's clock,
 * the dashboard's default) or as of an instant to the millisecond in the last 30 days.
 */
import { DEMO_TEAMS, ZONE } from '../../src/demo/demo-profile.js';
import { rng, type Random } from '../../src/demo/random.js';

const QUARTER = 15 * 60_000;
const DAY = 86_400_000;

export interface Question {
  id: string;
  /** Relative frequency in the mix. */
  weight: number;
  /** The path and query string of one request, `deskNow` the latest event's instant (ms). */
  path: (deskNow: number, random: Random) => string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const pick = <T>(random: Random, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)]!;
const teams = DEMO_TEAMS.map((t) => t.id);
const firstLine = DEMO_TEAMS.filter((t) => t.tier === 1).map((t) => t.id);

/** `[to − days, to)`, `to` the help desk's now rounded up to the quarter hour. */
function range(deskNow: number, days: number): { from: string; to: string } {
  const to = Math.ceil((deskNow + 1) / QUARTER) * QUARTER;
  return { from: iso(to - days * DAY), to: iso(to) };
}

const query = (path: string, params: Record<string, string>) =>
  `${path}?${new URLSearchParams(params).toString()}`;

function kpi(
  id: string,
  weight: number,
  endpoint: string,
  days: number,
  params: Record<string, string> | ((random: Random) => Record<string, string>),
): Question {
  return {
    id,
    weight,
    path: (deskNow, random) =>
      query(`/v1/kpis/${endpoint}`, {
        ...range(deskNow, days),
        ...(typeof params === 'function' ? params(random) : params),
      }),
  };
}

const weekly = { interval: 'week', timezone: ZONE };
const daily = { interval: 'day', timezone: ZONE };

export const QUESTIONS: readonly Question[] = [
  kpi('sla team×day 30d', 3, 'sla', 30, { group_by: 'team', ...daily }),
  kpi('sla priority×week 90d vs prev', 1, 'sla', 90, {
    group_by: 'priority',
    ...weekly,
    compare: 'previous_period',
  }),
  kpi('sla agent 7d, one team', 1, 'sla', 7, (r) => ({ group_by: 'agent', team: pick(r, teams) })),
  kpi('fcr team×week 90d', 2, 'fcr', 90, { group_by: 'team', ...weekly }),
  kpi('fcr agent 30d', 1, 'fcr', 30, { group_by: 'agent' }),
  kpi('handle-time channel×day 30d', 1, 'handle-time', 30, { group_by: 'channel', ...daily }),
  kpi('handle-time agent 30d, one team', 1, 'handle-time', 30, (r) => ({
    group_by: 'agent',
    team: pick(r, teams),
  })),
  kpi('volume team×day 30d vs prev', 2, 'volume', 30, {
    group_by: 'team',
    ...daily,
    compare: 'previous_period',
  }),
  kpi('volume channel×hour 7d', 1, 'volume', 7, {
    group_by: 'channel',
    interval: 'hour',
    timezone: ZONE,
  }),
  { id: 'backlog now by team', weight: 3, path: () => '/v1/kpis/backlog?group_by=team' },
  {
    id: 'backlog as_of by priority',
    weight: 1,
    path: (deskNow, r) =>
      query('/v1/kpis/backlog', {
        as_of: iso(deskNow - Math.floor(r() * 30 * DAY)),
        group_by: 'priority',
      }),
  },
  kpi('backlog-trend team×day 30d', 1, 'backlog-trend', 30, { group_by: 'team', ...daily }),
  kpi('backlog-trend week 90d', 1, 'backlog-trend', 90, weekly),
  { id: 'queue breached', weight: 2, path: () => '/v1/tickets?sla_status=breached&limit=100' },
  {
    id: 'queue at_risk, one team',
    weight: 1,
    path: (_, r) => query('/v1/tickets', { sla_status: 'at_risk', team: pick(r, firstLine) }),
  },
  {
    id: 'queue active urgent+high',
    weight: 1,
    path: () => '/v1/tickets?sla_status=active&priority=urgent,high&limit=50',
  },
  {
    id: 'queue breached in 7d',
    weight: 1,
    path: (deskNow) => {
      const { from, to } = range(deskNow, 7);
      return query('/v1/tickets', {
        sla_status: 'breached',
        decided_from: from,
        decided_to: to,
        limit: '100',
      });
    },
  },
];

/** Draws questions in proportion to their weights; each request's parameters from the same seed. */
export function questionStream(
  seed: number,
): () => { index: number; path: (now: number) => string } {
  const random = rng(seed);
  const total = QUESTIONS.reduce((n, q) => n + q.weight, 0);
  return () => {
    let r = random() * total;
    let index = 0;
    while (r >= QUESTIONS[index]!.weight && index < QUESTIONS.length - 1) {
      r -= QUESTIONS[index]!.weight;
      index++;
    }
    const question = QUESTIONS[index]!;
    return { index, path: (now) => question.path(now, random) };
  };
}
