/**
 * validateEvent (events.md, Envelope and Types): every rule of the contract, one table row each.
 * Accepted rows state the normalised event (instant in epoch ms, defaults applied, unknown `data`
 * keys kept); rejected rows state the exact JSON pointers of every error.
 */
import { describe, expect, it } from 'vitest';
import { validateEvent, type ValidEvent } from '../../../src/ingest/validate-event.js';

const AT = '2026-11-20T09:15:00.250+01:00';
const AT_MS = Date.UTC(2026, 10, 20, 8, 15, 0, 250);

type Raw = Record<string, unknown>;

/** A valid envelope of `type`; `over` replaces top-level keys (undefined removes one). */
function envelope(type: string, data: unknown, over: Raw = {}): Raw {
  const raw: Raw = { id: 'e-1', type, ticket_id: 't-1', occurred_at: AT, data, ...over };
  for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];
  return raw;
}

/** `n` objects nested in each other (`{ a: { a: … {} } }`), built without recursion. */
function deep(n: number): Raw {
  let value: Raw = {};
  for (let i = 1; i < n; i++) value = { a: value };
  return value;
}

/** `n` arrays nested in each other. */
function deepArray(n: number): unknown[] {
  let value: unknown[] = [];
  for (let i = 1; i < n; i++) value = [value];
  return value;
}

const created = (data: Raw = {}, over: Raw = {}) =>
  envelope('ticket.created', { priority: 'high', channel: 'email', ...data }, over);

interface AcceptRow {
  name: string;
  input: Raw;
  event: Partial<ValidEvent>;
}

