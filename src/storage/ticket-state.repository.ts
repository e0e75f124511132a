/**
 * Per-ticket derived data: the resumable fold state, the derived rows (clocks, contacts, backlog
 * segments) and the contributions last written to the rollups. Tickets are locked in ticket_id
 * order, so concurrent batches touching overlapping tickets queue instead of deadlocking, and a
 * ticket's rows are always replaced as a whole.
 */
import { sql, type Kysely } from 'kysely';
import type { Contribution } from '../core/aggregate/index.js';
import type { TicketState } from '../core/ticket/index.js';
import type { DerivedTicket } from '../core/ticket/index.js';
import type { StoredEventRow } from './ticket-event.repository.js';
import type { DB } from './schema.js';

export interface LockedTicket {
  ticketId: string;
  state: TicketState | null;
  /** As stored; [] when none is (`hasContributions` false). */
  contributions: Contribution[];
  hasContributions: boolean;
  configRevision: number | null;
}

/** Creates missing ticket rows and locks all of `ticketIds` for the transaction. */
export async function lockTickets(
  db: Kysely<DB>,
  tenantId: string,
  ticketIds: readonly string[],
): Promise<Map<string, LockedTicket>> {
  const sorted = [...new Set(ticketIds)].sort();
  await sql`
    insert into ticket (tenant_id, ticket_id)
    select ${tenantId}::uuid, t.id from unnest(${sorted}::text[]) with ordinality as t(id, ord)
    order by t.ord
    on conflict (tenant_id, ticket_id) do nothing`.execute(db);
  const { rows } = await sql<{
    ticket_id: string;
    state: unknown;
    contributions: unknown;
    config_revision: string | number | null;
  }>`
    select ticket_id, state, contributions, config_revision from ticket
    where tenant_id = ${tenantId}::uuid and ticket_id = any(${sorted}::text[])
    order by ticket_id
    for update`.execute(db);
  return new Map(
    rows.map((r) => [
      r.ticket_id,
      {
        ticketId: r.ticket_id,
        state: (r.state as TicketState | null) ?? null,
        contributions: (r.contributions as Contribution[] | null) ?? [],
        hasContributions: r.contributions !== null,
        configRevision: r.config_revision === null ? null : Number(r.config_revision),
      },
    ]),
  );
}

/** How many events the log holds for each of the tickets (absent: none). */
export async function countTicketEvents(
  db: Kysely<DB>,
  tenantId: string,
  ticketIds: readonly string[],
): Promise<Map<string, number>> {
  if (ticketIds.length === 0) return new Map();
  const { rows } = await sql<{ ticket_id: string; n: number }>`
    select ticket_id, count(*)::int as n from ticket_event
    where tenant_id = ${tenantId}::uuid and ticket_id = any(${[...ticketIds]}::text[])
    group by ticket_id`.execute(db);
  return new Map(rows.map((r) => [r.ticket_id, Number(r.n)]));
}

/** Every stored event of the tickets, in fold order (occurred_at, then arrival). */
export async function loadTicketEvents(
  db: Kysely<DB>,
  tenantId: string,
  ticketIds: readonly string[],
): Promise<StoredEventRow[]> {
  if (ticketIds.length === 0) return [];
  const { rows } = await sql<StoredEventRow>`
    select event_id, ticket_id, type, occurred_at, actor_type, actor_id, data, seq
    from ticket_event
    where tenant_id = ${tenantId}::uuid and ticket_id = any(${[...ticketIds]}::text[])
    order by ticket_id, occurred_at, seq`.execute(db);
  return rows;
}

export interface TicketWrite {
  ticketId: string;
  state: TicketState;
  derived: DerivedTicket;
  contributions: Contribution[];
  configRevision: number;
  /** The stored contributions already are `contributions` (as JSON): keep them, send nothing. */
  contributionsStored?: boolean;
}

const DAY_MS = 86_400_000;
/** 9999-12-31T23:59:59.999Z: up to it, `toISOString` writes a 4-digit year. */
const LAST_4_DIGIT_YEAR_MS = 253_402_300_799_999;

const PAD2 = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/** `YYYY-MM-DDT` of recent days (instants of one batch fall on few days). */
const dayPrefixes = new Map<number, string>();

