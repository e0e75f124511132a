/**
 * The `zendesk` source (src/importers/zendesk/, mapping.ts documents every decision tested here).
 * The fixture, test/fixtures/importers/zendesk-ticket-events.jsonl, is two pages of the
 * incremental ticket event export written by hand from Zendesk's API documentation (no public
 * sample exists): ticket 101 from a web form through pending, a customer reply, solve and the
 * automatic close; ticket 102 opened by an agent on a call and put on hold.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readZendesk, zendesk } from '../../../src/importers/zendesk/index.js';
import { JsonStreamError, JsonValueSplitter } from '../../../src/importers/zendesk/json-values.js';
import {
  brief,
  collect,
  duplicateIds,
  expectResumesExactly,
  invalidEvents,
  pieces,
} from '../../fixtures/importers/helpers.js';

const FIXTURE = new URL('../../fixtures/importers/zendesk-ticket-events.jsonl', import.meta.url);
const TEXT = readFileSync(FIXTURE, 'utf8');

const EXPECTED = [
  'zendesk:9001:created 2026-03-02T08:00:00Z customer:5001 {"status":"new","priority":"high","requester_id":"5001","group":"360001","tags":["billing","vip"],"category":"incident","channel":"web_form","via":"customer"}',
  'zendesk:9001:90017:message 2026-03-02T08:00:00Z customer:5001 {"direction":"inbound","public":true}',
  'zendesk:9002:created 2026-03-02T08:15:00Z agent:7001 {"status":"open","assignee_id":"7001","requester_id":"5002","priority":"none","channel":"voice","via":"agent"}',
  'zendesk:9002:90022:message 2026-03-02T08:15:00Z agent:7001 {"direction":"outbound","public":false}',
  'zendesk:9003:90031:assignee_id 2026-03-02T08:20:00Z agent:7002 {"assignee_id":"7002"}',
  'zendesk:9003:90032:status 2026-03-02T08:20:00Z agent:7002 {"status":"open"}',
  'zendesk:9003:90033:message 2026-03-02T08:20:00Z agent:7002 {"direction":"outbound","public":true}',
  'zendesk:9004:90041:status 2026-03-02T09:00:00Z agent:7002 {"status":"pending"}',
  'zendesk:9004:90042:message 2026-03-02T09:00:00Z agent:7002 {"direction":"outbound","public":false}',
  'zendesk:9005:90051:message 2026-03-02T10:00:00Z customer:5001 {"direction":"inbound","public":true}',
  'zendesk:9005:90052:status 2026-03-02T10:00:00Z customer:5001 {"status":"open"}',
  'zendesk:9006:90061:status 2026-03-02T11:00:00Z agent:7002 {"status":"solved"}',
  'zendesk:9006:90062:priority 2026-03-02T11:00:00Z agent:7002 {"priority":"urgent"}',
  'zendesk:9007:90071:status 2026-03-02T12:00:00Z agent:7001 {"status":"on_hold"}',
  'zendesk:9008:90081:status 2026-03-06T11:00:00Z system {"status":"closed"}',
];

describe('JsonValueSplitter', () => {
  const text = '[{"a":"}]\\"{"},\n {"b":[1,{"c":2}]}]\n{"d":3}';
  it('gives the objects of a top-level array and of JSON Lines at every chunk boundary', () => {
    for (let cut = 0; cut <= text.length; cut++) {
      const s = new JsonValueSplitter();
      const got = [...s.push(text.slice(0, cut)), ...s.push(text.slice(cut))];
      s.end();
      expect(got, `cut at ${cut}`).toEqual([{ a: '}]"{' }, { b: [1, { c: 2 }] }, { d: 3 }]);
    }
  });

  it('names the line of a value that is not JSON, or not an object', () => {
    expect(() => new JsonValueSplitter().push('{"a":1}\n{"b":,}')).toThrow(/^JSON line 2: /);
    expect(() => new JsonValueSplitter().push('[{"a":1},\n 2]')).toThrow(JsonStreamError);
    const open = new JsonValueSplitter();
    open.push('{"a":');
    expect(() => open.end()).toThrow('JSON line 1: the input ends inside a value');
  });
});

describe('zendesk source', () => {
  it('maps the export: creation, changes, comments by requester and agents, hold, auto-close', async () => {
    const { events, rejections, chunks } = await collect(zendesk.read(FIXTURE.pathname, {}));
    expect(rejections).toEqual([]);
    expect(brief(events)).toEqual(EXPECTED);
    expect(invalidEvents(events)).toEqual([]);
    expect(duplicateIds(events)).toEqual([]);
    expect(chunks.map((c) => c.rowsRead)).toEqual([3, 8]);
  });

  it('reads a pretty-printed page the same, in any pieces, with the same ids twice', async () => {
    const [first, second] = TEXT.trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    const pretty = `${JSON.stringify(first, null, 2)}\n\n${JSON.stringify(second, null, 4)}`;
    for (const size of [1, 13, 4096]) {
      const { events } = await collect(readZendesk(pieces(pretty, size), {}));
      expect(brief(events)).toEqual(EXPECTED);
    }
  });

  it('resumes after a page with exactly the rest, remembering requesters from before it', async () => {
    const read = (resumeFrom?: unknown) => readZendesk(pieces(TEXT), { resumeFrom });
    const full = await collect(read());
    expect(full.chunks.map((c) => c.checkpoint)).toEqual([
      { tickets: 1, key: 'page 1 (last event 9003)' },
      { tickets: 2, key: 'page 2 (last event 9008)' },
    ]);
    const checked = await expectResumesExactly(full, read, (a, b, m) => expect(a, m).toEqual(b));
    expect(checked).toBe(2);
  });

  it('rejects a bad ticket event naming its row and field, and maps the others', async () => {
    const page = {
      ticket_events: [
        {
          id: 1,
          ticket_id: 7,
          created_at: '2026-01-01T00:00:00+01:00',
          updater_id: 3,
          via: 'Mail',
          child_events: [{ id: 11, event_type: 'Create', field_name: 'status', value: 'new' }],
        },
        {
          id: 2,
          ticket_id: 7,
          created_at: '2026-01-01T01:00:00Z',
          updater_id: 3,
          child_events: [{ id: 21, event_type: 'Change', field_name: 'status', value: 'archived' }],
        },
        { id: 3, ticket_id: 7, updater_id: 3, child_events: [] },
        {
          id: 4,
          ticket_id: 7,
          created_at: '2026-01-01T02:00:00Z',
          child_events: [{ id: 41, event_type: 'Change', tags: 'a  b' }],
        },
      ],
    };
    const { events, rejections } = await collect(readZendesk(pieces(JSON.stringify(page)), {}));
    expect(rejections).toEqual([
      { row: 2, field: 'child_events/0/value', message: 'unknown status "archived"' },
      { row: 3, field: 'created_at', message: 'is missing (and so is timestamp)' },
    ]);
    expect(brief(events)).toEqual([
      'zendesk:1:created 2025-12-31T23:00:00Z agent:3 {"status":"new","priority":"none","channel":"mail","via":"agent"}',
      'zendesk:4:41:tags 2026-01-01T02:00:00Z system {"tags":["a","b"]}',
    ]);
  });
});