const accepted: AcceptRow[] = [
  // ticket.created
  {
    name: 'created: defaults status new, via customer, actor system',
    input: created(),
    event: {
      id: 'e-1',
      type: 'ticket.created',
      ticketId: 't-1',
      occurredAt: AT_MS,
      actor: { type: 'system' },
      data: { priority: 'high', channel: 'email', status: 'new', via: 'customer' },
    },
  },
  {
    name: 'created: explicit status, via, tier, tags, attributes and null attributes',
    input: created({
      status: 'open',
      via: 'agent',
      tier: 2,
      tags: ['vip', 'eu'],
      group: 'L1',
      assignee_id: null,
      requester_id: 'r-1',
      organization_id: null,
      category: 'billing',
    }),
    event: {
      data: {
        priority: 'high',
        channel: 'email',
        status: 'open',
        via: 'agent',
        tier: 2,
        tags: ['vip', 'eu'],
        group: 'L1',
        assignee_id: null,
        requester_id: 'r-1',
        organization_id: null,
        category: 'billing',
      },
    },
  },
  {
    name: 'created: unknown data keys are kept as received',
    input: created({ zendesk_brand: 'acme', custom: { nested: [1, { a: true }] } }),
    event: {
      data: {
        priority: 'high',
        channel: 'email',
        status: 'new',
        via: 'customer',
        zendesk_brand: 'acme',
        custom: { nested: [1, { a: true }] },
      },
    },
  },
  {
    name: 'created: empty tags array',
    input: created({ tags: [] }),
    event: {
      data: { priority: 'high', channel: 'email', status: 'new', via: 'customer', tags: [] },
    },
  },
  // ticket.updated
  {
    name: 'updated: empty data is a valid (no-op) subset',
    input: envelope('ticket.updated', {}),
    event: { type: 'ticket.updated', data: {} },
  },
  {
    name: 'updated: data omitted',
    input: envelope('ticket.updated', undefined),
    event: { data: {} },
  },
  {
    name: 'updated: assignee_id null = unassigned, tier null clears, no defaults added',
    input: envelope('ticket.updated', { assignee_id: null, tier: null, priority: 'low' }),
    event: { data: { assignee_id: null, tier: null, priority: 'low' } },
  },
  {
    name: 'updated: tier 3 and tags',
    input: envelope('ticket.updated', { tier: 3, tags: ['x'] }),
    event: { data: { tier: 3, tags: ['x'] } },
  },
  // ticket.status_changed: every status
  ...['new', 'open', 'pending', 'on_hold', 'solved', 'closed'].map((status) => ({
    name: `status_changed: ${status}`,
    input: envelope('ticket.status_changed', { status }),
    event: { type: 'ticket.status_changed' as const, data: { status } },
  })),
  // ticket.message
  {
    name: 'message: public defaults to true',
    input: envelope('ticket.message', { direction: 'outbound' }),
    event: { data: { direction: 'outbound', public: true } },
  },
  {
    name: 'message: public false (internal note) kept',
    input: envelope('ticket.message', { direction: 'outbound', public: false }),
    event: { data: { direction: 'outbound', public: false } },
  },
  {
    name: 'message: inbound',
    input: envelope('ticket.message', { direction: 'inbound' }),
    event: { data: { direction: 'inbound', public: true } },
  },
  // contact.completed
  {
    name: 'contact: seconds default to 0',
    input: envelope('contact.completed', { agent_id: 'a-1' }),
    event: {
      type: 'contact.completed',
      data: { agent_id: 'a-1', talk_seconds: 0, hold_seconds: 0, wrap_seconds: 0 },
    },
  },
  {
    name: 'contact: explicit seconds (fractional, 0) and started_at kept',
    input: envelope('contact.completed', {
      agent_id: 'a-1',
      channel: 'phone',
      started_at: '2026-11-20T09:00:00+01:00',
      talk_seconds: 120.5,
      hold_seconds: 0,
      wrap_seconds: 30,
    }),
    event: {
      data: {
        agent_id: 'a-1',
        channel: 'phone',
        started_at: '2026-11-20T09:00:00+01:00',
        talk_seconds: 120.5,
        hold_seconds: 0,
        wrap_seconds: 30,
      },
    },
  },
  {
    name: 'contact: channel and started_at null',
    input: envelope('contact.completed', { agent_id: 'a-1', channel: null, started_at: null }),
    event: {
      data: {
        agent_id: 'a-1',
        channel: null,
        started_at: null,
        talk_seconds: 0,
        hold_seconds: 0,
        wrap_seconds: 0,
      },
    },
  },
  // ticket.deleted
  {
    name: 'deleted: reason defaults to deleted',
    input: envelope('ticket.deleted', {}),
    event: { type: 'ticket.deleted', data: { reason: 'deleted' } },
  },
  {
    name: 'deleted: data omitted',
    input: envelope('ticket.deleted', undefined),
    event: { data: { reason: 'deleted' } },
  },
  {
    name: 'deleted: spam',
    input: envelope('ticket.deleted', { reason: 'spam' }),
    event: { data: { reason: 'spam' } },
  },
  {
    name: 'deleted: merged with merged_into',
    input: envelope('ticket.deleted', { reason: 'merged', merged_into: 't-9' }),
    event: { data: { reason: 'merged', merged_into: 't-9' } },
  },
  // actor
  {
    name: 'actor: agent with id',
    input: created({}, { actor: { type: 'agent', id: 'a-17' } }),
    event: { actor: { type: 'agent', id: 'a-17' } },
  },
  {
    name: 'actor: customer without id',
    input: created({}, { actor: { type: 'customer' } }),
    event: { actor: { type: 'customer' } },
  },
  {
    name: 'actor: bot',
    input: created({}, { actor: { type: 'bot', id: 'b' } }),
    event: { actor: { type: 'bot', id: 'b' } },
  },
  {
    name: 'actor: null → system',
    input: created({}, { actor: null }),
    event: { actor: { type: 'system' } },
  },
  {
    name: 'actor: {} → system',
    input: created({}, { actor: {} }),
    event: { actor: { type: 'system' } },
  },
  {
    name: 'actor: id without type → system with id',
    input: created({}, { actor: { id: 'job-7' } }),
    event: { actor: { type: 'system', id: 'job-7' } },
  },
  // ids and instants
  { name: 'id of 1 char', input: created({}, { id: 'x' }), event: { id: 'x' } },
  {
    name: 'id of 256 chars',
    input: created({}, { id: 'i'.repeat(256) }),
    event: { id: 'i'.repeat(256) },
  },
  {
    name: 'ticket_id of 256 chars',
    input: created({}, { ticket_id: 't'.repeat(256) }),
    event: { ticketId: 't'.repeat(256) },
  },
  {
    name: 'occurred_at Z',
    input: created({}, { occurred_at: '2026-11-20T08:15:00.250Z' }),
    event: { occurredAt: AT_MS },
  },
  {
    name: 'occurred_at -05:30 same instant',
    input: created({}, { occurred_at: '2026-11-20T02:45:00.250-05:30' }),
    event: { occurredAt: AT_MS },
  },
  {
    name: 'occurred_at sub-ms fraction truncated',
    input: created({}, { occurred_at: '2026-11-20T08:15:00.250999Z' }),
    event: { occurredAt: AT_MS },
  },
];

