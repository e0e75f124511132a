/**
 * The help desk bench/kpis simulates: 20 teams on three support lines, 400 agents, a Warsaw office
 * calendar with Polish public holidays, and three SLA policies (urgent tickets on the built-in
 * 24x7 calendar, the rest on office hours).
 */

/** When the tenant's configuration takes effect: before the first ticket. */
export const CONFIG_FROM = '2024-01-01T00:00:00Z';

const day = [['08:00', '18:00']];

export const OFFICE_CALENDAR_ID = 'warsaw-office';

export const OFFICE_CALENDAR = {
  name: 'Warsaw office',
  timezone: 'Europe/Warsaw',
  weekly: { mon: day, tue: day, wed: day, thu: day, fri: day },
  holidays: { country: 'PL' },
  effective_from: CONFIG_FROM,
};

export const POLICIES = {
  effective_from: CONFIG_FROM,
  policies: [
    {
      id: 'urgent-24x7',
      name: 'Urgent tickets, around the clock',
      match: { priority: ['urgent'] },
      calendar_id: '24x7',
      targets: { first_response: 3600, next_response: 7200, resolution: 8 * 3600 },
    },
    {
      id: 'high-office',
      name: 'High priority, office hours',
      match: { priority: ['high'] },
      calendar_id: OFFICE_CALENDAR_ID,
      targets: { first_response: 2 * 3600, next_response: 4 * 3600, resolution: 16 * 3600 },
    },
    {
      id: 'standard-office',
      name: 'Everything else, office hours',
      match: {},
      calendar_id: OFFICE_CALENDAR_ID,
      targets: { first_response: 8 * 3600, next_response: 8 * 3600, resolution: 40 * 3600 },
      pause: { resolution: ['pending', 'on_hold'] },
    },
  ],
};

export interface Team {
  id: string;
  tier: 1 | 2 | 3;
  /** Share of new tickets routed to the team (tier 1) or of escalations (tiers 2 and 3). */
  weight: number;
}

export const TEAMS: readonly Team[] = [
  { id: 'l1-general', tier: 1, weight: 16 },
  { id: 'l1-emea', tier: 1, weight: 12 },
  { id: 'l1-americas', tier: 1, weight: 10 },
  { id: 'l1-apac', tier: 1, weight: 6 },
  { id: 'billing', tier: 1, weight: 9 },
  { id: 'payments', tier: 1, weight: 5 },
  { id: 'accounts', tier: 1, weight: 6 },
  { id: 'onboarding', tier: 1, weight: 5 },
  { id: 'shipping', tier: 1, weight: 7 },
  { id: 'returns', tier: 1, weight: 5 },
  { id: 'hardware', tier: 1, weight: 4 },
  { id: 'enterprise', tier: 1, weight: 4 },
  { id: 'vip', tier: 1, weight: 2 },
  { id: 'partners', tier: 1, weight: 3 },
  { id: 'l2-platform', tier: 2, weight: 5 },
  { id: 'l2-integrations', tier: 2, weight: 4 },
  { id: 'l2-mobile', tier: 2, weight: 3 },
  { id: 'l2-data', tier: 2, weight: 2 },
  { id: 'l3-engineering', tier: 3, weight: 3 },
  { id: 'security', tier: 3, weight: 1 },
];

export const AGENT_COUNT = 400;

/** Agents per team: 400 spread by weight (at least 6 each), numbered `agent-001`… */
export function agentsByTeam(): Map<string, string[]> {
  const total = TEAMS.reduce((n, t) => n + t.weight, 0);
  const sizes = TEAMS.map((t) => Math.max(6, Math.floor((t.weight / total) * AGENT_COUNT)));
  // Hand the remainder to the largest teams, one each, so the sizes add up to AGENT_COUNT.
  let left = AGENT_COUNT - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % sizes.length, left--) sizes[i]! += 1;
  for (let i = 0; left < 0; i = (i + 1) % sizes.length) {
    if (sizes[i]! > 6) {
      sizes[i]! -= 1;
      left++;
    }
  }
  const out = new Map<string, string[]>();
  let n = 1;
  TEAMS.forEach((team, i) => {
    const agents: string[] = [];
    for (let k = 0; k < sizes[i]!; k++, n++) agents.push(`agent-${String(n).padStart(3, '0')}`);
    out.set(team.id, agents);
  });
  return out;
}
