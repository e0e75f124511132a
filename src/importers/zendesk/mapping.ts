/**
 * The `zendesk` source's mapping: one ticket event of Zendesk's incremental ticket event export
 * (`GET /api/v2/incremental/ticket_events?start_time=…&include=comment_events`) → wire events.
 * No sample export is public: the fixture (test/fixtures/importers/zendesk-ticket-events.json)
 * was written by hand from Zendesk's documentation of that endpoint and of ticket audit events
 * (Create, Change, Comment, VoiceComment), not taken from a live account.
 *
 * A ticket event is an audit: `{ id, ticket_id, timestamp, created_at, updater_id, via,
 * event_type, child_events: [...] }`. Its children, in order:
 *
 * | child `event_type` | wire event |
 * |---|---|
 * | `Create` (one per field set: `field_name`/`value`, or the fields as keys) | the fields of every `Create` child of the audit, merged into one `ticket.created` |
 * | `Change` (`field_name`, `value`, `previous_value`, or the field as a key) | `ticket.status_changed` for `status`, `ticket.updated` for the others below |
 * | `Comment`, `VoiceComment` | `ticket.message` |
 * | anything else (notifications, SLA, macros…) | nothing |
 *
 * | Zendesk field | wire field |
 * |---|---|
 * | `status`: `new`, `open`, `pending`, `hold`, `solved`, `closed` | `status` (`hold` → `on_hold`); `deleted` → `ticket.deleted` (`reason: deleted`) |
 * | `priority`: `low`, `normal`, `high`, `urgent`; null | `priority` (null → `none` at creation; a change to null is skipped: it cannot be cleared) |
 * | `assignee_id`, `group_id`, `requester_id`, `organization_id` (numbers) | `assignee_id`, `group`, `requester_id`, `organization_id` (as strings; null clears) |
 * | `type` (`question`, `incident`, `problem`, `task`) | `category` |
 * | `tags` (array, or space-separated text) | `tags` (the whole list) |
 * | audit `via` (`Web form`, `Mail`, or `{ channel }`) | `channel` at creation (`web_form`, `mail`…; none → `unknown`) |
 * | audit `created_at` (else `timestamp`, epoch seconds) | `occurred_at` |
 * | audit `updater_id` | actor: `-1` → `system`; the ticket's requester → `customer`; others → `agent` |
 *
 * Comments: `author_id` (else the updater) is the author. A comment by the ticket's requester is
 * `inbound` with actor `customer`; any other is `outbound` with actor `agent` (`system` for -1).
 * `public` is `comment_public`, else `public`, else true. The export does not say who is an agent:
 * a comment by someone other than the requester (a CC'd colleague of the customer) counts as an
 * agent's. `via: agent` when the creating updater is not the requester.
 *
 * Tickets created before the export's `start_time` have no `Create` audit in it: their events are
 * stored, and have no effect (events.md "Events before ticket.created"). Export from
 * `start_time=0` for the full history.
 *
 * Event ids: `zendesk:<audit id>:created`, `zendesk:<audit id>:<child id>:<field>`,
 * `zendesk:<audit id>:<child id>:message` — Zendesk's own ids, stable across exports.
 */
import type { SourceRejection, WireEvent } from '../source.js';
import { isoUtc, label, parseTimestamp } from '../xes/reading.js';

type Rec = Record<string, unknown>;

const STATUSES: Readonly<Record<string, string>> = {
  new: 'new',
  open: 'open',
  pending: 'pending',
  hold: 'on_hold',
  solved: 'solved',
  closed: 'closed',
};
const FIELDS: Readonly<Record<string, string>> = {
  priority: 'priority',
  assignee_id: 'assignee_id',
  group_id: 'group',
  requester_id: 'requester_id',
  organization_id: 'organization_id',
  type: 'category',
  tags: 'tags',
};
const KNOWN = ['status', ...Object.keys(FIELDS)];

const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const idText = (v: unknown): string | null =>
  typeof v === 'number' || (typeof v === 'string' && v !== '') ? String(v) : null;

/** What the mapping remembers of each ticket across the export: its requester. */
export type ZendeskState = Map<string, string | null>;

class Rejected extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The (field, value) pairs a Create or Change child carries. */
function fieldsOf(child: Rec): [string, unknown][] {
  if (typeof child.field_name === 'string') return [[child.field_name, child.value]];
  return KNOWN.filter((k) => Object.hasOwn(child, k)).map((k) => [k, child[k]]);
}

/** A wire value of a Zendesk field (undefined = not mapped). */
function wireValue(field: string, value: unknown, path: string): unknown {
  if (field === 'priority')
    return typeof value === 'string' && value !== '' ? label(value) : undefined;
  if (field === 'type') return typeof value === 'string' && value !== '' ? value : null;
  if (field === 'tags') {
    if (typeof value === 'string') return value.split(/\s+/).filter((t) => t !== '');
    if (Array.isArray(value) && value.every((t) => typeof t === 'string')) return value;
    throw new Rejected(path, 'must be an array of tags or space-separated text');
  }
  if (value !== null && idText(value) === null) throw new Rejected(path, 'must be an id or null');
  return idText(value);
}

function instantOf(audit: Rec): string {
  if (typeof audit.created_at === 'string') {
    const t = parseTimestamp(audit.created_at);
    if (t?.offsetMinutes === undefined) {
      throw new Rejected(
        'created_at',
        `"${audit.created_at}" is not an ISO 8601 time with an offset`,
      );
    }
    return isoUtc(t.wall - t.offsetMinutes * 60_000);
  }
  if (typeof audit.timestamp === 'number' && Number.isFinite(audit.timestamp)) {
    return isoUtc(audit.timestamp * 1000);
  }
  throw new Rejected('created_at', 'is missing (and so is timestamp)');
}

