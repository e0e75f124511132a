/**
 * CloudEvents 1.0 → envelope (events.md, Transport): `id`→`id`, `type`→`type` (reverse-DNS prefix
 * accepted), `time`→`occurred_at`, `subject`→`ticket_id`, `data`→`data`,
 * `actortype`/`actorid`→`actor`; errors name the CloudEvents attribute the sender wrote.
 */
import { describe, expect, it } from 'vitest';
import { cloudEventPath, mapCloudEvent } from '../../../src/ingest/cloudevents.js';
import { prepareBatch } from '../../../src/ingest/prepare.js';

type Raw = Record<string, unknown>;

function ce(over: Raw = {}): Raw {
  const raw: Raw = {
    specversion: '1.0',
    id: 'ce-1',
    source: '/zendesk/acme',
    type: 'com.acme.ticket.created',
    subject: '8812',
    time: '2026-11-20T09:15:00.250+01:00',
    datacontenttype: 'application/json',
    data: { priority: 'high', channel: 'email' },
    ...over,
  };
  for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];
  return raw;
}

interface MapRow {
  name: string;
  input: Raw;
  envelope: Raw;
  errors?: { path: string; message: RegExp }[];
}

const mapRows: MapRow[] = [
  {
    name: 'reverse-DNS type, subject, time, data; no actor extensions → no actor',
    input: ce(),
    envelope: {
      id: 'ce-1',
      type: 'ticket.created',
      ticket_id: '8812',
      occurred_at: '2026-11-20T09:15:00.250+01:00',
      data: { priority: 'high', channel: 'email' },
    },
  },
  {
    name: 'actortype and actorid → actor',
    input: ce({ actortype: 'agent', actorid: 'a-17' }),
    envelope: {
      id: 'ce-1',
      type: 'ticket.created',
      ticket_id: '8812',
      occurred_at: '2026-11-20T09:15:00.250+01:00',
      data: { priority: 'high', channel: 'email' },
      actor: { type: 'agent', id: 'a-17' },
    },
  },
  {
    name: 'actortype only',
    input: ce({ actortype: 'bot' }),
    envelope: {
      id: 'ce-1',
      type: 'ticket.created',
      ticket_id: '8812',
      occurred_at: '2026-11-20T09:15:00.250+01:00',
      data: { priority: 'high', channel: 'email' },
      actor: { type: 'bot' },
    },
  },
  {
    name: 'actorid only → system actor with that id',
    input: ce({ actorid: 'job-1' }),
    envelope: {
      id: 'ce-1',
      type: 'ticket.created',
      ticket_id: '8812',
      occurred_at: '2026-11-20T09:15:00.250+01:00',
      data: { priority: 'high', channel: 'email' },
      actor: { type: 'system', id: 'job-1' },
    },
  },
  {
    name: 'unprefixed type passes through; data omitted stays omitted',
    input: ce({ type: 'ticket.deleted', data: undefined }),
    envelope: {
      id: 'ce-1',
      type: 'ticket.deleted',
      ticket_id: '8812',
      occurred_at: '2026-11-20T09:15:00.250+01:00',
    },
  },
  ...[
    ['com.acme.ticket.updated', 'ticket.updated'],
    ['io.example.helpdesk.ticket.status_changed', 'ticket.status_changed'],
    ['acme.ticket.message', 'ticket.message'],
    ['com.acme.contact.completed', 'contact.completed'],
    ['org.x.ticket.deleted', 'ticket.deleted'],
  ].map(([type, mapped]) => ({
    name: `type ${type} → ${mapped}`,
    input: ce({ type, data: undefined }),
    envelope: {
      id: 'ce-1',
      type: mapped,
      ticket_id: '8812',
      occurred_at: '2026-11-20T09:15:00.250+01:00',
    },
  })),
  {
    name: 'a suffix that is not a whole type segment is not mapped',
    input: ce({ type: 'com.acme.xticket.created', data: undefined }),
    envelope: {
      id: 'ce-1',
      type: 'com.acme.xticket.created',
      ticket_id: '8812',
      occurred_at: '2026-11-20T09:15:00.250+01:00',
    },
  },
  {
    name: 'other context attributes and extensions are ignored',
    input: ce({ dataschema: 'https://x', traceparent: '00-abc', partitionkey: 'p' }),
    envelope: {
      id: 'ce-1',
      type: 'ticket.created',
      ticket_id: '8812',
      occurred_at: '2026-11-20T09:15:00.250+01:00',
      data: { priority: 'high', channel: 'email' },
    },
  },
  {
    name: 'specversion 0.3 is an error',
    input: ce({ specversion: '0.3' }),
    envelope: {
      id: 'ce-1',
      type: 'ticket.created',
      ticket_id: '8812',
      occurred_at: '2026-11-20T09:15:00.250+01:00',
      data: { priority: 'high', channel: 'email' },
    },
    errors: [{ path: '/specversion', message: /^must be "1\.0"$/ }],
  },
  {
    name: 'specversion missing is an error',
    input: ce({ specversion: undefined }),
    envelope: {
      id: 'ce-1',
      type: 'ticket.created',
      ticket_id: '8812',
      occurred_at: '2026-11-20T09:15:00.250+01:00',
      data: { priority: 'high', channel: 'email' },
    },
    errors: [{ path: '/specversion', message: /^must be "1\.0"$/ }],
  },
  {
    name: 'data_base64 is an error',
    input: ce({ data: undefined, data_base64: 'e30=' }),
    envelope: {
      id: 'ce-1',
      type: 'ticket.created',
      ticket_id: '8812',
      occurred_at: '2026-11-20T09:15:00.250+01:00',
    },
    errors: [{ path: '/data_base64', message: /binary data is not supported/ }],
  },
];

