/**
 * SLA compliance by ISO week and metric (GET /v1/kpis/sla, interval=week, group_by=metric), with
 * the target line; a point, or its cell in the table under the chart, lists the clocks decided
 * in that week (GET /v1/tickets?decided_from=&decided_to=).
 */
import { DateTime } from 'luxon';
import type uPlot from 'uplot';
import type { KpiAnswer, QueuePage, SlaRow } from '../lib/api.js';
import { lineChart } from '../lib/charts.js';
import { byId, clear, failed, h } from '../lib/dom.js';
import { count, day, instant, METRIC_LABELS, percent } from '../lib/format.js';
import { filters, query, SLA_METRICS, slaRequests, slaWindow } from '../lib/requests.js';
import type { PanelContext } from './context.js';

let chart: uPlot | undefined;

interface Week {
  start: string;
  end: string;
  byMetric: Map<string, SlaRow>;
}

function weeksOf(answer: KpiAnswer<SlaRow>, ctx: PanelContext): Week[] {
  const { from, to } = slaWindow(ctx.state, ctx.now);
  const weeks: Week[] = [];
  let start = DateTime.fromISO(from, { zone: ctx.state.timezone });
  const end = Date.parse(to);
  while (start.toMillis() < end) {
    const next = start.plus({ weeks: 1 });
    weeks.push({ start: start.toUTC().toISO()!, end: next.toUTC().toISO()!, byMetric: new Map() });
    start = next;
  }
  for (const row of answer.rows) {
    const at = Date.parse(row.period_start ?? '');
    const week = weeks.find((w) => Date.parse(w.start) === at);
    if (week && row.metric) week.byMetric.set(row.metric, row);
  }
  return weeks;
}

async function drill(ctx: PanelContext, week: Week, metric: string | null): Promise<void> {
  const path = `/v1/tickets${query({
    decided_from: week.start,
    decided_to: week.end,
    metric: metric ?? undefined,
    limit: 200,
    ...filters(ctx.state),
  })}`;
  const zone = ctx.state.timezone;
  const title = `Decided in the week of ${day(week.start, zone)}${metric ? ` · ${METRIC_LABELS[metric]}` : ''}`;
  const body = h('div', { class: 'drill', 'data-testid': 'drill' }, h('p', {}, 'Loading…'));
  ctx.openDialog(title, body);
  let page: QueuePage;
  try {
    page = await ctx.get<QueuePage>(path);
  } catch (error) {
    failed(body, error);
    return;
  }
  const rows = page.items.map((i) =>
    h(
      'tr',
      {},
      h(
        'td',
        {},
        h('button', { type: 'button', class: 'link', 'data-ticket': i.ticket_id }, i.ticket_id),
      ),
      h('td', {}, METRIC_LABELS[i.metric] ?? i.metric),
      h('td', {}, outcome(i.sla_status)),
      h('td', {}, instant(i.decided_at, zone)),
      h('td', {}, i.group ?? '—'),
      h('td', {}, i.priority ?? '—'),
    ),
  );
  for (const row of rows) {
    const button = row.querySelector('button');
    button?.addEventListener('click', () => ctx.openTicket(button.dataset.ticket!));
  }
  clear(
    body,
    h(
      'p',
      {},
      `${count(page.items.length)}${page.next_cursor ? '+' : ''} clocks, decision order` +
        (page.next_cursor ? ' (the first 200 shown)' : ''),
    ),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Ticket', 'Metric', 'Outcome', 'Decided', 'Team now', 'Priority now'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h('tbody', {}, rows),
      ),
    ),
  );
}

/** Achieved or breached, by a symbol and a word as well as a colour. */
export function outcome(status: string): HTMLElement {
  const symbols: Record<string, string> = {
    achieved: '✔',
    breached: '✖',
    at_risk: '▲',
    active: '●',
    paused: '❚❚',
  };
  const words: Record<string, string> = {
    achieved: 'Achieved',
    breached: 'Breached',
    at_risk: 'At risk',
    active: 'Active',
    paused: 'Paused',
  };
  return h(
    'span',
    { class: `badge badge-${status}` },
    h('span', { 'aria-hidden': 'true' }, symbols[status] ?? '•'),
    ` ${words[status] ?? status}`,
  );
}

function table(ctx: PanelContext, weeks: Week[]): HTMLElement {
  const zone = ctx.state.timezone;
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col' }, 'Week of'),
    ...SLA_METRICS.map((m) => h('th', { scope: 'col' }, METRIC_LABELS[m])),
  );
  const body = weeks.map((w) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, day(w.start, zone)),
      ...SLA_METRICS.map((m) => {
        const row = w.byMetric.get(m);
        if (!row) return h('td', { class: 'num muted' }, '—');
        const button = h(
          'button',
          {
            type: 'button',
            class: 'link num',
            'data-week': w.start,
            'data-metric': m,
            'aria-label': `${METRIC_LABELS[m]}, week of ${day(w.start, zone)}: ${percent(row.compliance)}, ${row.achieved} achieved, ${row.breached} breached — list the tickets`,
          },
          percent(row.compliance),
        );
        button.addEventListener('click', () => void drill(ctx, w, m));
        return h(
          'td',
          { class: 'num', title: `${row.achieved} achieved, ${row.breached} breached` },
          button,
        );
      }),
    ),
  );
  return h(
    'details',
    { class: 'data-table' },
    h('summary', {}, 'Weekly figures (select one to list its tickets)'),
    h(
      'div',
      { class: 'scroll' },
      h('table', { 'data-testid': 'sla-table' }, h('thead', {}, head), h('tbody', {}, body)),
    ),
  );
}

export async function loadSla(ctx: PanelContext, isCurrent: () => boolean): Promise<void> {
  const [trendReq, totalReq] = slaRequests(ctx.state, ctx.now);
  const [trend, total] = await Promise.all([
    ctx.get<KpiAnswer<SlaRow>>(trendReq!.path),
    ctx.get<KpiAnswer<SlaRow>>(totalReq!.path),
  ]);
  if (!isCurrent()) return;
  const weeks = weeksOf(trend, ctx);
  const sum = total.rows[0];
  clear(
    byId('sla-headline'),
    h('span', { class: 'figure', 'data-figure': 'sla-compliance' }, percent(sum?.compliance)),
    h(
      'span',
      {},
      ` compliance over ${ctx.state.weeks} weeks · ${count(sum?.achieved ?? 0)} achieved, ${count(sum?.breached ?? 0)} breached · target ${percent(ctx.state.target)}`,
    ),
  );
  chart?.destroy();
  const plot = byId('sla-chart');
  plot.replaceChildren();
  chart = lineChart(plot, {
    x: weeks.map((w) => Date.parse(w.start) / 1000),
    series: [
      ...SLA_METRICS.map((m, i) => ({
        label: METRIC_LABELS[m]!,
        values: weeks.map((w) => {
          const c = w.byMetric.get(m)?.compliance;
          return c === undefined || c === null ? null : c * 100;
        }),
        style: i,
        format: (v: number) => `${v.toFixed(1)} %`,
      })),
      {
        label: 'Target',
        values: weeks.map(() => ctx.state.target * 100),
        style: 0,
        target: true,
        format: (v: number) => `${v.toFixed(1)} %`,
      },
    ],
    zone: ctx.state.timezone,
    height: 260,
    yRange: [0, 100],
    yLabel: (v) => `${v} %`,
    onPick: (index, series) => {
      const week = weeks[index];
      if (week) void drill(ctx, week, series === null ? null : SLA_METRICS[series]!);
    },
  });
  clear(byId('sla-table'), table(ctx, weeks));
}
