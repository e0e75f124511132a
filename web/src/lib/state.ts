/**
 * The dashboard's view: zone, filters, backlog instant and options. It lives in the page's query
 * string so a view can be bookmarked and shared; the API key never does (sessionStorage only).
 */

export type AgeKind = 'calendar' | 'business';
export type QueueView = 'at_risk' | 'breached';

export interface DashboardState {
  /** IANA zone of every period and displayed instant; '' until the tenant's default is known. */
  timezone: string;
  /** Filters applied to every panel: one value or a comma list; '' is all. */
  team: string;
  priority: string;
  channel: string;
  /** The backlog's instant (RFC 3339); '' is now. */
  asOf: string;
  age: AgeKind;
  /** The SLA trend's weeks and the FCR/AHT window's days, both ending now. */
  weeks: number;
  days: number;
  /** The compliance target drawn on the SLA trend (0–1). */
  target: number;
  queue: QueueView;
}

export const DEFAULT_STATE: DashboardState = {
  timezone: '',
  team: '',
  priority: '',
  channel: '',
  asOf: '',
  age: 'calendar',
  weeks: 12,
  days: 28,
  target: 0.9,
  queue: 'at_risk',
};

/** Query-string names of the state's fields. */
const NAMES: Record<keyof DashboardState, string> = {
  timezone: 'tz',
  team: 'team',
  priority: 'priority',
  channel: 'channel',
  asOf: 'as_of',
  age: 'age',
  weeks: 'weeks',
  days: 'days',
  target: 'target',
  queue: 'queue',
};

function bounded(text: string | null, min: number, max: number, fallback: number): number {
  const n = text === null ? NaN : Number(text);
  return Number.isFinite(n) && n >= min && n <= max ? n : fallback;
}

export function parseState(search: string): DashboardState {
  const q = new URLSearchParams(search);
  const text = (key: keyof DashboardState) => q.get(NAMES[key])?.trim() ?? '';
  const asOf = text('asOf');
  return {
    timezone: text('timezone'),
    team: text('team'),
    priority: text('priority'),
    channel: text('channel'),
    asOf: asOf !== '' && Number.isFinite(Date.parse(asOf)) ? asOf : '',
    age: text('age') === 'business' ? 'business' : 'calendar',
    weeks: Math.round(bounded(q.get(NAMES.weeks), 2, 104, DEFAULT_STATE.weeks)),
    days: Math.round(bounded(q.get(NAMES.days), 1, 366, DEFAULT_STATE.days)),
    target: bounded(q.get(NAMES.target), 0, 1, DEFAULT_STATE.target),
    queue: text('queue') === 'breached' ? 'breached' : 'at_risk',
  };
}

/** The query string of a state: only what differs from the defaults. */
export function formatState(state: DashboardState, tenantZone = ''): string {
  const q = new URLSearchParams();
  for (const key of Object.keys(NAMES) as (keyof DashboardState)[]) {
    const value = state[key];
    if (value === DEFAULT_STATE[key]) continue;
    if (key === 'timezone' && value === tenantZone) continue;
    q.set(NAMES[key], String(value));
  }
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}
