/**
 * The `glpi` source's mapping: one GLPI ticket as its REST API returns it (`GET /Ticket/:id`,
 * with the sub-items `ITILFollowup`, `TicketTask` and `ITILSolution` of `GET /Ticket/:id/<item>`
 * embedded as arrays) → wire events. No public export exists: the fixture
 * (test/fixtures/importers/glpi-tickets.json) was written by hand from GLPI's REST API
 * documentation and its database schema (GLPI 10), not taken from a live instance.
 *
 * GLPI keeps no status history in these objects (it is in `Log`), so the timeline is rebuilt
 * from the dates each object carries, ordered by instant (creation first at equal instants), a
 * status event dropped when it repeats the current status:
 *
 * | GLPI | wire event |
 * |---|---|
 * | ticket `date` | `ticket.created`, status `new`, `via: customer` (GLPI does not record who initiated the request) |
 * | `takeintoaccountdate`, else `date` + `takeintoaccount_delay_stat` s (when > 0) | `ticket.status_changed` → `open` (taken into account), unless the ticket is still `1` New |
 * | `ITILFollowup` (`date`, `users_id`, `is_private`) | `ticket.message`: `inbound` from a requester, else `outbound`; `public: !is_private` |
 * | `TicketTask` (`begin`, `end` or `date`, `actiontime`, `users_id_tech` or `users_id`) | `contact.completed` at `end` (else `date`), `talk_seconds: actiontime`, `started_at: begin` (else end − actiontime) |
 * | `ITILSolution` `date_creation` | `ticket.status_changed` → `solved` |
 * | `ITILSolution` `status` 3 (accepted) / 4 (refused) at `date_approval` | → `closed` / → `open` (a reopen) |
 * | ticket `status` 6 at `closedate`, 5 at `solvedate`, 4 at `begin_waiting_date` (else `date_mod`) | the final status, when the steps above did not reach it |
 *
 * | GLPI field | wire field |
 * |---|---|
 * | `id` | `ticket_id` |
 * | `status` 1 New, 2 Processing (assigned), 3 Processing (planned), 4 Pending, 5 Solved, 6 Closed | `new`, `open`, `open`, `pending`, `solved`, `closed` |
 * | `priority` 1…6 | `very_low`, `low`, `medium`, `high`, `very_high`, `major` |
 * | `requesttypes_id` 1…6 (or its name with `expand_dropdowns`) | `channel` `helpdesk`, `email`, `phone`, `direct`, `written`, `other` |
 * | `itilcategories_id` (0 = none) | `category` |
 * | `type` 1, 2 | `tags` `["incident"]`, `["request"]` |
 * | `_users_id_requester` (id or ids), first | `requester_id` |
 * | `_users_id_assign`, `_groups_id_assign` (current values: GLPI gives no history) | `assignee_id`, `group` at creation |
 * | `entities_id` | `organization_id` |
 * | `users_id_recipient` (who entered the ticket) | actor of `ticket.created` |
 *
 * Actors: a user among the requesters is a `customer`, any other user an `agent`, user `0`
 * (GLPI's mail collector, cron) `system`. Dates are naive (`2026-02-10 09:12:00`, the server's
 * zone): read in `--timezone`. A ticket whose `id`, `date` or `status` cannot be read is rejected
 * whole; a sub-item whose date cannot be read is rejected alone (row = the ticket's 1-based
 * position in the file, field = a JSON pointer such as `/ITILFollowup/1/date`).
 *
 * Event ids: `glpi:<ticket>:created`, `…:taken`, `…:followup:<id>`, `…:task:<id>`,
 * `…:solution:<id>`, `…:solution:<id>:accepted|refused`, `…:final:<status>`.
 */
import type { TicketStatus } from '../../core/events.js';
import type { SourceRejection, WireEvent } from '../source.js';
import { isoUtc, label, type InstantReader } from '../xes/reading.js';

type Rec = Record<string, unknown>;

const STATUS: Readonly<Record<number, TicketStatus>> = {
  1: 'new',
  2: 'open',
  3: 'open',
  4: 'pending',
  5: 'solved',
  6: 'closed',
};
const PRIORITY = ['very_low', 'low', 'medium', 'high', 'very_high', 'major'];
const REQUEST_TYPE = ['helpdesk', 'email', 'phone', 'direct', 'written', 'other'];

class Rejected extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const idText = (v: unknown): string | null =>
  (typeof v === 'number' && v !== 0) || (typeof v === 'string' && v !== '' && v !== '0')
    ? String(v)
    : null;
