/**
 * The at-risk queue (GET /v1/tickets?sla_status=at_risk|breached): open clocks soonest due first,
 * with the business time left on each clock's calendar; breached ones marked. Refreshed every
 * 30 s by the page; a ticket opens its timeline.
 */
import type { QueueItem, QueuePage } from '../lib/api.js';
import { byId, clear, h } from '../lib/dom.js';
import { count, duration, instant, METRIC_LABELS } from '../lib/format.js';
import { QUEUE_COUNT_LIMIT, queueRequests } from '../lib/requests.js';
import type { QueueView } from '../lib/state.js';
import type { PanelContext } from './context.js';
import { outcome } from './sla.js';

/** Rows listed; the counts cover up to QUEUE_COUNT_LIMIT. */
const SHOWN = 50;
export const REFRESH_MS = 30_000;

const counted = (page: QueuePage) =>
  page.next_cursor === null ? count(page.items.length) : `${count(QUEUE_COUNT_LIMIT)}+`;

function row(ctx: PanelContext, item: QueueItem): HTMLElement {
  const zone = ctx.state.timezone;
  const ticket = h(
    'button',
    { type: 'button', class: 'link', 'aria-label': `Ticket ${item.ticket_id}: open its timeline` },
    item.ticket_id,
  );
  ticket.addEventListener('click', () => ctx.openTicket(item.ticket_id));
  const left = item.business_seconds_left;
  return h(
    'tr',
    { class: item.sla_status === 'breached' ? 'row-breached' : undefined },
    h('td', {}, ticket),
    h('td', {}, METRIC_LABELS[item.metric] ?? item.metric),
    h('td', {}, outcome(item.sla_status)),
    h('td', {}, instant(item.due_at ?? item.breached_at, zone)),
    h(
      'td',
      { class: 'num', title: 'business time on the clock’s calendar' },
      left !== null && left < 0 ? `${duration(-left)} over` : duration(left),
    ),
    h('td', {}, item.group ?? '—'),
    h('td', {}, item.priority ?? '—'),
    h('td', {}, item.assignee_id ?? '—'),
  );
}

function viewButton(ctx: PanelContext, view: QueueView, label: string, n: string): HTMLElement {
  const pressed = ctx.state.queue === view;
  const button = h(
    'button',
    { type: 'button', class: 'toggle', 'aria-pressed': String(pressed), 'data-view': view },
    `${label}: `,
    h('span', { 'data-figure': view === 'at_risk' ? 'at-risk-count' : 'breached-count' }, n),
  );
  button.addEventListener('click', () => ctx.setState({ queue: view }));
  return button;
}

export async function loadQueue(ctx: PanelContext, isCurrent: () => boolean): Promise<void> {
  const [atRiskReq, breachedReq] = queueRequests(ctx.state);
  const [atRisk, breached] = await Promise.all([
    ctx.get<QueuePage>(atRiskReq!.path),
    ctx.get<QueuePage>(breachedReq!.path),
  ]);
  if (!isCurrent()) return;
  const shown = (ctx.state.queue === 'breached' ? breached : atRisk).items;
  const head = [
    'Ticket',
    'Clock',
    'Status',
    'Due',
    'Business time left',
    'Team',
    'Priority',
    'Assignee',
  ];
  clear(
    byId('queue-views'),
    viewButton(ctx, 'at_risk', 'At risk', counted(atRisk)),
    viewButton(ctx, 'breached', 'Breached, still open', counted(breached)),
  );
  clear(
    byId('queue-list'),
    shown.length === 0
      ? h('p', { class: 'muted' }, 'No open clock in this state.')
      : h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            { 'data-testid': 'queue-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                head.map((t) => h('th', { scope: 'col' }, t)),
              ),
            ),
            h(
              'tbody',
              {},
              shown.slice(0, SHOWN).map((i) => row(ctx, i)),
            ),
          ),
        ),
    shown.length > SHOWN
      ? h('p', { class: 'muted' }, `The first ${SHOWN} shown, soonest due first.`)
      : null,
  );
  byId('queue-updated').textContent =
    `Updated ${instant(new Date().toISOString(), ctx.state.timezone)} · refreshes every ${REFRESH_MS / 1000} s`;
}
