/**
 * A small help desk for the dashboard's browser test, dated relative to `now` so that every
 * panel's default window (the last weeks, the last 28 days, the backlog now) holds some of it:
 * two teams, two priorities, two channels, three agents, one SLA policy on the 24×7 calendar;
 * achieved and breached first responses, solves (FCR and a reopen), contacts, and open tickets
 * at risk and breached now.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Event = Record<string, unknown>;

export const POLICY = {
  effective_from: '2020-01-01T00:00:00Z',
  policies: [
    {
      id: 'standard',
      match: {},
      calendar_id: '24x7',
      targets: { first_response: 3600, resolution: 5 * 86400 },
      at_risk: 0.8,
    },
  ],
};

export const TEAMS = ['L1', 'L2'];
export const AGENTS = ['ag-1', 'ag-2', 'ag-3'];

export function seedEvents(now: number): Event[] {
  const events: Event[] = [];
  const at = (ms: number) => new Date(ms).toISOString();
  const add = (ticket: string, type: string, time: number, data: object, actor?: object) =>
    events.push({
      id: `${ticket}-${events.length}`,
      type,
      ticket_id: ticket,
      occurred_at: at(time),
      actor: actor ?? { type: 'system' },
      data,
    });
  const start = Math.floor(now / DAY) * DAY - 20 * DAY;
  for (let i = 0; i < 16; i++) {
    const id = `T${String(i + 1).padStart(3, '0')}`;
    const created = start + i * DAY + 9 * HOUR;
    const team = TEAMS[i % 2]!;
    const agent = AGENTS[i % 3]!;
    add(
      id,
      'ticket.created',
      created,
      {
        priority: i % 4 === 0 ? 'high' : 'normal',
        channel: i % 3 === 0 ? 'phone' : 'email',
        group: team,
        assignee_id: agent,
      },
      { type: 'customer', id: `c-${i}` },
    );
    // Every third ticket is answered late: a breached first response.
    const reply = created + (i % 3 === 2 ? 2 * HOUR : 20 * 60_000);
    add(id, 'ticket.message', reply, { direction: 'outbound' }, { type: 'agent', id: agent });
    // Odd tickets are solved at one touch (FCR). ag-1 handles most contacts (a sample above the
    // greying threshold), ag-3 only a few.
    const contacts = i % 2 === 1 ? 0 : agent === 'ag-1' ? 7 : agent === 'ag-2' ? 3 : 1;
    for (let c = 0; c < contacts; c++) {
      add(id, 'contact.completed', reply + (c + 1) * 60_000, {
        agent_id: agent,
        talk_seconds: 240 + 30 * c + i,
        hold_seconds: 30,
        wrap_seconds: 45 + c,
      });
    }
    if (i < 12)
      add(
        id,
        'ticket.status_changed',
        created + 5 * HOUR,
        { status: 'solved' },
        { type: 'agent', id: agent },
      );
    if (i === 3)
      add(
        id,
        'ticket.status_changed',
        created + 30 * HOUR,
        { status: 'open' },
        { type: 'customer' },
      );
    if (i === 13)
      add(
        id,
        'ticket.status_changed',
        created + 3 * HOUR,
        { status: 'pending' },
        { type: 'agent', id: agent },
      );
  }
  // Open now: two first responses at risk (due within the next 12 minutes) and one breached.
  const open: [string, number, string][] = [
    ['N001', now - 50 * 60_000, 'L1'],
    ['N002', now - 55 * 60_000, 'L2'],
    ['N003', now - 3 * HOUR, 'L1'],
  ];
  for (const [id, created, team] of open) {
    add(
      id,
      'ticket.created',
      created,
      { priority: 'high', channel: 'chat', group: team, assignee_id: 'ag-2' },
      {
        type: 'customer',
        id: 'c-open',
      },
    );
  }
  return events;
}
