/**
 * The two tenants' data for the tenant-wall test. Every string tenant A owns starts with
 * {@link A_SECRET}, so a substring search of anything tenant B receives is meaningful; tenant B's
 * own strings start with {@link B_MARK}, so "only B's data" can be told from "nothing".
 */

/** The prefix of every identifier, name and attribute value of tenant A. */
export const A_SECRET = 'tenant-a-secret';
/** The prefix of tenant B's own strings. */
export const B_MARK = 'tenant-b-own';
/** Tenant A's time zone (tenant settings and calendar): B's answers say UTC. */
export const A_ZONE = 'Asia/Kathmandu';
/** The pinned clock of every answer. */
export const NOW = Date.parse('2026-11-25T12:00:00Z');

export const A_CALENDAR = `${A_SECRET}-cal-office`;
export const A_TEAM = `${A_SECRET}-team-l1`;
export const A_TEAM_2 = `${A_SECRET}-team-l2`;
export const A_AGENT = `${A_SECRET}-agent-1`;
export const A_PRIORITY = `${A_SECRET}-prio-normal`;
export const A_URGENT = `${A_SECRET}-prio-urgent`;
export const A_CHANNEL = `${A_SECRET}-channel-email`;
export const A_CATEGORY = `${A_SECRET}-category-billing`;
export const A_POLICY = `${A_SECRET}-pol-std`;

/** A's tickets by what they show: each kind of clock and life cycle. */
export const A_TICKETS = {
  solved: `${A_SECRET}-t-solved`,
  breached: `${A_SECRET}-t-breached`,
  active: `${A_SECRET}-t-active`,
  paused: `${A_SECRET}-t-paused`,
  reopened: `${A_SECRET}-t-reopened`,
  deleted: `${A_SECRET}-t-deleted`,
} as const;

export const B_TICKET = `${B_MARK}-ticket-1`;
export const B_POLICY = `${B_MARK}-policy`;
export const B_TEAM = `${B_MARK}-team`;

/** A KPI range around all of both tenants' data. */
export const RANGE = 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z';

export const A_CALENDAR_DEFINITION = {
  name: `${A_SECRET}-cal-name`,
  timezone: A_ZONE,
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '17:00']]]),
  ),
  exceptions: [{ date: '2026-11-19', hours: [], name: `${A_SECRET}-holiday` }],
  effective_from: '2020-01-01T00:00:00Z',
};

export function aPolicies(effectiveFrom: string, resolution: number) {
  return {
    effective_from: effectiveFrom,
    policies: [
      {
        id: `${A_SECRET}-pol-urgent`,
        name: `${A_SECRET}-pol-urgent-name`,
        match: { priority: [A_URGENT], organization_id: [`${A_SECRET}-org-1`] },
        calendar_id: A_CALENDAR,
        targets: { first_response: 900, resolution: 14400 },
      },
      {
        id: A_POLICY,
        name: `${A_SECRET}-pol-std-name`,
        match: { tags: [`${A_SECRET}-tag-vip`] },
        calendar_id: A_CALENDAR,
        targets: { first_response: 3600, next_response: 7200, resolution },
      },
      {
        id: `${A_SECRET}-pol-rest`,
        match: {},
        calendar_id: '24x7',
        targets: { first_response: 7200, resolution: 86400 },
      },
    ],
  };
}

const ev = (id: string, type: string, ticket: string, at: string, data: object, actor: object) => ({
  id: `${A_SECRET}-ev-${id}`,
  type,
  ticket_id: ticket,
  occurred_at: at,
  actor,
  data,
});
const agent = (n = 1) => ({ type: 'agent', id: `${A_SECRET}-agent-${n}` });
const customer = { type: 'customer', id: `${A_SECRET}-customer-1` };

