/**
 * The backlog as of any instant (GET /v1/kpis/backlog): total, actionable, and the age histogram
 * (calendar or business age); and its trend, the backlog at the end of each of the last 90 days
 * (GET /v1/kpis/backlog-trend).
 */
import { DateTime } from 'luxon';
import type uPlot from 'uplot';
import type { BacklogRow, KpiAnswer, TrendRow } from '../lib/api.js';
import { lineChart } from '../lib/charts.js';
import { byId, clear, h } from '../lib/dom.js';
import { count, duration, instant } from '../lib/format.js';
import { backlogRequests } from '../lib/requests.js';
import type { PanelContext } from './context.js';

let chart: uPlot | undefined;

function histogram(row: BacklogRow): HTMLElement {
  const max = Math.max(1, ...row.buckets.map((b) => b.count));
  return h(
    'ol',
    { class: 'histogram', 'aria-label': 'tickets by age' },
    row.buckets.map((b) =>
      h(
        'li',
        {},
        h('span', { class: 'bar-label' }, b.label),
        h(
          'span',
          { class: 'bar-track' },
          h('span', { class: 'bar', style: `width: ${((b.count / max) * 100).toFixed(2)}%` }),
        ),
        h('span', { class: 'bar-value num', 'data-bucket': b.label }, count(b.count)),
      ),
    ),
  );
}

/** The picker's value: the as-of instant as local wall time in the view's zone. */
function pickerValue(asOf: string, zone: string): string {
  if (asOf === '') return '';
  return DateTime.fromISO(asOf, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
}

export function bindBacklogControls(ctx: () => PanelContext): void {
  const picker = byId<HTMLInputElement>('as-of');
  picker.addEventListener('change', () => {
    const { state } = ctx();
    if (picker.value === '') return ctx().setState({ asOf: '' });
    const at = DateTime.fromISO(picker.value, { zone: state.timezone });
    if (at.isValid) ctx().setState({ asOf: at.toUTC().toISO() });
  });
  byId('as-of-now').addEventListener('click', () => ctx().setState({ asOf: '' }));
  byId<HTMLSelectElement>('age').addEventListener('change', (e) =>
    ctx().setState({
      age: (e.target as HTMLSelectElement).value === 'business' ? 'business' : 'calendar',
    }),
  );
}

export async function loadBacklog(ctx: PanelContext, isCurrent: () => boolean): Promise<void> {
  const [backlogReq, trendReq] = backlogRequests(ctx.state, ctx.now);
  const [backlog, trend] = await Promise.all([
    ctx.get<KpiAnswer<BacklogRow>>(backlogReq!.path),
    ctx.get<KpiAnswer<TrendRow>>(trendReq!.path),
  ]);
  if (!isCurrent()) return;
  const zone = ctx.state.timezone;
  byId<HTMLInputElement>('as-of').value = pickerValue(ctx.state.asOf, zone);
  byId<HTMLSelectElement>('age').value = ctx.state.age;
  const row = backlog.rows[0];
  clear(
    byId('backlog-figures'),
    h(
      'dl',
      { class: 'figures' },
      h(
        'div',
        {},
        h('dt', {}, 'In the backlog'),
        h('dd', { class: 'figure', 'data-figure': 'backlog-total' }, count(row?.total ?? 0)),
      ),
      h(
        'div',
        {},
        h('dt', {}, 'Actionable (new, open)'),
        h(
          'dd',
          { class: 'figure', 'data-figure': 'backlog-actionable' },
          count(row?.actionable ?? 0),
        ),
      ),
      h(
        'div',
        {},
        h('dt', {}, `Average ${ctx.state.age} age`),
        h('dd', { class: 'figure' }, duration(row?.age_seconds_avg)),
      ),
    ),
    h(
      'p',
      { class: 'muted' },
      `As of ${instant(row?.as_of ?? new Date(ctx.now).toISOString(), zone, true)}`,
    ),
  );
  clear(byId('backlog-histogram'), row ? histogram(row) : null);
  chart?.destroy();
  const plot = byId('backlog-chart');
  plot.replaceChildren();
  chart = lineChart(plot, {
    x: trend.rows.map((r) => Date.parse(r.period_end) / 1000),
    series: [
      { label: 'Backlog', values: trend.rows.map((r) => r.total), style: 0, format: count },
      { label: 'Actionable', values: trend.rows.map((r) => r.actionable), style: 1, format: count },
    ],
    zone,
    height: 220,
    yLabel: (v) => count(v),
  });
}
