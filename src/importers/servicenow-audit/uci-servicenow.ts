/**
 * UCI ServiceNow incident audit log → deskmetrics wire events (events.md). Pure: rows in, events
 * out; the file reading lives in `uci-servicenow-reader.ts`. Data set: Amaral, Fantinato, Peres
 * 2018, UCI ML Repository #498 ("Incident management process enriched event log"), described in
 * shared/datasets/README.md.
 *
 * Each CSV row is an audit snapshot of one incident after an update. An incident's rows are
 * mapped together ({@link mapIncident}): the first snapshot creates the ticket, every later one
 * is diffed against the ticket as mapped so far.
 *
 * ## Mapping
 *
 * | log | deskmetrics |
 * |---|---|
 * | `number` | `ticket_id` |
 * | first snapshot | `ticket.created`, at `opened_at` (see "Creation") |
 * | later snapshot, attributes differ | `ticket.updated` with the changed keys only |
 * | later snapshot, mapped state differs | `ticket.status_changed` |
 * | `priority` `1 - Critical` … `4 - Low` | `priority` `critical`, `high`, `moderate`, `low` |
 * | `contact_type` `Phone`, `Email`, `Self service`, `IVR`, `Direct opening` | `channel` `phone`, `email`, `self_service`, `ivr`, `direct_opening` |
 * | `assignment_group` | `group` (verbatim, `Group 56`) |
 * | `assigned_to` | `assignee_id` (verbatim, `Resolver 216`; `?` → null = unassigned) |
 * | `caller_id` | `requester_id` |
 * | `category` | `category` (verbatim) |
 * | `sys_updated_by` | `actor: { type: 'agent', id }` of the row's events |
 * | `opened_by` | `actor` of `ticket.created` (`system` when `?`) |
 * | `sys_updated_at` | `occurred_at` of the row's events |
 *
 * `incident_state` → `status`: `New` → `new`; `Active` → `open`; `Awaiting User Info` →
 * `pending` (waiting on the caller); `Awaiting Vendor`, `Awaiting Problem`, `Awaiting Evidence` →
 * `on_hold` (waiting on a third party); `Resolved` → `solved`; `Closed` → `closed`. The 5 rows
 * with the junk state `-100` (INC0028089 ×2, INC0030413 ×3, each between an `Active`/`New` row and
 * a `Resolved` one) carry no status: their attribute changes are mapped, their state is skipped,
 * so the ticket keeps the status it had. Any other unknown state is an error
 * ({@link UciFormatError}), not a guess.
 *
 * Labels are normalised by dropping a leading `N - ` and writing the rest in lower snake case
 * ({@link label}), so policies can match `priority: ['critical']`; nothing is lost (the numeric
 * prefix is implied by the word). `?` is null everywhere. A null `priority` or `contact_type`
 * (none in the data set) becomes `unknown` at creation and is ignored later: they cannot be
 * cleared.
 *
 * ## Instants
 *
 * Dates are `d/m/yyyy HH:MM` wall-clock times with no zone. The zone of the exporting company is
 * unknown, so they are read in one fixed UTC offset, `Z` by default ({@link UciMapOptions}):
 * `29/2/2016 01:16` → `2016-02-29T01:16:00Z`. Any fixed offset keeps every duration and order;
 * a zone with DST would not be recoverable anyway (the wall-clock times are ambiguous). When
 * the exporter's zone is known, `timezone` (the import's `--timezone`) reads them in it instead:
 * the earlier instant in a DST fold, the offset before a DST gap.
 *
 * ## Order of an incident's rows, and out-of-sequence snapshots
 *
 * The README orders rows by `sys_mod_count`, then `sys_updated_at`. The fold, however, applies a
 * ticket's events by `occurred_at` (then arrival), and a diff is only meaningful in the order the
 * fold applies it: rows are ordered by `sys_updated_at`, then `sys_mod_count`, then position in
 * the input. In 24,913 of the 24,918 incidents the two orders are the same, and the events of an
 * incident come out in non-decreasing `occurred_at` order, so emission order is a valid arrival
 * order (ties keep row order).
 *
 * In the other 5, all opened on the log's first day (29/2/2016), one snapshot — the incident's
 * first row in the file — has a `sys_mod_count` that contradicts its time, and its content is the
 * incident's early state:
 *
 * | incident | out-of-sequence row | then |
 * |---|---|---|
 * | INC0000130 | mod 2 `New` 07:27 | mod 1 `New` 09:59, mod 2 `Active` 1/3 14:13 … |
 * | INC0000134 | mod 2 `New` 07:55 | mod 1 `New` 09:52, mod 2 `Active` 1/3 14:13 … |
 * | INC0000135 | mod 7 `Active` 09:27 | mod 1 `Active` 11:45 … mod 5 `Resolved` 15:27, mod 7 `Closed` 5/3 |
 * | INC0000137 | mod 1 `New` 11:10 | (mod 1 `New` 09:52, mod 2 `Resolved` 11:03 before it), mod 3 `Closed` 5/3 |
 * | INC0000164 | mod 3 `New` 08:53 | mod 1 `Active` 23:20 … |
 *
 * Neither order reproduces the log there. By `sys_mod_count`, INC0000135's `Active` snapshot
 * comes after its `Resolved` ones — a reopen that its `reopen_count` (0) denies — and the others
 * get events out of time order. By time, INC0000137's stale `New` at 11:10 follows its
 * resolution at 11:03 (`resolved_at` 11:03) — again a reopen the log denies. So a snapshot is
 * **in sequence** when it lies on the longest chain of the incident's rows along which
 * `sys_mod_count` strictly increases as `sys_updated_at` goes forward ({@link outOfSequence};
 * ties, none in the data set, keep the earliest rows); the others — exactly the 5 rows above — keep their
 * place in time and their attribute changes (INC0000130's and INC0000134's first `Group 72`
 * before the reassignment to `Group 73` that `reassignment_count` 1 records is real), but their
 * state is not applied, like `-100`. The result reproduces `reopen_count` for every incident.
 *
 * ## Creation
 *
 * `ticket.created` carries the first snapshot's attributes, at `opened_at` — or at the first
 * snapshot's instant when that is earlier (5 first-day incidents: INC0000130, INC0000131,
 * INC0000134, INC0000135, INC0000164, where `opened_at` is up to 2.5 h after the first snapshot;
 * later rows never precede `opened_at`). `opened_at` is when the agent opened the form, before
 * the record was saved: the first snapshot's `sys_updated_at` equals `sys_created_at` wherever
 * that is known (13,418 incidents; not in 5 of the first-day ones), a median of 6 minutes after
 * `opened_at`.
 * Its state was set while the call was handled, not at `opened_at`: for the 1,819 incidents first
 * saved as `Resolved`, `resolved_at` is the first snapshot's instant (272 cases; 1,543 are null,
 * 4 later), never `opened_at`. So the ticket is created `new` at `opened_at` and the first
 * snapshot's status follows as a `ticket.status_changed` at its instant; when the first snapshot
 * is at the creation instant itself, `ticket.created` carries its status directly (no zero-length
 * `new`). `via` is `customer`: the caller initiated the contact; the agent only recorded it.
 *
 * Within a row, `ticket.updated` is emitted before `ticket.status_changed`: a snapshot records
 * both at once, and the status change (a solve or reopen) is attributed to the group and assignee
 * the snapshot shows.
 *
 * ## Event ids
 *
 * Deterministic, so a re-import is a duplicate, not a conflict: `${number}:${key}:created`,
 * `…:updated`, `…:status`, where `key` is the row's `sys_mod_count`, suffixed `.2`, `.3` … for a
 * repeated `sys_mod_count` of the same incident in row order (INC0000135 `7` at 09:27 and `7.2`
 * on 5/3; INC0000137 `1` at 09:52 and `1.2` at 11:10).
 */