describe('validateEvent: accepted events and defaults', () => {
  it.each(accepted)('$name', ({ input, event }) => {
    const result = validateEvent(input);
    if (!result.ok) expect.fail(`expected ok, got ${JSON.stringify(result.errors)}`);
    expect(result.event).toMatchObject(event);
    // data and actor are compared exactly: no extra keys, no missing defaults.
    if (event.data) expect(result.event.data).toStrictEqual(event.data);
    if (event.actor) expect(result.event.actor).toStrictEqual(event.actor);
  });

  it('returns exactly the six envelope fields and the canonical data text', () => {
    const result = validateEvent(created());
    expect(result.ok && result.event.dataJson).toBe(
      result.ok && JSON.stringify(result.event.data, Object.keys(result.event.data).sort()),
    );
    expect(result.ok && Object.keys(result.event).sort()).toEqual([
      'actor',
      'data',
      'dataJson',
      'id',
      'occurredAt',
      'ticketId',
      'type',
    ]);
  });

  it('accepts the edges of the input domain', () => {
    const edges = [
      created({
        tier: 100,
        priority: 'p'.repeat(256),
        tags: Array.from({ length: 100 }, () => 't'),
      }),
      created({}, { occurred_at: '1970-01-01T00:00:00Z' }),
      created({}, { occurred_at: '2199-12-31T23:59:59.999Z' }),
      envelope('contact.completed', {
        agent_id: 'a',
        talk_seconds: 315_360_000,
        hold_seconds: 0,
        wrap_seconds: 0.001,
        started_at: '1970-01-01T00:00:00Z',
      }),
      // 32 levels: `data` and 31 nested below it; 10,000 members in total.
      envelope('ticket.message', { direction: 'inbound', x: deep(31) }),
      envelope('ticket.message', {
        direction: 'inbound',
        x: Array.from({ length: 9997 }, () => 0),
      }),
    ];
    for (const raw of edges) expect(validateEvent(raw)).toMatchObject({ ok: true });
  });

  it('does not mutate the received data object', () => {
    const input = created();
    const before = JSON.stringify(input);
    validateEvent(input);
    expect(JSON.stringify(input)).toBe(before);
  });
});

interface RejectRow {
  name: string;
  input: unknown;
  /** Every field with an error, in any order (a field with two messages is listed once). */
  paths: string[];
  /** The message of the first error listed in `paths`, when the row pins it. */
  message?: RegExp;
}