function channelOf(via: unknown): string {
  const text = isRec(via) ? via.channel : via;
  return typeof text === 'string' && text !== '' ? label(text) : 'unknown';
}

/** Maps one ticket event (an audit); `row` is its 1-based position in the file. */
export function mapZendeskEvent(
  audit: unknown,
  row: number,
  state: ZendeskState,
): { events: WireEvent[]; rejections: SourceRejection[] } {
  try {
    return { events: mapAudit(audit, state), rejections: [] };
  } catch (error) {
    if (!(error instanceof Rejected)) throw error;
    return { events: [], rejections: [{ row, field: error.field, message: error.message }] };
  }
}

function mapAudit(audit: unknown, state: ZendeskState): WireEvent[] {
  if (!isRec(audit)) throw new Rejected('', 'must be an object');
  const ticket = idText(audit.ticket_id);
  if (ticket === null) throw new Rejected('ticket_id', 'must be an id');
  const auditId = idText(audit.id);
  if (auditId === null) throw new Rejected('id', 'must be an id');
  const at = instantOf(audit);
  const children = audit.child_events ?? [];
  if (!Array.isArray(children)) throw new Rejected('child_events', 'must be an array');
  const updater = idText(audit.updater_id);
  const base = { ticket_id: ticket, occurred_at: at };
  const creation = creationOf(children, base, auditId, audit, state);
  const actor = actorOf(updater, state.get(ticket) ?? null);
  const events: WireEvent[] = creation === undefined ? [] : [creation];
  children.forEach((child: unknown, i) => {
    const path = `child_events/${i}`;
    if (!isRec(child)) throw new Rejected(path, 'must be an object');
    const kind = child.event_type ?? child.type;
    const id = `zendesk:${auditId}:${idText(child.id) ?? i}`;
    if (kind === 'Change') events.push(...changeEvents(child, path, id, { ...base, actor }, state));
    if (kind === 'Comment' || kind === 'VoiceComment') {
      const author = idText(child.author_id) ?? updater;
      const requester = state.get(ticket) ?? null;
      const inbound = author !== null && author === requester;
      const isPublic = child.comment_public ?? child.public ?? true;
      if (typeof isPublic !== 'boolean') throw new Rejected(`${path}/public`, 'must be a boolean');
      events.push({
        id: `${id}:message`,
        type: 'ticket.message',
        ...base,
        actor: actorOf(author, requester),
        data: { direction: inbound ? 'inbound' : 'outbound', public: isPublic },
      });
    }
  });
  return events;
}

function actorOf(user: string | null, requester: string | null): WireEvent['actor'] {
  if (user === null || user === '-1') return { type: 'system' };
  return { type: user === requester ? 'customer' : 'agent', id: user };
}

type Base = Pick<WireEvent, 'ticket_id' | 'occurred_at'>;

/** The audit's Create children merged into one `ticket.created`, or undefined. */
function creationOf(
  children: unknown[],
  base: Base,
  auditId: string,
  audit: Rec,
  state: ZendeskState,
): WireEvent | undefined {
  const data: Rec = {};
  let found = false;
  children.forEach((child, i) => {
    if (!isRec(child) || (child.event_type ?? child.type) !== 'Create') return;
    found = true;
    for (const [field, value] of fieldsOf(child)) {
      const path = `child_events/${i}/${typeof child.field_name === 'string' ? 'value' : field}`;
      if (field === 'status') data.status = statusOf(value, path);
      else if (Object.hasOwn(FIELDS, field)) {
        const v = wireValue(field, value, path);
        if (v !== undefined) data[FIELDS[field]!] = v;
      }
    }
  });
  if (!found && audit.event_type !== 'Create') return undefined;
  const requester = typeof data.requester_id === 'string' ? data.requester_id : null;
  state.set(base.ticket_id, requester);
  const updater = idText(audit.updater_id);
  if (data.status === 'deleted') delete data.status;
  return {
    id: `zendesk:${auditId}:created`,
    type: 'ticket.created',
    ...base,
    actor: actorOf(updater, requester),
    data: {
      ...data,
      priority: data.priority ?? 'none',
      channel: channelOf(audit.via),
      via: updater !== null && updater === requester ? 'customer' : 'agent',
    },
  };
}

function statusOf(value: unknown, path: string): string {
  if (value === 'deleted') return 'deleted';
  const status = typeof value === 'string' ? STATUSES[value] : undefined;
  if (status === undefined) throw new Rejected(path, `unknown status ${JSON.stringify(value)}`);
  return status;
}

function changeEvents(
  child: Rec,
  path: string,
  id: string,
  base: Base & Pick<WireEvent, 'actor'>,
  state: ZendeskState,
): WireEvent[] {
  const events: WireEvent[] = [];
  for (const [field, value] of fieldsOf(child)) {
    const at = `${path}/${typeof child.field_name === 'string' ? 'value' : field}`;
    if (field === 'status') {
      const status = statusOf(value, at);
      events.push(
        status === 'deleted'
          ? { id: `${id}:deleted`, type: 'ticket.deleted', ...base, data: { reason: 'deleted' } }
          : { id: `${id}:status`, type: 'ticket.status_changed', ...base, data: { status } },
      );
    } else if (Object.hasOwn(FIELDS, field)) {
      const v = wireValue(field, value, at);
      if (v === undefined) continue;
      if (field === 'requester_id') state.set(base.ticket_id, v as string | null);
      const data = { [FIELDS[field]!]: v };
      events.push({ id: `${id}:${field}`, type: 'ticket.updated', ...base, data });
    }
  }
  return events;
}