import type {
  StatusChangedData,
  TicketCreatedData,
  TicketStatus,
  TicketUpdatedData,
} from '../../core/events.js';
import { zoneRules } from '../../core/calendar/zone-rules.js';
import {
  compareUciRows,
  outOfSequence,
  UciFormatError,
  type LocalDateTime,
  type UciRow,
} from './uci-rows.js';

interface WireBase {
  id: string;
  ticket_id: string;
  occurred_at: string;
  actor: { type: 'agent' | 'system'; id?: string };
}

/** A wire envelope (events.md) of the three types this importer emits. */
export type UciWireEvent =
  | (WireBase & { type: 'ticket.created'; data: TicketCreatedData })
  | (WireBase & { type: 'ticket.updated'; data: TicketUpdatedData })
  | (WireBase & { type: 'ticket.status_changed'; data: StatusChangedData });

export interface UciMapOptions {
  /**
   * The fixed UTC offset the log's wall-clock times are read in: `Z` (default) or `±hh:mm`.
   */
  utcOffset?: string;
  /**
   * An IANA zone (validated by the caller) the wall-clock times are read in instead of a fixed
   * offset: each is converted with the zone's rules (the earlier instant in a DST fold).
   */
  timezone?: string;
}

/** `incident_state` → status; `null` for the junk state `-100` (skipped). */
export const UCI_STATUS: Readonly<Record<string, TicketStatus | null>> = {
  New: 'new',
  Active: 'open',
  'Awaiting User Info': 'pending',
  'Awaiting Vendor': 'on_hold',
  'Awaiting Problem': 'on_hold',
  'Awaiting Evidence': 'on_hold',
  Resolved: 'solved',
  Closed: 'closed',
  '-100': null,
};