function created(key: keyof typeof A_TICKETS, at: string, data: object = {}) {
  return ev(
    `${key}-created`,
    'ticket.created',
    A_TICKETS[key],
    at,
    {
      priority: A_PRIORITY,
      channel: A_CHANNEL,
      group: A_TEAM,
      assignee_id: A_AGENT,
      requester_id: `${A_SECRET}-requester-1`,
      organization_id: `${A_SECRET}-org-1`,
      category: A_CATEGORY,
      tier: 1,
      tags: [`${A_SECRET}-tag-vip`],
      ...data,
    },
    customer,
  );
}
const reply = (key: keyof typeof A_TICKETS, n: number, at: string, by = 1) =>
  ev(
    `${key}-reply-${n}`,
    'ticket.message',
    A_TICKETS[key],
    at,
    { direction: 'outbound' },
    agent(by),
  );
const status = (key: keyof typeof A_TICKETS, n: number, at: string, s: string) =>
  ev(`${key}-status-${n}`, 'ticket.status_changed', A_TICKETS[key], at, { status: s }, agent());

/** Tenant A's events: solved, breached, running, paused, reopened and deleted tickets. */
export function aEvents(): object[] {
  return [
    created('solved', '2026-11-16T04:00:00Z'),
    reply('solved', 1, '2026-11-16T04:30:00Z'),
    ev(
      'solved-call',
      'contact.completed',
      A_TICKETS.solved,
      '2026-11-16T05:00:00Z',
      { agent_id: A_AGENT, channel: `${A_SECRET}-channel-phone`, talk_seconds: 300 },
      agent(),
    ),
    status('solved', 1, '2026-11-16T06:00:00Z', 'solved'),
    created('breached', '2026-11-17T04:00:00Z', {
      priority: A_URGENT,
      group: A_TEAM_2,
      assignee_id: `${A_SECRET}-agent-2`,
    }),
    created('active', '2026-11-25T10:30:00Z'),
    created('paused', '2026-11-23T04:00:00Z'),
    reply('paused', 1, '2026-11-23T04:20:00Z'),
    status('paused', 1, '2026-11-23T04:30:00Z', 'pending'),
    created('reopened', '2026-11-18T04:00:00Z'),
    reply('reopened', 1, '2026-11-18T04:10:00Z'),
    status('reopened', 1, '2026-11-18T05:00:00Z', 'solved'),
    status('reopened', 2, '2026-11-18T06:00:00Z', 'open'),
    ev(
      'reopened-tier',
      'ticket.updated',
      A_TICKETS.reopened,
      '2026-11-18T06:10:00Z',
      { tier: 2 },
      agent(),
    ),
    ev(
      'reopened-assign',
      'ticket.updated',
      A_TICKETS.reopened,
      '2026-11-18T06:20:00Z',
      { assignee_id: `${A_SECRET}-agent-3`, category: `${A_SECRET}-category-tech` },
      agent(),
    ),
    reply('reopened', 2, '2026-11-18T06:30:00Z', 3),
    status('reopened', 3, '2026-11-18T07:00:00Z', 'solved'),
    created('deleted', '2026-11-19T04:00:00Z'),
    ev(
      'deleted-delete',
      'ticket.deleted',
      A_TICKETS.deleted,
      '2026-11-19T05:00:00Z',
      { reason: 'spam' },
      agent(),
    ),
  ];
}

/** Tenant B's one policy and one open ticket, with clocks far from due. */
export const B_POLICIES = {
  effective_from: '2020-01-01T00:00:00Z',
  policies: [
    {
      id: B_POLICY,
      match: {},
      calendar_id: '24x7',
      targets: { first_response: 604800, resolution: 1209600 },
    },
  ],
};

export const B_EVENTS = [
  {
    id: `${B_MARK}-ev-1`,
    type: 'ticket.created',
    ticket_id: B_TICKET,
    occurred_at: '2026-11-24T08:00:00Z',
    actor: { type: 'customer' },
    data: {
      priority: `${B_MARK}-prio`,
      channel: `${B_MARK}-channel`,
      group: B_TEAM,
      assignee_id: `${B_MARK}-agent`,
      status: 'open',
    },
  },
];
