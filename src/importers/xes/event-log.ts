/**
 * Process-mining event logs → ticket events: the mapping the `xes` and `event-csv` sources share.
 * A log is cases (tickets), each a list of records with attributes (XES event attributes, CSV
 * columns). An {@link EventLogMapping} says which attributes are the activity, instant, resource,
 * team and priority, and which status each activity means. xes/mapping.ts and
 * event-csv/mapping.ts hold the presets of the real logs and document their decisions.
 *
 * Per case (records ordered by instant, ties in file order; an unreadable record is rejected and
 * the case goes on without it):
 *
 * - the first record opens the ticket: `ticket.created` with its status and attributes, at its
 *   instant, `via: customer` (an event log has no creation event; the first event opens the case);
 * - each later record: `ticket.updated` with the attributes it changes, then
 *   `ticket.status_changed` when its activity maps to a status other than the current one;
 * - the actor is the record's resource as an agent, or `system` for a missing or system resource.
 *
 * Event ids: `<source>:<case>:<n>:created|updated|status`, `n` the record's 1-based position in
 * its case in the file, so the same file gives the same ids.
 */
import type { TicketStatus } from '../../core/events.js';
import type { SourceRejection, WireEvent } from '../source.js';
import { label, type InstantReader } from './reading.js';

export interface EventLogMapping {
  /** Attributes whose values, joined with `/`, are the activity (`Accepted/In Progress`). */
  activity: string[];
  /** Activity → status; `null` = the activity changes no status. */
  statuses: Record<string, TicketStatus | null>;
  /** An activity missing from `statuses`: reject the record, or map no status (`ignore`). */
  unknownActivity: 'reject' | 'ignore';
  timestamp: string;
  /** The offsets written are the exporter's: read the wall-clock part in the time zone. */
  wallClock: boolean;
  resource?: string;
  /** Resources that are systems (workflow tools), not agents: actor `system`, never assignee. */
  systemResources: string[];
  /** When set, only these activities make their resource the assignee (else every record). */
  assigneeActivities?: string[];
  group?: string;
  /** How the support line (`tier`) is read: from `2nd`/`3rd` in the group, or an attribute. */
  tier?: { from: 'group-suffix' } | { from: 'attribute'; key: string };
  priority?: string;
  category?: string;
  channel?: string;
  defaultPriority: string;
  defaultChannel: string;
  /** Values that mean "no value" (`-`, `UNKNOWN`); the empty string always does. */
  nullValues: string[];
}

export interface LogRecord {
  /** 1-based record of the file (CSV data row, XES event). */
  row: number;
  attributes: Readonly<Record<string, string>>;
}

export interface LogCase {
  caseId: string;
  /** The attribute or column naming the case (for rejections). */
  caseField: string;
  records: LogRecord[];
}

interface Attributes {
  priority?: string;
  channel?: string;
  group?: string | null;
  tier?: number | null;
  assignee_id?: string | null;
  category?: string | null;
}

interface Prepared {
  record: LogRecord;
  n: number;
  at: string;
  ms: number;
  status: TicketStatus | null;
  resource: string | null;
  activity: string;
}

/** `V5 3rd` → 3, `V13 2nd 3rd` → 2 (the first line it serves), `V30` → 1; `L2/L3` → 2. */
export function tierOf(text: string, from: 'group-suffix' | 'attribute'): number | null {
  if (from === 'group-suffix') {
    const m = /\b([23])(?:nd|rd)\b/.exec(text);
    return m ? Number(m[1]) : 1;
  }
  const m = /(\d+)/.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 1 && n <= 100 ? n : null;
}

export class EventLogMapper {
  constructor(
    private readonly source: string,
    private readonly mapping: EventLogMapping,
    private readonly readInstant: InstantReader,
  ) {}

  private value(record: LogRecord, key: string | undefined): string | null {
    if (key === undefined) return null;
    const v = record.attributes[key]?.trim();
    if (v === undefined || v === '' || this.mapping.nullValues.includes(v)) return null;
    return v;
  }

