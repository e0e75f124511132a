/**
 * A ticket's clocks as a Gantt-like strip (GET /v1/tickets/{id}/timeline): running, outside
 * business hours and paused segments told apart by pattern and label as well as colour, with the
 * policy and calendar versions each segment was measured with, and the same as a table.
 */
import type { Timeline, TimelineSegment } from '../lib/api.js';
import { clear, failed, h } from '../lib/dom.js';
import { duration, instant, METRIC_LABELS } from '../lib/format.js';
import type { PanelContext } from './context.js';

const KIND_LABELS: Record<TimelineSegment['kind'], string> = {
  running: 'Running (business hours)',
  outside_hours: 'Outside business hours',
  paused: 'Paused',
};

function versionsOf(segments: TimelineSegment[], zone: string): HTMLElement {
  const changes: HTMLElement[] = [];
  let last = '';
  for (const s of segments) {
    const key = `${s.policy_id} v${s.policy_version} · calendar ${s.calendar_id} v${s.calendar_version}`;
    if (key === last) continue;
    last = key;
    changes.push(h('li', {}, `from ${instant(s.from, zone)}: policy ${key}`));
  }
  return h('ul', { class: 'versions' }, changes);
}

function strip(segments: TimelineSegment[], zone: string): HTMLElement {
  const start = Date.parse(segments[0]!.from);
  const span = Math.max(1, Date.parse(segments.at(-1)!.to) - start);
  return h(
    'div',
    { class: 'strip', role: 'img', 'aria-label': 'clock segments over time; the table lists them' },
    segments.map((s) => {
      const width = ((Date.parse(s.to) - Date.parse(s.from)) / span) * 100;
      return h('span', {
        class: `seg seg-${s.kind}`,
        style: `flex-basis: ${width.toFixed(3)}%`,
        title: `${KIND_LABELS[s.kind]} (${s.status}) ${instant(s.from, zone)} → ${instant(s.to, zone)}`,
      });
    }),
  );
}

function segmentTable(segments: TimelineSegment[], zone: string): HTMLElement {
  return h(
    'details',
    {},
    h('summary', {}, `${segments.length} segments`),
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
            ['From', 'To', 'Segment', 'Status', 'Business time', 'Policy', 'Calendar'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          segments
            .slice(0, 500)
            .map((s) =>
              h(
                'tr',
                {},
                h('td', {}, instant(s.from, zone, true)),
                h('td', {}, instant(s.to, zone, true)),
                h('td', {}, KIND_LABELS[s.kind] + (s.summarised ? ' (summarised)' : '')),
                h('td', {}, s.status),
                h('td', { class: 'num' }, duration(s.business_seconds)),
                h('td', {}, `${s.policy_id} v${s.policy_version}`),
                h('td', {}, `${s.calendar_id} v${s.calendar_version}`),
              ),
            ),
        ),
      ),
    ),
  );
}

const legend = () =>
  h(
    'ul',
    { class: 'legend' },
    (Object.keys(KIND_LABELS) as TimelineSegment['kind'][]).map((k) =>
      h('li', {}, h('span', { class: `swatch seg-${k}`, 'aria-hidden': 'true' }), KIND_LABELS[k]),
    ),
  );

export async function showTimeline(ctx: PanelContext, ticketId: string): Promise<void> {
  const body = h('div', { class: 'timeline', 'data-testid': 'timeline' }, h('p', {}, 'Loading…'));
  ctx.openDialog(`Ticket ${ticketId}: SLA clocks`, body);
  let timeline: Timeline;
  try {
    timeline = await ctx.get<Timeline>(`/v1/tickets/${encodeURIComponent(ticketId)}/timeline`);
  } catch (error) {
    failed(body, error);
    return;
  }
  const zone = ctx.state.timezone;
  const clocks = timeline.clocks.map((c) =>
    h(
      'section',
      { class: 'clock' },
      h(
        'h3',
        {},
        `${METRIC_LABELS[c.metric] ?? c.metric}${c.cycle > 0 ? ` #${c.cycle}` : ''} — ${c.status}, ${duration(c.elapsed_business_seconds)} business time`,
      ),
      c.segments.length === 0
        ? h('p', { class: 'muted' }, 'No segment yet.')
        : strip(c.segments, zone),
      c.segments.length === 0
        ? null
        : h(
            'p',
            { class: 'axis' },
            h('span', {}, instant(c.segments[0]!.from, zone, true)),
            h('span', {}, instant(c.segments.at(-1)!.to, zone, true)),
          ),
      versionsOf(c.segments, zone),
      c.segments.length === 0 ? null : segmentTable(c.segments, zone),
    ),
  );
  clear(
    body,
    legend(),
    clocks.length === 0
      ? h('p', {}, 'This ticket has no SLA clock (no policy matched it).')
      : clocks,
    h('p', { class: 'muted' }, `As of ${instant(timeline.as_of, zone, true)}`),
  );
}
