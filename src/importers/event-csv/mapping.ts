/**
 * The `event-csv` source's mappings: a flat event log, one row per event (case id, activity,
 * resource, timestamp, attributes). Three presets for the real logs in `../shared/datasets`,
 * chosen from the header when no `--mapping` is given, and the user's mapping for other logs.
 * The mapping engine and its rules (first row opens the ticket, diffs, ids) are in
 * xes/event-log.ts.
 *
 * ## `bpic13-flat` (`bpic13_incidents_flat.csv.gz`: `case_id,org:group,…,time:timestamp`)
 *
 * The BPIC 2013 XES log flattened: exactly the `xes` source's default mapping (xes/mapping.ts:
 * statuses, `org:group` → `group` and `tier` from its `2nd`/`3rd` suffix, `org:resource` →
 * assignee, `impact` → `priority`, `product` → `category`), with the case in `case_id`.
 *
 * ## `bpic13-support-level` (`bpic13_incidents_with_support_level.csv.gz`: `SR Number,…`)
 *
 * | column | event field |
 * |---|---|
 * | `SR Number` | `ticket_id` |
 * | `Status` + `/` + `Sub Status` | `status`, as BPIC 2013 (xes/mapping.ts) |
 * | `Change Date+Time` (offset as written) | `occurred_at` |
 * | `Owner First Name` | actor and `assignee_id` (as `org:resource`; `Siebel` = system) |
 * | `Involved ST` (`V5 3rd`) | `group` |
 * | `ST Level` (`L1`, `L2`, `L3`, `L2/L3` → 2) | `tier` |
 * | `SR Latest Impact` | `priority` |
 * | `Product` | `category` |
 *
 * ## `helpdesk-italian` (`helpdesk_italian_sw_company.csv.gz`: `concept:name,…,case:concept:name,…`)
 *
 * | column | event field |
 * |---|---|
 * | `case:concept:name` (`Case3608`) | `ticket_id` |
 * | `concept:name` | `status` (table below) |
 * | `time:timestamp` | `occurred_at`: its offset is the exporter's (README), so the wall-clock part is read in `--timezone` |
 * | `org:resource` (`Value 2`) | actor (agent); the assignee only on `Take in charge ticket` |
 * | — | `priority` and `channel` `unknown` (the log has neither) |
 *
 * | activity | status | why |
 * |---|---|---|
 * | `Insert ticket`, `Assign seriousness` | `new` | registered and triaged, not yet taken in charge |
 * | `Take in charge ticket`, `Resolve SW anomaly`, `Schedule intervention` | `open` | the help desk works on it |
 * | `Wait` | `pending` | waiting on the customer |
 * | `Require upgrade`, `Create SW anomaly` | `on_hold` | waiting on a release or on development |
 * | `Resolve ticket`, `RESOLVED`, `VERIFIED` | `solved` | |
 * | `Closed`, `INVALID`, `DUPLICATE` | `closed` | |
 *
 * ## A user mapping (`--mapping`)
 *
 * The keys of the `xes` source's user mapping (xes/mapping.ts) plus `"case"`, the case column
 * (required without a preset). `"preset": "<name>"` starts from a preset. Example:
 *
 * ```json
 * { "case": "ticket", "activity": ["step"], "timestamp": "when", "resource": "who",
 *   "statuses": { "opened": "new", "answered": "pending", "done": "solved" } }
 * ```
 */
import type { TicketStatus } from '../../core/events.js';
import type { EventLogMapping } from '../xes/event-log.js';
import { BPIC13_STATUSES, BPIC13_XES, parseEventLogMapping, XES_STANDARD } from '../xes/mapping.js';

export interface CsvMapping {
  /** The case id column. */
  caseColumn: string;
  events: EventLogMapping;
}

interface Preset extends CsvMapping {
  /** Columns that identify the preset's file from its header. */
  detect: string[];
}

const ITALIAN_STATUSES: Record<string, TicketStatus | null> = {
  'Insert ticket': 'new',
  'Assign seriousness': 'new',
  'Take in charge ticket': 'open',
  'Resolve SW anomaly': 'open',
  'Schedule intervention': 'open',
  Wait: 'pending',
  'Require upgrade': 'on_hold',
  'Create SW anomaly': 'on_hold',
  'Resolve ticket': 'solved',
  RESOLVED: 'solved',
  VERIFIED: 'solved',
  Closed: 'closed',
  INVALID: 'closed',
  DUPLICATE: 'closed',
};

export const PRESETS: Readonly<Record<string, Preset>> = {
  'bpic13-flat': {
    detect: ['case_id', 'org:group', 'concept:name', 'lifecycle:transition', 'time:timestamp'],
    caseColumn: 'case_id',
    events: BPIC13_XES,
  },
  'bpic13-support-level': {
    detect: ['SR Number', 'Change Date+Time', 'Status', 'Sub Status', 'ST Level'],
    caseColumn: 'SR Number',
    events: {
      ...BPIC13_XES,
      activity: ['Status', 'Sub Status'],
      statuses: { ...BPIC13_STATUSES },
      timestamp: 'Change Date+Time',
      resource: 'Owner First Name',
      group: 'Involved ST',
      tier: { from: 'attribute', key: 'ST Level' },
      priority: 'SR Latest Impact',
      category: 'Product',
    },
  },
  'helpdesk-italian': {
    detect: ['case:concept:name', 'concept:name', 'org:resource', 'time:timestamp'],
    caseColumn: 'case:concept:name',
    events: {
      activity: ['concept:name'],
      statuses: ITALIAN_STATUSES,
      unknownActivity: 'reject',
      timestamp: 'time:timestamp',
      wallClock: true,
      resource: 'org:resource',
      systemResources: [],
      assigneeActivities: ['Take in charge ticket'],
      defaultPriority: 'unknown',
      defaultChannel: 'unknown',
      nullValues: [],
    },
  },
};

/** The preset whose columns the header has, or undefined. */
export function detectPreset(header: readonly string[]): Preset | undefined {
  return Object.values(PRESETS).find((p) => p.detect.every((c) => header.includes(c)));
}

/** The mapping of an `event-csv` import: the user's, else the preset the header matches. */
export function csvMapping(raw: unknown, header: readonly string[]): CsvMapping {
  if (raw === undefined || raw === null) {
    const preset = detectPreset(header);
    if (preset === undefined) {
      throw new TypeError(
        `no preset matches the header (${header.join(', ')}): pass a mapping (--mapping)`,
      );
    }
    return preset;
  }
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new TypeError('mapping: must be a JSON object');
  const r = raw as Record<string, unknown>;
  let base: CsvMapping | undefined;
  if (r.preset !== undefined) {
    base = typeof r.preset === 'string' ? PRESETS[r.preset] : undefined;
    if (base === undefined || !Object.hasOwn(PRESETS, r.preset as string)) {
      throw new TypeError(`mapping: "preset" must be one of ${Object.keys(PRESETS).join(', ')}`);
    }
  }
  const caseColumn = r.case ?? base?.caseColumn;
  if (typeof caseColumn !== 'string')
    throw new TypeError('mapping: "case" must name the case column');
  const events = parseEventLogMapping(r, base?.events ?? XES_STANDARD);
  return { caseColumn, events };
}