  /** The record's instant, activity and status, or a rejection naming its field. */
  private prepare(record: LogRecord, n: number): Prepared | SourceRejection {
    const { mapping } = this;
    const activity = mapping.activity.map((k) => record.attributes[k] ?? '').join('/');
    const time = record.attributes[mapping.timestamp];
    if (time === undefined || time.trim() === '') {
      return { row: record.row, field: mapping.timestamp, message: 'is missing' };
    }
    const instant = this.readInstant(time);
    if ('error' in instant) {
      return { row: record.row, field: mapping.timestamp, message: instant.error };
    }
    let status = mapping.statuses[activity];
    if (status === undefined || !Object.hasOwn(mapping.statuses, activity)) {
      if (mapping.unknownActivity === 'reject') {
        const field = mapping.activity.join('+');
        return { row: record.row, field, message: `unknown activity "${activity}"` };
      }
      status = null;
    }
    const resource = this.value(record, mapping.resource);
    return { record, n, at: instant.at, ms: instant.ms, status, resource, activity };
  }

  private attributesOf(p: Prepared): Attributes {
    const { mapping } = this;
    const out: Attributes = {};
    const priority = this.value(p.record, mapping.priority);
    if (priority !== null) out.priority = label(priority);
    const channel = this.value(p.record, mapping.channel);
    if (channel !== null) out.channel = label(channel);
    const group = this.value(p.record, mapping.group);
    if (group !== null) out.group = group;
    const category = this.value(p.record, mapping.category);
    if (category !== null) out.category = category;
    const tier = mapping.tier;
    if (tier?.from === 'group-suffix' && group !== null) out.tier = tierOf(group, 'group-suffix');
    if (tier?.from === 'attribute') {
      const v = this.value(p.record, tier.key);
      if (v !== null) out.tier = tierOf(v, 'attribute');
    }
    const assigns =
      mapping.assigneeActivities === undefined || mapping.assigneeActivities.includes(p.activity);
    if (assigns && p.resource !== null && !mapping.systemResources.includes(p.resource)) {
      out.assignee_id = p.resource;
    }
    return out;
  }

  private actor(p: Prepared): WireEvent['actor'] {
    return p.resource === null || this.mapping.systemResources.includes(p.resource)
      ? { type: 'system' }
      : { type: 'agent', id: p.resource };
  }

  /** The case's wire events and the rejections of its records. */
  mapCase(c: LogCase): { events: WireEvent[]; rejections: SourceRejection[] } {
    const rejections: SourceRejection[] = [];
    if (c.caseId.length > 200) {
      const message = 'a case id longer than 200 characters';
      return {
        events: [],
        rejections: c.records.map((r) => ({ row: r.row, field: c.caseField, message })),
      };
    }
    const prepared: Prepared[] = [];
    c.records.forEach((record, i) => {
      const p = this.prepare(record, i + 1);
      if ('message' in p) rejections.push(p);
      else prepared.push(p);
    });
    prepared.sort((a, b) => a.ms - b.ms || a.n - b.n);
    const first = prepared[0];
    if (first === undefined) return { events: [], rejections };
    const events: WireEvent[] = [this.created(c.caseId, first)];
    const current: Attributes = { ...this.attributesOf(first) };
    let status: TicketStatus = first.status ?? 'new';
    for (const p of prepared.slice(1)) {
      const id = `${this.source}:${c.caseId}:${p.n}`;
      const base = { ticket_id: c.caseId, occurred_at: p.at, actor: this.actor(p) };
      const changes: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(this.attributesOf(p))) {
        if (current[key as keyof Attributes] !== value) changes[key] = value;
      }
      if (Object.keys(changes).length > 0) {
        Object.assign(current, changes);
        events.push({ id: `${id}:updated`, type: 'ticket.updated', ...base, data: changes });
      }
      if (p.status !== null && p.status !== status) {
        status = p.status;
        events.push({
          id: `${id}:status`,
          type: 'ticket.status_changed',
          ...base,
          data: { status },
        });
      }
    }
    return { events, rejections };
  }

  private created(caseId: string, p: Prepared): WireEvent {
    const attrs = this.attributesOf(p);
    return {
      id: `${this.source}:${caseId}:${p.n}:created`,
      type: 'ticket.created',
      ticket_id: caseId,
      occurred_at: p.at,
      actor: this.actor(p),
      data: {
        ...attrs,
        priority: attrs.priority ?? this.mapping.defaultPriority,
        channel: attrs.channel ?? this.mapping.defaultChannel,
        status: p.status ?? 'new',
        via: 'customer',
      },
    };
  }
}