/** `3 - Moderate` → `moderate`, `Self service` → `self_service`. */
export function label(text: string): string {
  return text
    .replace(/^\d+\s*-\s*/, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '_');
}

export function mapStatus(row: UciRow): TicketStatus | null {
  const status = UCI_STATUS[row.incidentState];
  if (status === undefined || !Object.hasOwn(UCI_STATUS, row.incidentState)) {
    throw new UciFormatError(
      `${row.number} (data row ${row.position + 1}): unknown incident_state "${row.incidentState}"`,
      'incident_state',
    );
  }
  return status;
}

/** The attributes deskmetrics keeps, as a snapshot shows them. */
interface Attributes {
  priority: string | null;
  channel: string | null;
  group: string | null;
  assignee_id: string | null;
  requester_id: string | null;
  category: string | null;
}

function attributesOf(row: UciRow): Attributes {
  return {
    priority: row.priority === null ? null : label(row.priority),
    channel: row.contactType === null ? null : label(row.contactType),
    group: row.assignmentGroup,
    assignee_id: row.assignedTo,
    requester_id: row.callerId,
    category: row.category,
  };
}

/** The changed keys of `next` against `current` (priority and channel are never cleared). */
function attributeChanges(current: Attributes, next: Attributes): TicketUpdatedData | null {
  const changes: TicketUpdatedData = {};
  let changed = false;
  if (next.priority !== null && next.priority !== current.priority) {
    changes.priority = next.priority;
    changed = true;
  }
  if (next.channel !== null && next.channel !== current.channel) {
    changes.channel = next.channel;
    changed = true;
  }
  for (const key of ['group', 'assignee_id', 'requester_id', 'category'] as const) {
    if (next[key] !== current[key]) {
      changes[key] = next[key];
      changed = true;
    }
  }
  return changed ? changes : null;
}

function checkOffset(offset: string): string {
  if (offset === 'Z' || offset === 'z') return 'Z';
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!m || Number(m[2]) > 23 || Number(m[3]) > 59) {
    throw new RangeError(`utcOffset "${offset}" must be Z or ±hh:mm`);
  }
  return offset;
}

/** How an incident's wall-clock times are written: in the zone when given, else at the offset. */
function instantWriter(offset: string, options: UciMapOptions): (t: LocalDateTime) => string {
  if (options.timezone === undefined) return (t) => `${t.wall}${offset}`;
  const zone = zoneRules(options.timezone);
  return (t) => new Date(zone.localToInstant(t.minutes * 60_000)).toISOString();
}

const agent = (row: UciRow): UciWireEvent['actor'] =>
  row.sysUpdatedBy === null ? { type: 'system' } : { type: 'agent', id: row.sysUpdatedBy };

/** The incident being mapped: its ticket and how its instants are written. */
interface Incident {
  ticketId: string;
  at: (t: LocalDateTime) => string;
}

/** The ticket as mapped so far, which each later snapshot is diffed against. */
interface Mapped {
  attrs: Attributes;
  status: TicketStatus;
}

/** Each row's event key: its `sys_mod_count`, suffixed `.2`, `.3` … when repeated (module doc). */
function eventKeys(ticketId: string): (row: UciRow) => string {
  const keys = new Map<number, number>();
  return (row) => {
    if (row.number !== ticketId) {
      throw new UciFormatError(`rows of ${ticketId} and ${row.number} mapped as one incident`);
    }
    const seen = (keys.get(row.sysModCount) ?? 0) + 1;
    keys.set(row.sysModCount, seen);
    return seen === 1 ? `${ticketId}:${row.sysModCount}` : `${ticketId}:${row.sysModCount}.${seen}`;
  };
}

