/**
 * The `xes` source's mapping: the default one, for the BPI Challenge 2013 incident log (Volvo IT,
 * `bpic13_incidents.xes.gz`), and the user's (`--mapping file.json`) for other XES logs.
 *
 * ## BPIC 2013 (default)
 *
 * | XES attribute | event field |
 * |---|---|
 * | trace `concept:name` (`1-364285768`) | `ticket_id` |
 * | event `concept:name` + `/` + `lifecycle:transition` | `status` (table below) |
 * | event `time:timestamp` (offset as written) | `occurred_at` |
 * | event `org:resource` (`Frederic`) | `actor: { type: 'agent', id }` and `assignee_id`; `-` and `Siebel` (the workflow tool) → actor `system`, assignee unchanged |
 * | event `org:group` (`V5 3rd`) | `group` (verbatim) |
 * | `org:group` suffix: none → 1, `2nd` → 2, `3rd` → 3, `2nd 3rd` → 2 | `tier` (a rise is a functional escalation) |
 * | event `impact` (`Low`, `Medium`, `High`, `Major`) | `priority` (`low` … `major`) |
 * | event `product` (`PROD582`) | `category` |
 * | — (the log has none) | `channel: 'unknown'`, `via: 'customer'` |
 *
 * | `concept:name/lifecycle:transition` | status | why |
 * |---|---|---|
 * | `Queued/Awaiting Assignment` | `new` | in a team's queue, nobody has taken it |
 * | `Accepted/Assigned`, `Accepted/In Progress` | `open` | an agent works on it |
 * | `Accepted/Wait - User`, `Accepted/Wait - Customer` | `pending` | waiting on the customer |
 * | `Accepted/Wait`, `Accepted/Wait - Vendor`, `Accepted/Wait - Implementation` | `on_hold` | waiting on a third party or a change (plain `Wait` names nobody: not the customer) |
 * | `Completed/Resolved`, `Completed/In Call` (solved during the first call) | `solved` | |
 * | `Completed/Closed`, `Completed/Cancelled` | `closed` | |
 * | `Unmatched/Unmatched` (5 records) | none | attributes mapped, status kept |
 *
 * There is no creation event: the first event of a trace opens the ticket with its own status
 * (a ticket first seen `Accepted/In Progress` is created `open`). Globals (`<global>`) and
 * log-level attributes are not read. Nested attributes are not read.
 *
 * ## A user mapping (`--mapping`)
 *
 * A JSON object with the {@link EventLogMapping} keys; `statuses` is required, the rest default
 * to the XES standard extensions (`concept:name`, `lifecycle:transition`, `time:timestamp`,
 * `org:resource`, `org:group`). `"preset": "bpic13"` starts from the table above instead, and
 * `"case"` names the trace attribute holding the case id (default `concept:name`). Example:
 *
 * ```json
 * { "statuses": { "register/complete": "new", "solve/complete": "solved" },
 *   "priority": "urgency", "unknownActivity": "ignore" }
 * ```
 */
import { TICKET_STATUSES, type TicketStatus } from '../../core/events.js';
import type { EventLogMapping } from './event-log.js';

export const BPIC13_STATUSES: Readonly<Record<string, TicketStatus | null>> = {
  'Queued/Awaiting Assignment': 'new',
  'Accepted/Assigned': 'open',
  'Accepted/In Progress': 'open',
  'Accepted/Wait - User': 'pending',
  'Accepted/Wait - Customer': 'pending',
  'Accepted/Wait': 'on_hold',
  'Accepted/Wait - Vendor': 'on_hold',
  'Accepted/Wait - Implementation': 'on_hold',
  'Completed/Resolved': 'solved',
  'Completed/In Call': 'solved',
  'Completed/Closed': 'closed',
  'Completed/Cancelled': 'closed',
  'Unmatched/Unmatched': null,
};

/** The XES standard extensions' keys: the base of every XES mapping. */
export const XES_STANDARD: EventLogMapping = {
  activity: ['concept:name', 'lifecycle:transition'],
  statuses: {},
  unknownActivity: 'reject',
  timestamp: 'time:timestamp',
  wallClock: false,
  resource: 'org:resource',
  systemResources: [],
  group: 'org:group',
  defaultPriority: 'unknown',
  defaultChannel: 'unknown',
  nullValues: ['UNKNOWN'],
};