function dayPrefix(days: number): string {
  let prefix = dayPrefixes.get(days);
  if (prefix !== undefined) return prefix;
  // Howard Hinnant's civil_from_days, for days ≥ 0 (1970-01-01 onwards).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  prefix = `${String(year).padStart(4, '0')}-${PAD2[month]!}-${PAD2[day]!}T`;
  if (dayPrefixes.size >= 20_000) dayPrefixes.clear();
  dayPrefixes.set(days, prefix);
  return prefix;
}

/**
 * `new Date(ms).toISOString()`, without the Date: several per derived row add up. Integer
 * instants of years 1970–9999 are formatted here, anything else by the Date.
 */
export function isoString(ms: number): string {
  if (!(ms >= 0 && ms <= LAST_4_DIGIT_YEAR_MS && Number.isInteger(ms))) {
    return new Date(ms).toISOString();
  }
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  return `${dayPrefix(days)}${PAD2[hour]!}:${PAD2[minute]!}:${PAD2[second]!}.${PAD3[rest - second * 1000]!}Z`;
}

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : isoString(ms);

export function ticketJson(w: TicketWrite) {
  const t = w.derived.ticket;
  return {
    ticket_id: w.ticketId,
    state: w.state,
    contributions: w.contributions,
    derived: t,
    status: t.exists ? t.status : null,
    priority: t.priority,
    channel: t.channel,
    team: t.group,
    assignee_id: t.assignee_id,
    category: t.category,
    created_at: iso(t.created_at),
    deleted: t.deleted,
    first_solved_at: iso(t.first_solved_at),
    policy_id: t.policy_id,
    last_occurred_at: iso(w.state.last?.occurredAt),
    last_seq: w.state.last?.seq ?? null,
    config_revision: w.configRevision,
  };
}

export function clockJson(w: TicketWrite) {
  return w.derived.clocks.map((c) => ({
    ticket_id: w.ticketId,
    metric: c.metric,
    cycle: c.cycle,
    policy_id: c.policy_id,
    policy_version: c.policy_version,
    calendar_id: c.calendar_id,
    status: c.status,
    stop_reason: c.stop_reason,
    started_at: iso(c.started_at),
    stopped_at: iso(c.stopped_at),
    target_seconds: c.target_seconds,
    elapsed_business_seconds: c.elapsed_business_seconds,
    elapsed_calendar_seconds: c.elapsed_calendar_seconds,
    paused_calendar_seconds: c.paused_calendar_seconds,
    running_since: iso(c.running_since),
    due_at: iso(c.due_at),
    at_risk_at: iso(c.at_risk_at),
    breached_at: iso(c.breached_at),
    decided_at: iso(c.decision?.at),
    team: c.decision?.team ?? null,
    agent: c.decision?.agent ?? null,
    priority: c.decision?.priority ?? null,
    channel: c.decision?.channel ?? null,
    category: c.decision?.category ?? null,
    segments: c.segments,
  }));
}

export function contactJson(w: TicketWrite) {
  return w.derived.contacts.map((c, n) => ({
    ticket_id: w.ticketId,
    n,
    ended_at: iso(c.ended_at),
    started_at: iso(c.started_at),
    agent_id: c.agent_id,
    channel: c.channel,
    team: c.group,
    priority: c.priority,
    category: c.category,
    policy_id: c.policy_id,
    talk_seconds: c.talk_seconds,
    hold_seconds: c.hold_seconds,
    wrap_seconds: c.wrap_seconds,
    handle_seconds: c.handle_seconds,
  }));
}

export function segmentJson(w: TicketWrite) {
  const createdAt = iso(w.derived.ticket.created_at);
  return w.derived.backlog_segments.map((s, n) => ({
    ticket_id: w.ticketId,
    n,
    valid_from: iso(s.from),
    valid_to: iso(s.to),
    status: s.status,
    team: s.group,
    agent: s.assignee_id,
    priority: s.priority,
    channel: s.channel,
    category: s.category,
    policy_id: s.policy_id,
    calendar_id: s.calendar_id,
    created_at: createdAt,
  }));
}