const rejected: RejectRow[] = [
  // not an object
  { name: 'null', input: null, paths: [''], message: /^must be an object$/ },
  { name: 'array', input: [created()], paths: [''] },
  { name: 'string', input: 'ticket.created', paths: [''] },
  { name: 'number', input: 42, paths: [''] },
  // unknown top-level keys
  {
    name: 'unknown top-level key',
    input: created({}, { priority: 'high' }),
    paths: ['/priority'],
    message: /^is not allowed$/,
  },
  { name: 'camelCase envelope key', input: created({}, { ticketId: 't-1' }), paths: ['/ticketId'] },
  {
    name: 'two unknown top-level keys',
    input: created({}, { source: 'zd', version: 2 }),
    paths: ['/source', '/version'],
  },
  // RFC 6901: "/" in a key is written "~1" and "~" is written "~0".
  {
    name: 'unknown key with / and ~ is escaped in the pointer',
    input: created({}, { 'x/y~z': 1 }),
    paths: ['/x~1y~0z'],
  },
  // id
  {
    name: 'id missing',
    input: created({}, { id: undefined }),
    paths: ['/id'],
    message: /^is required$/,
  },
  {
    name: 'id of 0 chars',
    input: created({}, { id: '' }),
    paths: ['/id'],
    message: /^must be 1–256 characters$/,
  },
  {
    name: 'id of 257 chars',
    input: created({}, { id: 'i'.repeat(257) }),
    paths: ['/id'],
    message: /^must be 1–256 characters$/,
  },
  {
    name: 'id as a number',
    input: created({}, { id: 8812 }),
    paths: ['/id'],
    message: /^must be a string$/,
  },
  { name: 'id null', input: created({}, { id: null }), paths: ['/id'] },
  // ticket_id
  {
    name: 'ticket_id missing',
    input: created({}, { ticket_id: undefined }),
    paths: ['/ticket_id'],
    message: /^is required$/,
  },
  { name: 'ticket_id of 0 chars', input: created({}, { ticket_id: '' }), paths: ['/ticket_id'] },
  {
    name: 'ticket_id of 257 chars',
    input: created({}, { ticket_id: 't'.repeat(257) }),
    paths: ['/ticket_id'],
  },
  {
    name: 'ticket_id as a number',
    input: created({}, { ticket_id: 8812 }),
    paths: ['/ticket_id'],
    message: /^must be a string$/,
  },
  // type
  {
    name: 'type missing',
    input: created({}, { type: undefined }),
    paths: ['/type'],
    message: /^is required$/,
  },
  {
    name: 'unknown type',
    input: created({}, { type: 'ticket.exploded' }),
    paths: ['/type'],
    message: /^must be one of ticket\.created, /,
  },
  {
    name: 'reverse-DNS type outside CloudEvents',
    input: created({}, { type: 'com.acme.ticket.created' }),
    paths: ['/type'],
  },
  { name: 'type as a number', input: created({}, { type: 1 }), paths: ['/type'] },
  // occurred_at
  {
    name: 'occurred_at missing',
    input: created({}, { occurred_at: undefined }),
    paths: ['/occurred_at'],
    message: /^is required$/,
  },
  {
    name: 'occurred_at without offset',
    input: created({}, { occurred_at: '2026-11-20T09:15:00.250' }),
    paths: ['/occurred_at'],
    message: /^must include a UTC offset/,
  },
  {
    name: 'occurred_at 2026-02-30',
    input: created({}, { occurred_at: '2026-02-30T09:15:00Z' }),
    paths: ['/occurred_at'],
    message: /^is not a valid date and time$/,
  },
  {
    name: 'occurred_at as epoch ms',
    input: created({}, { occurred_at: AT_MS }),
    paths: ['/occurred_at'],
    message: /^must be an RFC 3339 string$/,
  },
  {
    name: 'occurred_at date only',
    input: created({}, { occurred_at: '2026-11-20' }),
    paths: ['/occurred_at'],
    message: /^must be an RFC 3339 timestamp/,
  },
  // actor
  {
    name: 'actor as a string',
    input: created({}, { actor: 'agent' }),
    paths: ['/actor'],
    message: /^must be an object$/,
  },
  { name: 'actor as an array', input: created({}, { actor: [] }), paths: ['/actor'] },
  {
    name: 'actor type unknown',
    input: created({}, { actor: { type: 'robot' } }),
    paths: ['/actor/type'],
    message: /^must be one of agent, customer, system, bot$/,
  },
  {
    name: 'actor type as a number',
    input: created({}, { actor: { type: 3 } }),
    paths: ['/actor/type'],
  },
  {
    name: 'actor unknown key',
    input: created({}, { actor: { type: 'agent', name: 'Ann' } }),
    paths: ['/actor/name'],
    message: /^is not allowed$/,
  },
  {
    name: 'actor id empty',
    input: created({}, { actor: { type: 'agent', id: '' } }),
    paths: ['/actor/id'],
  },
  {
    name: 'actor id of 257 chars',
    input: created({}, { actor: { type: 'agent', id: 'a'.repeat(257) } }),
    paths: ['/actor/id'],
  },
  {
    name: 'actor id as a number',
    input: created({}, { actor: { type: 'agent', id: 17 } }),
    paths: ['/actor/id'],
    message: /^must be a string$/,
  },
  // data container
  {
    name: 'data as an array',
    input: envelope('ticket.updated', []),
    paths: ['/data'],
    message: /^must be an object$/,
  },
  { name: 'data as a string', input: envelope('ticket.updated', 'x'), paths: ['/data'] },
  { name: 'data null', input: envelope('ticket.deleted', null), paths: ['/data'] },
  // ticket.created
  {
    name: 'created: data omitted',
    input: envelope('ticket.created', undefined),
    paths: ['/data/priority', '/data/channel'],
  },
  {
    name: 'created: priority missing',
    input: envelope('ticket.created', { channel: 'email' }),
    paths: ['/data/priority'],
    message: /^is required$/,
  },
  {
    name: 'created: channel missing',
    input: envelope('ticket.created', { priority: 'high' }),
    paths: ['/data/channel'],
  },
  {
    name: 'created: priority as a number',
    input: created({ priority: 1 }),
    paths: ['/data/priority'],
    message: /^must be a string$/,
  },
  { name: 'created: priority null', input: created({ priority: null }), paths: ['/data/priority'] },
  {
    name: 'created: unknown status',
    input: created({ status: 'reopened' }),
    paths: ['/data/status'],
    message: /^must be one of new, open, pending, on_hold, solved, closed$/,
  },
  {
    name: 'created: via phone',
    input: created({ via: 'phone' }),
    paths: ['/data/via'],
    message: /^must be one of customer, agent$/,
  },
  {
    name: 'created: tier 0',
    input: created({ tier: 0 }),
    paths: ['/data/tier'],
    message: /^must be an integer 1–100$/,
  },
  // The input domain (core/domain.ts), issue 11: numbers past what storage holds exactly, texts
  // past what an index row holds, and `data` shapes that overflow a recursive walk.
  { name: 'created: tier 101', input: created({ tier: 101 }), paths: ['/data/tier'] },
  {
    name: 'created: tier 1e300 (an integer)',
    input: created({ tier: 1e300 }),
    paths: ['/data/tier'],
  },
  {
    name: 'updated: tier 2^53',
    input: envelope('ticket.updated', { tier: 2 ** 53 }),
    paths: ['/data/tier'],
  },
  {
    name: 'created: priority of 257 characters',
    input: created({ priority: 'p'.repeat(257) }),
    paths: ['/data/priority'],
    message: /^must be at most 256 characters$/,
  },
  {
    name: 'updated: group of 10,000 characters',
    input: envelope('ticket.updated', { group: 'g'.repeat(10_000) }),
    paths: ['/data/group'],
  },
  {
    name: 'contact: agent_id of 257 characters',
    input: envelope('contact.completed', { agent_id: 'a'.repeat(257) }),
    paths: ['/data/agent_id'],
  },
  {
    name: 'created: a tag of 257 characters',
    input: created({ tags: ['ok', 't'.repeat(257)] }),
    paths: ['/data/tags/1'],
  },
  {
    name: 'created: 101 tags',
    input: created({ tags: Array.from({ length: 101 }, (_, i) => `t${i}`) }),
    paths: ['/data/tags'],
    message: /^must have at most 100 items$/,
  },
  {
    name: 'deleted: merged_into of 257 characters',
    input: envelope('ticket.deleted', { reason: 'merged', merged_into: 'm'.repeat(257) }),
    paths: ['/data/merged_into'],
  },
  {
    name: 'an unknown data key nested 5,000 levels deep (was a 500: stack overflow)',
    input: envelope('ticket.message', { direction: 'inbound', x: deep(5000) }),
    paths: ['/data/x' + '/a'.repeat(31)],
    message: /^must be nested at most 32 levels deep$/,
  },
  {
    name: 'an unknown data array nested 33 levels deep',
    input: envelope('ticket.message', { direction: 'inbound', x: deepArray(32) }),
    paths: ['/data/x' + '/0'.repeat(31)],
  },
  {
    name: 'data with 10,001 members',
    input: envelope('ticket.message', {
      direction: 'inbound',
      x: Array.from({ length: 10_000 }, () => 0),
    }),
    paths: ['/data'],
    message: /^must have at most 10000 keys and array items in total$/,
  },
  {
    name: 'occurred_at 9999-12-02 (was a 500)',
    input: { ...created({}), occurred_at: '9999-12-02T00:00:00Z' },
    paths: ['/occurred_at'],
    message: /^must be between 1970-01-01T00:00:00Z and 2199-12-31T23:59:59\.999Z$/,
  },
  {
    name: 'occurred_at 1969-12-31T23:59:59Z',
    input: { ...created({}), occurred_at: '1969-12-31T23:59:59Z' },
    paths: ['/occurred_at'],
  },
  {
    name: 'contact: started_at 2200-01-01',
    input: envelope('contact.completed', { agent_id: 'a', started_at: '2200-01-01T00:00:00Z' }),
    paths: ['/data/started_at'],
  },
  { name: 'created: tier 1.5', input: created({ tier: 1.5 }), paths: ['/data/tier'] },
  { name: 'created: tier as a string', input: created({ tier: '2' }), paths: ['/data/tier'] },
  {
    name: 'created: tags as a string',
    input: created({ tags: 'vip' }),
    paths: ['/data/tags'],
    message: /^must be an array of strings$/,
  },
  {
    name: 'created: tags[1] a number',
    input: created({ tags: ['vip', 2] }),
    paths: ['/data/tags/1'],
    message: /^must be a string$/,
  },
  {
    name: 'created: tags[1] and tags[3]',
    input: created({ tags: ['a', 2, 'c', null] }),
    paths: ['/data/tags/1', '/data/tags/3'],
  },
  {
    name: 'created: group as a number',
    input: created({ group: 5 }),
    paths: ['/data/group'],
    message: /^must be a string or null$/,
  },
  {
    name: 'created: assignee_id as an object',
    input: created({ assignee_id: { id: 'a' } }),
    paths: ['/data/assignee_id'],
  },
  {
    name: 'created: category as a boolean',
    input: created({ category: true }),
    paths: ['/data/category'],
  },
  // ticket.updated
  {
    name: 'updated: priority null (not clearable)',
    input: envelope('ticket.updated', { priority: null }),
    paths: ['/data/priority'],
  },
  {
    name: 'updated: channel as a number',
    input: envelope('ticket.updated', { channel: 3 }),
    paths: ['/data/channel'],
  },
  {
    name: 'updated: tier -1',
    input: envelope('ticket.updated', { tier: -1 }),
    paths: ['/data/tier'],
  },
  {
    name: 'updated: tags[0] a number',
    input: envelope('ticket.updated', { tags: [1] }),
    paths: ['/data/tags/0'],
  },
  {
    name: 'updated: requester_id as a number',
    input: envelope('ticket.updated', { requester_id: 9 }),
    paths: ['/data/requester_id'],
  },
  // ticket.status_changed
  {
    name: 'status_changed: status missing',
    input: envelope('ticket.status_changed', {}),
    paths: ['/data/status'],
    message: /^is required$/,
  },
  {
    name: 'status_changed: data omitted',
    input: envelope('ticket.status_changed', undefined),
    paths: ['/data/status'],
  },
  {
    name: 'status_changed: unknown status',
    input: envelope('ticket.status_changed', { status: 'reopened' }),
    paths: ['/data/status'],
  },
  {
    name: 'status_changed: status in other case',
    input: envelope('ticket.status_changed', { status: 'Solved' }),
    paths: ['/data/status'],
  },
  // ticket.message
  {
    name: 'message: direction missing',
    input: envelope('ticket.message', {}),
    paths: ['/data/direction'],
    message: /^is required$/,
  },
  {
    name: 'message: direction sideways',
    input: envelope('ticket.message', { direction: 'sideways' }),
    paths: ['/data/direction'],
    message: /^must be one of inbound, outbound$/,
  },
  {
    name: 'message: public as a string',
    input: envelope('ticket.message', { direction: 'inbound', public: 'true' }),
    paths: ['/data/public'],
    message: /^must be a boolean$/,
  },
  // contact.completed
  {
    name: 'contact: agent_id missing',
    input: envelope('contact.completed', {}),
    paths: ['/data/agent_id'],
    message: /^is required$/,
  },
  {
    name: 'contact: agent_id as a number',
    input: envelope('contact.completed', { agent_id: 7 }),
    paths: ['/data/agent_id'],
  },
  {
    name: 'contact: talk_seconds -1',
    input: envelope('contact.completed', { agent_id: 'a', talk_seconds: -1 }),
    paths: ['/data/talk_seconds'],
    message: /^must be a number of seconds 0–315360000$/,
  },
  {
    name: 'contact: talk_seconds 1e300 (was a 500: integer overflow in storage)',
    input: envelope('contact.completed', { agent_id: 'a', talk_seconds: 1e300 }),
    paths: ['/data/talk_seconds'],
  },
  {
    name: 'contact: hold_seconds just over ten years',
    input: envelope('contact.completed', { agent_id: 'a', hold_seconds: 315_360_000.001 }),
    paths: ['/data/hold_seconds'],
  },
  {
    name: 'contact: wrap_seconds 1.7976931348623157e308',
    input: envelope('contact.completed', { agent_id: 'a', wrap_seconds: Number.MAX_VALUE }),
    paths: ['/data/wrap_seconds'],
  },
  {
    name: 'contact: hold_seconds as a string',
    input: envelope('contact.completed', { agent_id: 'a', hold_seconds: '5' }),
    paths: ['/data/hold_seconds'],
  },
  {
    name: 'contact: wrap_seconds as a boolean',
    input: envelope('contact.completed', { agent_id: 'a', wrap_seconds: true }),
    paths: ['/data/wrap_seconds'],
  },
  {
    name: 'contact: started_at without offset',
    input: envelope('contact.completed', { agent_id: 'a', started_at: '2026-11-20T09:00:00' }),
    paths: ['/data/started_at'],
    message: /^must include a UTC offset/,
  },
  {
    name: 'contact: started_at as a number',
    input: envelope('contact.completed', { agent_id: 'a', started_at: 1 }),
    paths: ['/data/started_at'],
    message: /^must be an RFC 3339 string$/,
  },
  {
    name: 'contact: channel as a number',
    input: envelope('contact.completed', { agent_id: 'a', channel: 1 }),
    paths: ['/data/channel'],
  },
  // ticket.deleted
  {
    name: 'deleted: unknown reason',
    input: envelope('ticket.deleted', { reason: 'dupe' }),
    paths: ['/data/reason'],
    message: /^must be one of spam, merged, deleted$/,
  },
  {
    name: 'deleted: merged without merged_into',
    input: envelope('ticket.deleted', { reason: 'merged' }),
    paths: ['/data/merged_into'],
    message: /^is required when reason is merged$/,
  },
  {
    name: 'deleted: merged_into as a number',
    input: envelope('ticket.deleted', { reason: 'merged', merged_into: 9 }),
    paths: ['/data/merged_into'],
  },
  // several errors at once are all reported
  {
    name: 'every broken field is reported at once',
    input: {
      id: '',
      type: 'ticket.created',
      ticket_id: 5,
      occurred_at: '2026-11-20T09:15:00',
      actor: { type: 'robot' },
      data: { channel: 'email', tier: 0, tags: [1] },
      extra: true,
    },
    paths: [
      '/extra',
      '/id',
      '/ticket_id',
      '/occurred_at',
      '/actor/type',
      '/data/priority',
      '/data/tier',
      '/data/tags/0',
    ],
  },
];

describe('validateEvent: rejected events and their JSON pointers', () => {
  it.each(rejected)('$name → $paths', ({ input, paths, message }) => {
    const result = validateEvent(input);
    if (result.ok) expect.fail(`expected errors at ${paths.join(', ')}, got ok`);
    expect([...new Set(result.errors.map((e) => e.path))].sort()).toEqual([...paths].sort());
    if (message) expect(result.errors.find((e) => e.path === paths[0])?.message).toMatch(message);
  });
});