export const BPIC13_XES: EventLogMapping = {
  ...XES_STANDARD,
  statuses: { ...BPIC13_STATUSES },
  systemResources: ['Siebel'],
  tier: { from: 'group-suffix' },
  priority: 'impact',
  category: 'product',
  nullValues: ['UNKNOWN', '-'],
};

export interface XesMapping {
  /** The trace attribute holding the case id. */
  caseKey: string;
  events: EventLogMapping;
}

const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * Checks a user mapping's keys over `base` (a preset or the standard keys): throws a TypeError
 * naming the first bad key.
 */
export function parseEventLogMapping(
  raw: Record<string, unknown>,
  base: EventLogMapping,
): EventLogMapping {
  const out: EventLogMapping = { ...base, statuses: { ...base.statuses } };
  const bad = (key: string, what: string): never => {
    throw new TypeError(`mapping: "${key}" must be ${what}`);
  };
  for (const key of [
    'timestamp',
    'resource',
    'group',
    'priority',
    'category',
    'channel',
  ] as const) {
    const v = raw[key];
    if (v !== undefined && typeof v !== 'string') bad(key, 'a string');
    if (typeof v === 'string') out[key] = v;
  }
  for (const key of ['defaultPriority', 'defaultChannel'] as const) {
    const v = raw[key];
    if (v !== undefined && (typeof v !== 'string' || v === '')) bad(key, 'a non-empty string');
    if (typeof v === 'string') out[key] = v;
  }
  for (const key of ['activity', 'systemResources', 'nullValues', 'assigneeActivities'] as const) {
    const v = raw[key];
    if (v !== undefined && !isStringArray(v)) bad(key, 'an array of strings');
    if (isStringArray(v)) out[key] = v;
  }
  if (raw.wallClock !== undefined) {
    if (typeof raw.wallClock !== 'boolean') bad('wallClock', 'true or false');
    out.wallClock = raw.wallClock as boolean;
  }
  if (raw.unknownActivity !== undefined) {
    if (raw.unknownActivity !== 'reject' && raw.unknownActivity !== 'ignore') {
      bad('unknownActivity', '"reject" or "ignore"');
    }
    out.unknownActivity = raw.unknownActivity as 'reject' | 'ignore';
  }
  if (raw.tier !== undefined) {
    if (raw.tier === 'group-suffix') out.tier = { from: 'group-suffix' };
    else if (typeof raw.tier === 'string') out.tier = { from: 'attribute', key: raw.tier };
    else bad('tier', '"group-suffix" or the name of an attribute');
  }
  if (raw.statuses !== undefined) {
    const statuses = raw.statuses;
    if (typeof statuses !== 'object' || statuses === null || Array.isArray(statuses)) {
      bad('statuses', 'an object of activity → status');
    }
    for (const [activity, status] of Object.entries(statuses as Record<string, unknown>)) {
      if (status !== null && !(TICKET_STATUSES as readonly unknown[]).includes(status)) {
        bad(`statuses.${activity}`, `one of ${TICKET_STATUSES.join(', ')} or null`);
      }
      out.statuses[activity] = status as TicketStatus | null;
    }
  }
  if (Object.keys(out.statuses).length === 0) bad('statuses', 'given (activity → status)');
  return out;
}

/** The mapping of an `xes` import: BPIC 2013's unless the user gives one. */
export function xesMapping(raw: unknown): XesMapping {
  if (raw === undefined || raw === null) return { caseKey: 'concept:name', events: BPIC13_XES };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TypeError('mapping: must be a JSON object');
  }
  const r = raw as Record<string, unknown>;
  if (r.preset !== undefined && r.preset !== 'bpic13') {
    throw new TypeError('mapping: "preset" must be "bpic13"');
  }
  if (r.case !== undefined && typeof r.case !== 'string') {
    throw new TypeError('mapping: "case" must be a string');
  }
  const base = r.preset === 'bpic13' ? BPIC13_XES : XES_STANDARD;
  return {
    caseKey: r.case ?? 'concept:name',
    events: parseEventLogMapping(r, base),
  };
}