describe('mapCloudEvent', () => {
  it.each(mapRows)('$name', ({ input, envelope, errors = [] }) => {
    const mapped = mapCloudEvent(input);
    expect(mapped.envelope).toStrictEqual(envelope);
    expect(mapped.errors.map((e) => e.path)).toEqual(errors.map((e) => e.path));
    errors.forEach((e, i) => expect(mapped.errors[i]?.message).toMatch(e.message));
  });

  it.each([null, 'x', 42, [ce()]])(
    'passes a non-object (%j) through for validation to reject',
    (input) => {
      expect(mapCloudEvent(input)).toStrictEqual({ envelope: input, errors: [] });
    },
  );
});

describe('cloudEventPath', () => {
  it.each([
    ['/ticket_id', '/subject'],
    ['/occurred_at', '/time'],
    ['/actor/type', '/actortype'],
    ['/actor/id', '/actorid'],
    ['/actor', '/actortype'],
    ['/id', '/id'],
    ['/type', '/type'],
    ['/data/tier', '/data/tier'],
    ['/data/tags/1', '/data/tags/1'],
    ['', ''],
  ])('%s → %s', (path, expected) => {
    expect(cloudEventPath(path)).toBe(expected);
  });
});

interface ErrorRow {
  name: string;
  input: unknown;
  errors: { path: string; message?: RegExp }[];
}

