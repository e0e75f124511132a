/**
 * The API from the page: every call carries the key as `Authorization: Bearer` (never in a URL),
 * and asks again each time with the ETag the browser kept (the KPI answers are
 * `private, no-cache`), so an unchanged answer is a 304 and costs the service nothing.
 */

/** The key is wrong, revoked (401) or lacks reports:read (403). */
export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string };
}

async function messageOf(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as ErrorBody;
    return body.error?.message ?? `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

export type Get = <T>(path: string) => Promise<T>;

export function apiClient(key: string, base = ''): Get {
  return async <T>(path: string): Promise<T> => {
    const res = await fetch(base + path, {
      headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
      cache: 'no-cache',
    });
    if (res.status === 401 || res.status === 403) {
      throw new AuthError(res.status, await messageOf(res));
    }
    if (!res.ok) throw new RequestError(res.status, await messageOf(res));
    return (await res.json()) as T;
  };
}

/** The shapes the dashboard reads (openapi.yaml has them all). */
export interface KpiAnswer<R> {
  from?: string;
  to?: string;
  timezone: string;
  rows: R[];
}

export interface SlaRow {
  period_start?: string;
  metric?: string;
  achieved: number;
  breached: number;
  compliance: number | null;
}

export interface BacklogRow {
  as_of: string;
  total: number;
  actionable: number;
  age_seconds_avg: number | null;
  buckets: { label: string; min_seconds: number; max_seconds: number | null; count: number }[];
}

export interface TrendRow {
  period_start: string;
  period_end: string;
  total: number;
  actionable: number;
}

export interface FcrRow {
  team?: string;
  agent?: string;
  solved: number;
  fcr_rate: number | null;
  reopened: number;
  reopen_rate: number | null;
}

export interface AhtRow {
  team?: string;
  agent?: string;
  contacts: number;
  aht_seconds: number | null;
}

export interface VolumeRow {
  team?: string;
  priority?: string;
  channel?: string;
}

export interface QueueItem {
  ticket_id: string;
  metric: string;
  cycle: number;
  sla_status: 'active' | 'at_risk' | 'paused' | 'breached' | 'achieved';
  due_at: string | null;
  breached_at: string | null;
  decided_at: string | null;
  business_seconds_left: number | null;
  policy_id: string;
  priority: string | null;
  group: string | null;
  assignee_id: string | null;
}

export interface QueuePage {
  items: QueueItem[];
  next_cursor: string | null;
}

export interface Tenant {
  tenant_id: string;
  name: string;
  timezone: string;
}

export interface TimelineSegment {
  from: string;
  to: string;
  kind: 'running' | 'outside_hours' | 'paused';
  status: string;
  business_seconds: number;
  policy_id: string;
  policy_version: number;
  calendar_id: string;
  calendar_version: number;
  summarised?: boolean;
}

export interface Timeline {
  ticket_id: string;
  as_of: string;
  clocks: {
    metric: string;
    cycle: number;
    status: string;
    elapsed_business_seconds: number;
    segments: TimelineSegment[];
  }[];
}