const ids = (v: unknown): string[] =>
  (Array.isArray(v) ? v : [v]).map(idText).filter((s): s is string => s !== null);

/** A dropdown: its number mapped through `names`, or its name when expanded. */
function dropdown(v: unknown, names: readonly string[]): string | null {
  if (typeof v === 'number') return names[v - 1] ?? (v === 0 ? null : String(v));
  return typeof v === 'string' && v !== '' ? label(v) : null;
}

interface Step {
  ms: number;
  event: WireEvent;
}

/** Maps one ticket; `row` is its 1-based position in the file. */
export function mapGlpiTicket(
  ticket: unknown,
  row: number,
  readInstant: InstantReader,
): { events: WireEvent[]; rejections: SourceRejection[] } {
  const rejections: SourceRejection[] = [];
  try {
    const steps = new TicketMapper(ticket, readInstant, (field, message) =>
      rejections.push({ row, field, message }),
    ).steps();
    return { events: ordered(steps), rejections };
  } catch (error) {
    if (!(error instanceof Rejected)) throw error;
    return { events: [], rejections: [{ row, field: error.field, message: error.message }] };
  }
}

/** The steps by instant (stable), without status changes to the status already in force. */
function ordered(steps: Step[]): WireEvent[] {
  steps.sort((a, b) => a.ms - b.ms);
  let status: unknown;
  const out: WireEvent[] = [];
  for (const { event } of steps) {
    const next = event.type === 'ticket.created' ? event.data.status : undefined;
    if (event.type === 'ticket.status_changed') {
      if (event.data.status === status) continue;
      status = event.data.status;
    } else if (next !== undefined) {
      status = next;
    }
    out.push(event);
  }
  return out;
}

class TicketMapper {
  private readonly t: Rec;
  private readonly id: string;
  private readonly requesters: string[];

  constructor(
    ticket: unknown,
    private readonly readInstant: InstantReader,
    private readonly reject: (field: string, message: string) => void,
  ) {
    if (!isRec(ticket)) throw new Rejected('', 'must be an object');
    this.t = ticket;
    const id = idText(ticket.id);
    if (id === null) throw new Rejected('id', 'must be a ticket id');
    this.id = id;
    this.requesters = ids(ticket._users_id_requester);
  }

  /** The instant of `value` at `field`; throws (rejecting the ticket) or reports (a sub-item). */
  private at(value: unknown, field: string, whole = false): { at: string; ms: number } | undefined {
    const text = typeof value === 'string' ? value : '';
    const read = text === '' ? { error: 'is missing' } : this.readInstant(text);
    if (!('error' in read)) return read;
    if (whole) throw new Rejected(field, read.error);
    this.reject(field, read.error);
    return undefined;
  }

  private actor(user: unknown): WireEvent['actor'] {
    const id = idText(user);
    if (id === null) return { type: 'system' };
    return { type: this.requesters.includes(id) ? 'customer' : 'agent', id };
  }

  private step(
    id: string,
    when: { at: string; ms: number },
    type: string,
    actor: WireEvent['actor'],
    data: Rec,
  ): Step {
    const event = {
      id: `glpi:${this.id}:${id}`,
      type,
      ticket_id: this.id,
      occurred_at: when.at,
      actor,
      data,
    };
    return { ms: when.ms, event };
  }

  steps(): Step[] {
    const t = this.t;
    const status = typeof t.status === 'number' ? STATUS[t.status] : undefined;
    if (status === undefined) throw new Rejected('status', 'must be 1 … 6');
    const created = this.at(t.date, 'date', true)!;
    const steps = [this.creation(created)];
    const taken = this.takenIntoAccount(created.ms);
    if (taken !== undefined && t.status !== 1) {
      steps.push(
        this.step('taken', taken, 'ticket.status_changed', { type: 'system' }, { status: 'open' }),
      );
    }
    steps.push(...this.followups(), ...this.tasks(), ...this.solutions(), ...this.final(status));
    return steps;
  }

  private creation(when: { at: string; ms: number }): Step {
    const t = this.t;
    const data: Rec = {
      priority: dropdown(t.priority, PRIORITY) ?? 'unknown',
      channel: dropdown(t.requesttypes_id, REQUEST_TYPE) ?? 'unknown',
      status: 'new',
      requester_id: this.requesters[0] ?? null,
      assignee_id: ids(t._users_id_assign)[0] ?? null,
      group: ids(t._groups_id_assign)[0] ?? null,
      category:
        typeof t.itilcategories_id === 'string'
          ? t.itilcategories_id || null
          : idText(t.itilcategories_id),
      organization_id:
        typeof t.entities_id === 'number' ? String(t.entities_id) : idText(t.entities_id),
      via: 'customer',
    };
    if (t.type === 1 || t.type === 2) data.tags = [t.type === 1 ? 'incident' : 'request'];
    return this.step('created', when, 'ticket.created', this.actor(t.users_id_recipient), data);
  }