/**
 * `ticket.created` from the first snapshot, then its status as a `ticket.status_changed` when
 * the ticket was created earlier, at `opened_at` (module doc, "Creation").
 */
function creationEvents(
  incident: Incident,
  first: UciRow,
  key: string,
  firstStatus: TicketStatus,
): { events: UciWireEvent[]; mapped: Mapped } {
  const { ticketId, at } = incident;
  const initial = attributesOf(first);
  const attrs: Attributes = {
    ...initial,
    priority: initial.priority ?? 'unknown',
    channel: initial.channel ?? 'unknown',
  };
  const createdInstant =
    first.openedAt.minutes < first.sysUpdatedAt.minutes ? first.openedAt : first.sysUpdatedAt;
  const createdWithStatus = createdInstant.minutes === first.sysUpdatedAt.minutes;
  const status: TicketStatus = createdWithStatus ? firstStatus : 'new';
  const events: UciWireEvent[] = [
    {
      id: `${key}:created`,
      type: 'ticket.created',
      ticket_id: ticketId,
      occurred_at: at(createdInstant),
      actor: first.openedBy === null ? { type: 'system' } : { type: 'agent', id: first.openedBy },
      data: {
        priority: attrs.priority ?? 'unknown',
        channel: attrs.channel ?? 'unknown',
        status,
        group: attrs.group,
        assignee_id: attrs.assignee_id,
        requester_id: attrs.requester_id,
        category: attrs.category,
        via: 'customer',
      },
    },
  ];
  const mapped = { attrs, status };
  if (firstStatus !== status) events.push(statusEvent(incident, first, key, mapped, firstStatus));
  return { events, mapped };
}

/** `ticket.status_changed` to `status` at the row's instant; updates `mapped`. */
function statusEvent(
  incident: Incident,
  row: UciRow,
  key: string,
  mapped: Mapped,
  status: TicketStatus,
): UciWireEvent {
  mapped.status = status;
  return {
    id: `${key}:status`,
    type: 'ticket.status_changed',
    ticket_id: incident.ticketId,
    occurred_at: incident.at(row.sysUpdatedAt),
    actor: agent(row),
    data: { status },
  };
}

/**
 * A later snapshot's events: `ticket.updated` with the attributes it changes, then
 * `ticket.status_changed` when its status is applied and differs. Updates `mapped`.
 */
function laterRowEvents(
  incident: Incident,
  row: UciRow,
  key: string,
  rowStatus: TicketStatus | null,
  mapped: Mapped,
): UciWireEvent[] {
  const events: UciWireEvent[] = [];
  const changes = attributeChanges(mapped.attrs, attributesOf(row));
  if (changes !== null) {
    mapped.attrs = { ...mapped.attrs, ...changes };
    events.push({
      id: `${key}:updated`,
      type: 'ticket.updated',
      ticket_id: incident.ticketId,
      occurred_at: incident.at(row.sysUpdatedAt),
      actor: agent(row),
      data: changes,
    });
  }
  if (rowStatus !== null && rowStatus !== mapped.status) {
    events.push(statusEvent(incident, row, key, mapped, rowStatus));
  }
  return events;
}

/**
 * The wire events of one incident, in emission (arrival) order, which is also `occurred_at`
 * order. `rows` are all the incident's snapshots, in any order.
 */
export function mapIncident(rows: readonly UciRow[], options: UciMapOptions = {}): UciWireEvent[] {
  const offset = checkOffset(options.utcOffset ?? 'Z');
  const ordered = [...rows].sort(compareUciRows);
  const first = ordered[0];
  if (first === undefined) return [];
  const skipped = outOfSequence(ordered);
  /** The row's status, or null when it is not applied (junk state, out of sequence). */
  const statusOf = (i: number, row: UciRow): TicketStatus | null => {
    const mapped = mapStatus(row);
    return skipped[i] ? null : mapped;
  };
  const incident: Incident = { ticketId: first.number, at: instantWriter(offset, options) };
  const keyOf = eventKeys(first.number);
  const firstStatus = statusOf(0, first) ?? 'new';
  const { events, mapped } = creationEvents(incident, first, keyOf(first), firstStatus);
  for (let i = 1; i < ordered.length; i++) {
    const row = ordered[i]!;
    const key = keyOf(row);
    events.push(...laterRowEvents(incident, row, key, statusOf(i, row), mapped));
  }
  return events;
}
