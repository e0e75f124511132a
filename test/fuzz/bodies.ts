/**
 * Valid request bodies. Ingest's body is drawn from the TicketEvent schema (every event type, its
 * enums and formats) with the identifiers made real; calendar definitions and SLA policy lists
 * are validated field by field in code (their schemas are open objects), so they are built here
 * from their documented rules (calendars.md, metrics.md).
 */
import type { Draft, DraftBody, GenContext } from './draft.js';
import { chance, int, pick, sample } from './random.js';
import { valueOf } from './schema-values.js';
import type { Operation, Schema } from './spec.js';
import { rfc3339, TIMEZONES, valueContext } from './domain.js';

export interface Body {
  contentType: string;
  body: DraftBody;
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const time = (ctx: GenContext, end = false) => {
  const hour = int(ctx.r, 0, end ? 24 : 23);
  const minute = hour === 24 ? 0 : pick(ctx.r, [0, 15, 30, 45]);
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
};

const hours = (ctx: GenContext) =>
  Array.from({ length: int(ctx.r, 0, 2) }, () => [time(ctx), time(ctx, true)]);

function calendar(ctx: GenContext): Record<string, unknown> {
  const { r } = ctx;
  const weekly = Object.fromEntries(sample(r, DAYS, int(r, 0, 7)).map((d) => [d, hours(ctx)]));
  const out: Record<string, unknown> = { timezone: pick(r, TIMEZONES), weekly };
  if (chance(r, 0.5)) out.name = pick(r, ['Support', 'Nachtdienst', '夜勤', 'Ops 24/5']);
  if (chance(r, 0.4)) {
    const days = sample(r, ['2026-11-20', '2026-12-24', '2026-12-25', '2027-01-01'], int(r, 1, 3));
    out.exceptions = days.map((date) => ({ date, hours: hours(ctx) }));
  }
  if (chance(r, 0.3))
    out.holidays = chance(r, 0.8) ? { country: pick(r, ['PL', 'US', 'DE']) } : null;
  if (chance(r, 0.6))
    out.effective_from = rfc3339(pick(r, [Date.UTC(2020, 0, 1), ctx.fixture.now]), ctx);
  return out;
}

const target = (ctx: GenContext) => int(ctx.r, 0, 4) * pick(ctx.r, [900, 3600, 28_800]);

function policies(ctx: GenContext): Record<string, unknown> {
  const { r, fixture: f } = ctx;
  const list = Array.from({ length: int(r, 1, 3) }, (_, i) => {
    const policy: Record<string, unknown> = {
      id: `p${i}-${pick(r, ['std', 'vip', 'ö'])}`,
      calendar_id: pick(r, f.calendarIds),
      targets: Object.fromEntries(
        sample(r, ['first_response', 'next_response', 'resolution'], int(r, 1, 3)).map((m) => [
          m,
          target(ctx),
        ]),
      ),
    };
    if (chance(r, 0.5)) policy.match = { priority: sample(r, f.values.priority, int(r, 1, 2)) };
    if (chance(r, 0.3)) policy.pause = { resolution: sample(r, ['pending', 'on_hold', 'new'], 2) };
    if (chance(r, 0.3)) policy.at_risk = pick(r, [0.5, 0.8, 1]);
    return policy;
  });
  return {
    ...(chance(r, 0.7) ? { effective_from: rfc3339(Date.UTC(2020, 0, 1), ctx) } : {}),
    policies: list,
  };
}

/** Events of the TicketEvent schema with unique ids, stored or new tickets, and instants in the window. */
function events(op: Operation, ctx: GenContext): Array<Record<string, unknown>> {
  const array = ctx.spec.resolve(op.body!['application/json']!);
  const item = (array.items ?? {}) as Schema;
  return Array.from({ length: int(ctx.r, 1, 4) }, (_, k) => {
    const event = valueOf(item, valueContext(ctx)) as Record<string, unknown>;
    event.id = `fz${ctx.seed}-${ctx.index}-${k}`;
    event.ticket_id = chance(ctx.r, 0.6)
      ? pick(ctx.r, ctx.fixture.ticketIds)
      : `FZN-${ctx.index % 50}`;
    return event;
  });
}

function cloudEvent(event: Record<string, unknown>): Record<string, unknown> {
  const actor = event.actor as { type?: string; id?: string } | undefined;
  return {
    specversion: '1.0',
    id: event.id,
    source: 'urn:fuzz',
    type: `com.example.${String(event.type)}`,
    subject: event.ticket_id,
    time: event.occurred_at,
    ...(event.data !== undefined ? { data: event.data } : {}),
    ...(actor?.type ? { actortype: actor.type } : {}),
    ...(actor?.id ? { actorid: actor.id } : {}),
  };
}

function ingestBody(op: Operation, ctx: GenContext): Body {
  const list = events(op, ctx);
  const type = pick(ctx.r, Object.keys(op.body!));
  switch (type) {
    case 'application/x-ndjson':
      return { contentType: type, body: { raw: list.map((e) => JSON.stringify(e)).join('\n') } };
    case 'application/cloudevents-batch+json':
      return { contentType: type, body: { json: list.map(cloudEvent) } };
    case 'application/cloudevents+json':
      return { contentType: type, body: { json: cloudEvent(list[0]!) } };
    default:
      return { contentType: type, body: { json: list } };
  }
}

function tenant(op: Operation, ctx: GenContext): Record<string, unknown> {
  const value = valueOf(op.body!['application/json']!, valueContext(ctx)) as Record<
    string,
    unknown
  >;
  if ('timezone' in value) value.timezone = pick(ctx.r, TIMEZONES);
  if ('default_calendar_id' in value)
    value.default_calendar_id = pick(ctx.r, ctx.fixture.calendarIds);
  return value;
}

export function validBody(op: Operation, ctx: GenContext, _draft: Draft): Body {
  const json = (value: unknown): Body => ({
    contentType: 'application/json',
    body: { json: value },
  });
  switch (op.id) {
    case 'ingestEvents':
      return ingestBody(op, ctx);
    case 'putCalendar':
      return json(calendar(ctx));
    case 'putSlaPolicies':
      return json(policies(ctx));
    case 'putTenant':
      return json(tenant(op, ctx));
    default: {
      const type = op.body!['application/json'] ? 'application/json' : Object.keys(op.body!)[0]!;
      return { contentType: type, body: { json: valueOf(op.body![type]!, valueContext(ctx)) } };
    }
  }
}