const errorRows: ErrorRow[] = [
  {
    name: 'time without offset → /time',
    input: ce({ time: '2026-11-20T09:15:00' }),
    errors: [{ path: '/time', message: /^must include a UTC offset/ }],
  },
  {
    name: 'time missing → /time',
    input: ce({ time: undefined }),
    errors: [{ path: '/time', message: /^is required$/ }],
  },
  {
    name: 'subject missing → /subject',
    input: ce({ subject: undefined }),
    errors: [{ path: '/subject', message: /^is required$/ }],
  },
  { name: 'subject empty → /subject', input: ce({ subject: '' }), errors: [{ path: '/subject' }] },
  {
    name: 'actortype unknown → /actortype',
    input: ce({ actortype: 'robot' }),
    errors: [{ path: '/actortype' }],
  },
  {
    name: 'actorid empty → /actorid',
    input: ce({ actortype: 'agent', actorid: '' }),
    errors: [{ path: '/actorid' }],
  },
  {
    name: 'actorid as a number → /actorid',
    input: ce({ actortype: 'agent', actorid: 17 }),
    errors: [{ path: '/actorid', message: /^must be a string$/ }],
  },
  {
    name: 'unknown reverse-DNS type → /type',
    input: ce({ type: 'com.acme.ticket.exploded' }),
    errors: [{ path: '/type' }],
  },
  {
    name: 'id missing → /id',
    input: ce({ id: undefined }),
    errors: [{ path: '/id', message: /^is required$/ }],
  },
  {
    name: 'data field error keeps its /data path',
    input: ce({ data: { priority: 'high', channel: 'email', tier: 0 } }),
    errors: [{ path: '/data/tier' }],
  },
  {
    name: 'data tags item error',
    input: ce({ data: { priority: 'high', channel: 'email', tags: ['a', 1] } }),
    errors: [{ path: '/data/tags/1' }],
  },
  {
    name: 'data as a string → /data',
    input: ce({ datacontenttype: 'text/plain', data: 'hello' }),
    errors: [{ path: '/data' }],
  },
  {
    name: 'specversion and time errors both reported',
    input: ce({ specversion: '0.3', time: 'yesterday' }),
    errors: [{ path: '/specversion' }, { path: '/time' }],
  },
  {
    name: 'not an object → ""',
    input: 'x',
    errors: [{ path: '', message: /^must be an object$/ }],
  },
];

describe('prepareBatch with CloudEvents: error paths name CloudEvents attributes', () => {
  it.each(errorRows)('$name', ({ input, errors }) => {
    const batch = prepareBatch([{ position: { index: 3 }, raw: input }], 'cloudevent');
    expect(batch.events).toHaveLength(0);
    expect(batch.errors.map((e) => e.path).sort()).toEqual(errors.map((e) => e.path).sort());
    for (const e of batch.errors) expect(e.index).toBe(3);
    for (const expected of errors) {
      if (expected.message)
        expect(batch.errors.find((e) => e.path === expected.path)?.message).toMatch(
          expected.message,
        );
    }
  });

  it('a valid CloudEvent becomes the same row as the equivalent envelope', () => {
    const fromCe = prepareBatch(
      [{ position: { index: 0 }, raw: ce({ actortype: 'agent', actorid: 'a-1' }) }],
      'cloudevent',
    );
    const fromEnvelope = prepareBatch(
      [
        {
          position: { index: 0 },
          raw: {
            id: 'ce-1',
            type: 'ticket.created',
            ticket_id: '8812',
            occurred_at: '2026-11-20T08:15:00.250Z',
            actor: { type: 'agent', id: 'a-1' },
            data: { channel: 'email', priority: 'high' },
          },
        },
      ],
      'envelope',
    );
    expect(fromCe.errors).toEqual([]);
    expect(fromCe.events).toHaveLength(1);
    // Same content hash (so one is a duplicate of the other); dataJson keeps the received key order.
    const { dataJson: ceData, ...ceRow } = fromCe.events[0]!.row;
    const { dataJson: envData, ...envRow } = fromEnvelope.events[0]!.row;
    expect(ceRow).toStrictEqual(envRow);
    expect(JSON.parse(ceData)).toStrictEqual(JSON.parse(envData));
    expect(fromCe.events[0]?.row).toMatchObject({
      eventId: 'ce-1',
      ticketId: '8812',
      type: 'ticket.created',
      occurredAt: Date.UTC(2026, 10, 20, 8, 15, 0, 250),
      actorType: 'agent',
      actorId: 'a-1',
    });
  });

  it('errors carry the CloudEvent id', () => {
    const batch = prepareBatch(
      [{ position: { index: 0 }, raw: ce({ id: 'ce-77', time: 'bad' }) }],
      'cloudevent',
    );
    expect(batch.errors).toEqual([
      { index: 0, id: 'ce-77', path: '/time', message: expect.any(String) },
    ]);
  });
});