/** The JSON parameters of {@link writeTickets}: ticket rows, then each derived table's rows. */
export interface TicketWriteParams {
  tickets: string;
  /** null: no row to insert. */
  clocks: string | null;
  contacts: string | null;
  segments: string | null;
}

const arrayJson = (rows: readonly unknown[]) => (rows.length > 0 ? JSON.stringify(rows) : null);

/** A ticket row of the UPDATE: `contributions` null keeps the stored ones. */
function ticketUpdateJson(w: TicketWrite) {
  const row = ticketJson(w);
  return w.contributionsStored === true ? { ...row, contributions: null } : row;
}

export function ticketWriteParams(writes: readonly TicketWrite[]): TicketWriteParams {
  return {
    tickets: JSON.stringify(writes.map(ticketUpdateJson)),
    clocks: arrayJson(writes.flatMap(clockJson)),
    contacts: arrayJson(writes.flatMap(contactJson)),
    segments: arrayJson(writes.flatMap(segmentJson)),
  };
}

/** Replaces the derived rows of the written tickets. */
export async function writeTickets(
  db: Kysely<DB>,
  tenantId: string,
  writes: readonly TicketWrite[],
): Promise<void> {
  if (writes.length === 0) return;
  const ids = writes.map((w) => w.ticketId);
  const tenant = sql`${tenantId}::uuid`;
  const params = ticketWriteParams(writes);
  await sql`
    update ticket t set
      state = x.state, contributions = coalesce(x.contributions, t.contributions),
      derived = x.derived, status = x.status,
      priority = x.priority, channel = x.channel, team = x.team, assignee_id = x.assignee_id,
      category = x.category, created_at = x.created_at, deleted = x.deleted,
      first_solved_at = x.first_solved_at, policy_id = x.policy_id,
      last_occurred_at = x.last_occurred_at, last_seq = x.last_seq,
      config_revision = x.config_revision, updated_at = now()
    from jsonb_to_recordset(${params.tickets}::jsonb) as x(
      ticket_id text, state jsonb, contributions jsonb, derived jsonb, status text, priority text,
      channel text, team text, assignee_id text, category text, created_at timestamptz,
      deleted boolean, first_solved_at timestamptz, policy_id text, last_occurred_at timestamptz,
      last_seq bigint, config_revision bigint)
    where t.tenant_id = ${tenant} and t.ticket_id = x.ticket_id`.execute(db);
  for (const table of ['sla_clock', 'contact', 'backlog_segment']) {
    await sql`delete from ${sql.table(table)} where tenant_id = ${tenant} and ticket_id = any(${ids}::text[])`.execute(
      db,
    );
  }
  if (params.clocks !== null) {
    await sql`
      insert into sla_clock
      select ${tenant}, x.* from jsonb_to_recordset(${params.clocks}::jsonb) as x(
        ticket_id text, metric text, cycle int, policy_id text, policy_version int, calendar_id text,
        status text, stop_reason text, started_at timestamptz, stopped_at timestamptz,
        target_seconds float8, elapsed_business_seconds float8, elapsed_calendar_seconds float8,
        paused_calendar_seconds float8, running_since timestamptz, due_at timestamptz,
        at_risk_at timestamptz, breached_at timestamptz, decided_at timestamptz, team text,
        agent text, priority text, channel text, category text, segments jsonb)`.execute(db);
  }
  if (params.contacts !== null) {
    await sql`
      insert into contact
      select ${tenant}, x.* from jsonb_to_recordset(${params.contacts}::jsonb) as x(
        ticket_id text, n int, ended_at timestamptz, started_at timestamptz, agent_id text,
        channel text, team text, priority text, category text, policy_id text,
        talk_seconds float8, hold_seconds float8, wrap_seconds float8, handle_seconds float8)`.execute(
      db,
    );
  }
  if (params.segments !== null) {
    await sql`
      insert into backlog_segment
      select ${tenant}, x.* from jsonb_to_recordset(${params.segments}::jsonb) as x(
        ticket_id text, n int, valid_from timestamptz, valid_to timestamptz, status text,
        team text, agent text, priority text, channel text, category text, policy_id text,
        calendar_id text, created_at timestamptz)`.execute(db);
  }
}