  private takenIntoAccount(createdMs: number): { at: string; ms: number } | undefined {
    const t = this.t;
    if (typeof t.takeintoaccountdate === 'string' && t.takeintoaccountdate !== '') {
      return this.at(t.takeintoaccountdate, 'takeintoaccountdate');
    }
    const delay = t.takeintoaccount_delay_stat;
    if (typeof delay !== 'number' || delay <= 0) return undefined;
    const ms = createdMs + delay * 1000;
    return { at: isoUtc(ms), ms };
  }

  private items(key: string): [Rec, string][] {
    const list = this.t[key];
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) {
      this.reject(`/${key}`, 'must be an array');
      return [];
    }
    return list.flatMap((item, i) => {
      if (isRec(item)) return [[item, `/${key}/${i}`] as [Rec, string]];
      this.reject(`/${key}/${i}`, 'must be an object');
      return [];
    });
  }

  private followups(): Step[] {
    return this.items('ITILFollowup').flatMap(([f, path]) => {
      const when = this.at(f.date ?? f.date_creation, `${path}/date`);
      if (when === undefined) return [];
      const actor = this.actor(f.users_id);
      const data = {
        direction: actor.type === 'customer' ? 'inbound' : 'outbound',
        public: !f.is_private,
      };
      return [this.step(`followup:${String(f.id)}`, when, 'ticket.message', actor, data)];
    });
  }

  private tasks(): Step[] {
    return this.items('TicketTask').flatMap(([k, path]) => {
      const hasEnd = typeof k.end === 'string' && k.end !== '';
      const end = this.at(hasEnd ? k.end : k.date, `${path}/${hasEnd ? 'end' : 'date'}`);
      if (end === undefined) return [];
      const seconds = typeof k.actiontime === 'number' && k.actiontime > 0 ? k.actiontime : 0;
      const begin =
        typeof k.begin === 'string' && k.begin !== ''
          ? this.at(k.begin, `${path}/begin`)
          : undefined;
      const startedMs = begin?.ms ?? end.ms - seconds * 1000;
      const agent = idText(k.users_id_tech) ?? idText(k.users_id);
      if (agent === null) {
        this.reject(`${path}/users_id_tech`, 'names no technician (nor does users_id)');
        return [];
      }
      const data = {
        agent_id: agent,
        started_at: isoUtc(startedMs),
        talk_seconds: seconds,
      };
      return [this.step(`task:${String(k.id)}`, end, 'contact.completed', this.actor(agent), data)];
    });
  }

  private solutions(): Step[] {
    return this.items('ITILSolution').flatMap(([s, path]) => {
      const when = this.at(s.date_creation ?? s.date, `${path}/date_creation`);
      if (when === undefined) return [];
      const key = `solution:${String(s.id)}`;
      const out = [
        this.step(key, when, 'ticket.status_changed', this.actor(s.users_id), { status: 'solved' }),
      ];
      if (s.status === 3 || s.status === 4) {
        const approved = this.at(s.date_approval, `${path}/date_approval`);
        const accepted = s.status === 3;
        const status = accepted ? 'closed' : 'open';
        const actor = this.actor(s.users_id_approval);
        if (approved)
          out.push(
            this.step(
              `${key}:${accepted ? 'accepted' : 'refused'}`,
              approved,
              'ticket.status_changed',
              actor,
              { status },
            ),
          );
      }
      return out;
    });
  }

  private final(status: TicketStatus): Step[] {
    const t = this.t;
    const field =
      status === 'closed'
        ? 'closedate'
        : status === 'solved'
          ? 'solvedate'
          : status === 'pending'
            ? 'begin_waiting_date'
            : undefined;
    if (field === undefined) return [];
    const value = t[field] ?? (status === 'pending' ? t.date_mod : undefined);
    const when = this.at(value, typeof t[field] === 'string' ? field : 'date_mod');
    if (when === undefined) return [];
    return [
      this.step(`final:${status}`, when, 'ticket.status_changed', { type: 'system' }, { status }),
    ];
  }
}
