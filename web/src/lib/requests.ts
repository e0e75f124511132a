/**
 * Every API request a panel makes on its first load, from the view's state and the time: the
 * page issues exactly these, and bench/dashboard times exactly these, so the two cannot drift.
 * Pure (no DOM): Node imports it too.
 */
import { DateTime } from 'luxon';
import type { DashboardState } from './state.js';

export type Panel = 'setup' | 'sla' | 'queue' | 'backlog' | 'productivity';

export interface PanelRequest {
  panel: Panel;
  /** Which part of the panel it feeds. */
  name: RequestName;
  /** Path and query string, from `/v1/`. */
  path: string;
}

export type RequestName =
  | 'tenant'
  | 'filterValues'
  | 'slaTrend'
  | 'slaTotal'
  | 'queueAtRisk'
  | 'queueBreached'
  | 'backlog'
  | 'backlogTrend'
  | 'fcrByTeam'
  | 'ahtByTeam'
  | 'fcrByAgent'
  | 'ahtByAgent';

export const SLA_METRICS = ['first_response', 'next_response', 'resolution'] as const;
/** The queue's counts come from one page of at most this many clocks ("1000+" past it). */
export const QUEUE_COUNT_LIMIT = 1000;
const QUARTER_HOUR = 15 * 60 * 1000;

/** A query string of the non-empty values. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}

/** The filters every panel applies. */
export function filters(state: DashboardState): Record<string, string> {
  return { team: state.team, priority: state.priority, channel: state.channel };
}

const iso = (d: DateTime) => d.toUTC().toISO({ suppressMilliseconds: true })!;

/** The KPI `to` of "until now": now, down to the quarter hour the rollups keep. */
export function quarterHourFloor(now: number): number {
  return Math.floor(now / QUARTER_HOUR) * QUARTER_HOUR;
}

/** The SLA trend's ISO weeks: the current one and the `weeks − 1` before it, in the zone. */
export function slaWindow(state: DashboardState, now: number): { from: string; to: string } {
  const thisWeek = DateTime.fromMillis(now, { zone: state.timezone }).startOf('week');
  return {
    from: iso(thisWeek.minus({ weeks: state.weeks - 1 })),
    to: iso(thisWeek.plus({ weeks: 1 })),
  };
}

/** `days` local days back from today's start, to now. */
export function daysWindow(zone: string, days: number, now: number): { from: string; to: string } {
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const to = DateTime.fromMillis(quarterHourFloor(now), { zone });
  return { from: iso(today.minus({ days: days - 1 })), to: iso(to) };
}

export function slaRequests(state: DashboardState, now: number): PanelRequest[] {
  const range = { ...slaWindow(state, now), timezone: state.timezone };
  return [
    {
      panel: 'sla',
      name: 'slaTrend',
      path: `/v1/kpis/sla${query({ ...range, interval: 'week', group_by: 'metric', ...filters(state) })}`,
    },
    {
      panel: 'sla',
      name: 'slaTotal',
      path: `/v1/kpis/sla${query({ ...range, ...filters(state) })}`,
    },
  ];
}

export function queueRequests(state: DashboardState): PanelRequest[] {
  const page = (status: string) =>
    `/v1/tickets${query({ sla_status: status, limit: QUEUE_COUNT_LIMIT, ...filters(state) })}`;
  return [
    { panel: 'queue', name: 'queueAtRisk', path: page('at_risk') },
    { panel: 'queue', name: 'queueBreached', path: page('breached') },
  ];
}

export function backlogRequests(state: DashboardState, now: number): PanelRequest[] {
  const trend = { ...daysWindow(state.timezone, 90, now), timezone: state.timezone };
  return [
    {
      panel: 'backlog',
      name: 'backlog',
      path: `/v1/kpis/backlog${query({ as_of: state.asOf, age: state.age, ...filters(state) })}`,
    },
    {
      panel: 'backlog',
      name: 'backlogTrend',
      path: `/v1/kpis/backlog-trend${query({ ...trend, interval: 'day', ...filters(state) })}`,
    },
  ];
}

export function productivityRequests(state: DashboardState, now: number): PanelRequest[] {
  const range = { ...daysWindow(state.timezone, state.days, now), timezone: state.timezone };
  const kpi = (name: RequestName, endpoint: string, groupBy: string): PanelRequest => ({
    panel: 'productivity',
    name,
    path: `/v1/kpis/${endpoint}${query({ ...range, group_by: groupBy, ...filters(state) })}`,
  });
  return [
    kpi('fcrByTeam', 'fcr', 'team'),
    kpi('ahtByTeam', 'handle-time', 'team'),
    kpi('fcrByAgent', 'fcr', 'agent'),
    kpi('ahtByAgent', 'handle-time', 'agent'),
  ];
}

/** The values the filters offer: every team, priority and channel of the last 90 days. */
export function filterValuesRequest(zone: string, now: number): PanelRequest {
  const range = daysWindow(zone, 90, now);
  return {
    panel: 'setup',
    name: 'filterValues',
    path: `/v1/kpis/volume${query({ ...range, timezone: zone, group_by: 'team,priority,channel' })}`,
  };
}

export const TENANT_REQUEST: PanelRequest = { panel: 'setup', name: 'tenant', path: '/v1/tenant' };

/** Everything the page asks for on first load, once the tenant's zone is known. */
export function initialRequests(state: DashboardState, now: number): PanelRequest[] {
  return [
    TENANT_REQUEST,
    filterValuesRequest(state.timezone, now),
    ...slaRequests(state, now),
    ...queueRequests(state),
    ...backlogRequests(state, now),
    ...productivityRequests(state, now),
  ];
}
