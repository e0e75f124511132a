/**
 * The `xes` source (src/importers/xes/, mapping.ts documents every decision tested here) and its
 * XML tokenizer (src/importers/xml.ts). The fixture trace is real: events 1–7 and 17 of BPIC 2013's
 * first case, 1-364285768 (events 8–16 left out).
 */
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readXes, xes } from '../../../src/importers/xes/index.js';
import { tierOf } from '../../../src/importers/xes/event-log.js';
import { XmlSyntaxError, XmlTokenizer } from '../../../src/importers/xml.js';
import {
  brief,
  collect,
  dataset,
  duplicateIds,
  expectResumesExactly,
  invalidEvents,
  pieces,
} from '../../fixtures/importers/helpers.js';

const event = (group: string, resource: string, activity: string, at: string) => {
  const [name, transition] = activity.split('/');
  return `
    <event>
      <string key="org:group" value="${group}"/>
      <string key="org:resource" value="${resource}"/>
      <string key="concept:name" value="${name}"/>
      <string key="impact" value="Medium"/>
      <string key="product" value="PROD582"/>
      <string key="lifecycle:transition" value="${transition}"/>
      <date key="time:timestamp" value="${at}"/>
    </event>`;
};

const CASE_1 = `
  <trace>
    <string key="concept:name" value="1-364285768"/>
    ${event('V30', 'Frederic', 'Accepted/In Progress', '2010-03-31T16:59:42+02:00')}
    ${event('V30', 'Frederic', 'Accepted/In Progress', '2010-03-31T17:00:56+02:00')}
    ${event('V5 3rd', 'Frederic', 'Queued/Awaiting Assignment', '2010-03-31T17:45:48+02:00')}
    ${event('V5 3rd', 'Anne Claire', 'Accepted/In Progress', '2010-04-06T16:44:07+02:00')}
    ${event('V30', 'Anne Claire', 'Queued/Awaiting Assignment', '2010-04-06T16:44:38+02:00')}
    ${event('V13 2nd 3rd', 'Anne Claire', 'Accepted/In Progress', '2010-04-06T16:44:47+02:00')}
    ${event('V13 2nd 3rd', 'Anne Claire', 'Completed/Resolved', '2010-04-06T16:44:51+02:00')}
    ${event('V5 3rd', 'Siebel', 'Completed/Closed', '2012-05-11T01:26:15+02:00')}
  </trace>`;

/** Synthetic: an escaped resource, a bad timestamp (row 10), an unknown activity (row 11). */
const CASE_2 = `
  <trace>
    <string key="concept:name" value="case &amp; &#x32;"/>
    ${event('S42', 'Ad&lt;am&gt;', 'Accepted/In Progress', '2011-01-31T11:12:22+01:00')}
    ${event('S42', 'Adam', 'Completed/Resolved', '31/1/2011 12:00')}
    ${event('S42', 'Adam', 'Accepted/Dancing', '2011-01-31T13:00:00+01:00')}
    ${event('S42', '-', 'Completed/Closed', '2011-02-07T01:00:00+01:00')}
  </trace>`;

const log = (...traces: string[]) => `<?xml version="1.0" encoding="UTF-8" ?>
<!-- generated > by hand -->
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <global scope="event"><string key="org:group" value="UNKNOWN"/></global>
  <float key="meta:stats" value="7.6"><float key="Frederic" value="0.1"/></float>
  ${traces.join('\n')}
</log>
`;

const EXPECTED_CASE_1 = [
  'xes:1-364285768:1:created 2010-03-31T14:59:42Z agent:Frederic {"priority":"medium","group":"V30","category":"PROD582","tier":1,"assignee_id":"Frederic","channel":"unknown","status":"open","via":"customer"}',
  'xes:1-364285768:3:updated 2010-03-31T15:45:48Z agent:Frederic {"group":"V5 3rd","tier":3}',
  'xes:1-364285768:3:status 2010-03-31T15:45:48Z agent:Frederic {"status":"new"}',
  'xes:1-364285768:4:updated 2010-04-06T14:44:07Z agent:Anne Claire {"assignee_id":"Anne Claire"}',
  'xes:1-364285768:4:status 2010-04-06T14:44:07Z agent:Anne Claire {"status":"open"}',
  'xes:1-364285768:5:updated 2010-04-06T14:44:38Z agent:Anne Claire {"group":"V30","tier":1}',
  'xes:1-364285768:5:status 2010-04-06T14:44:38Z agent:Anne Claire {"status":"new"}',
  'xes:1-364285768:6:updated 2010-04-06T14:44:47Z agent:Anne Claire {"group":"V13 2nd 3rd","tier":2}',
  'xes:1-364285768:6:status 2010-04-06T14:44:47Z agent:Anne Claire {"status":"open"}',
  'xes:1-364285768:7:status 2010-04-06T14:44:51Z agent:Anne Claire {"status":"solved"}',
  'xes:1-364285768:8:updated 2012-05-10T23:26:15Z system {"group":"V5 3rd","tier":3}',
  'xes:1-364285768:8:status 2012-05-10T23:26:15Z system {"status":"closed"}',
];

describe('XmlTokenizer', () => {
  const text = `<?xml version="1.0"?><!-- a > b --><a x="1 > 0" y='&quot;&#65;&amp;'><b/></a>`;
  const expected = [
    { kind: 'open', name: 'a', attributes: { x: '1 > 0', y: '"A&' }, selfClosing: false },
    { kind: 'open', name: 'b', attributes: {}, selfClosing: true },
    { kind: 'close', name: 'a' },
  ];

  it('gives the same tags at every chunk boundary', () => {
    for (let cut = 0; cut <= text.length; cut++) {
      const t = new XmlTokenizer();
      const got = [...t.push(text.slice(0, cut)), ...t.push(text.slice(cut))];
      t.end();
      expect(got, `cut at ${cut}`).toEqual(expected);
    }
  });

  it('rejects malformed markup with its line', () => {
    const error = (input: string) => {
      try {
        const t = new XmlTokenizer();
        t.push(input);
        t.end();
      } catch (e) {
        return e instanceof XmlSyntaxError ? e.message : String(e);
      }
      return 'no error';
    };
    expect(error('<a>\n<b x=1/>')).toBe('XML line 2: a malformed attribute in <b>');
    expect(error('<a>\n\n<b x="&nbsp;"/>')).toBe('XML line 3: an unknown entity &nbsp;');
    expect(error('<a>\n<b x="1"')).toBe('XML line 2: markup not closed at the end of the input');
  });
});

describe('xes source', () => {
  it('maps a BPIC 2013 case: statuses, groups, tiers from 2nd/3rd, assignees, Siebel as system', async () => {
    const { events, rejections } = await collect(readXes(pieces(log(CASE_1)), {}));
    expect(rejections).toEqual([]);
    expect(brief(events)).toEqual(EXPECTED_CASE_1);
    expect(invalidEvents(events)).toEqual([]);
  });

  it('reads the same events whatever the chunk boundaries', async () => {
    const whole = await collect(readXes(pieces(log(CASE_1, CASE_2)), {}));
    for (const size of [1, 7, 64]) {
      const split = await collect(readXes(pieces(log(CASE_1, CASE_2), size), {}));
      expect(split.events).toEqual(whole.events);
      expect(split.rejections).toEqual(whole.rejections);
    }
  });

  it('rejects a bad event naming its row and key, and maps the rest of its case', async () => {
    const { events, rejections } = await collect(readXes(pieces(log(CASE_1, CASE_2)), {}));
    expect(rejections).toEqual([
      { row: 10, field: 'time:timestamp', message: expect.stringContaining('"31/1/2011 12:00"') },
      {
        row: 11,
        field: 'concept:name+lifecycle:transition',
        message: 'unknown activity "Accepted/Dancing"',
      },
    ]);
    expect(brief(events.filter((e) => e.ticket_id === 'case & 2'))).toEqual([
      'xes:case & 2:1:created 2011-01-31T10:12:22Z agent:Ad<am> {"priority":"medium","group":"S42","category":"PROD582","tier":1,"assignee_id":"Ad<am>","channel":"unknown","status":"open","via":"customer"}',
      'xes:case & 2:4:status 2011-02-07T00:00:00Z system {"status":"closed"}',
    ]);
    expect(invalidEvents(events)).toEqual([]);
  });

  it('resumes after every checkpoint with exactly the rest; a checkpoint of another file fails', async () => {
    const read = (resumeFrom?: unknown) =>
      readXes(
        pieces(log(CASE_1, CASE_2, CASE_1.replaceAll('1-364285768', 'c3'))),
        { resumeFrom },
        1,
      );
    const full = await collect(read());
    expect(full.chunks.map((c) => c.checkpoint)).toEqual([
      { tickets: 1, key: '1-364285768' },
      { tickets: 2, key: 'case & 2' },
      { tickets: 3, key: 'c3' },
    ]);
    expect(full.chunks.map((c) => c.rowsRead)).toEqual([8, 12, 20]);
    const checked = await expectResumesExactly(full, read, (a, b, m) => expect(a, m).toEqual(b));
    expect(checked).toBe(3);
    await expect(collect(read({ tickets: 1, key: 'other' }))).rejects.toThrow(/not the same file/);
    await expect(collect(read({ tickets: 9, key: 'c3' }))).rejects.toThrow(/past the end/);
  });

  it('refuses misnested and truncated logs', async () => {
    await expect(collect(readXes(pieces('<log><trace></event></log>'), {}))).rejects.toThrow(
      'XES: </event> closes <trace> (after event 0)',
    );
    const truncated = log(CASE_1).slice(0, log(CASE_1).indexOf('</trace>'));
    await expect(collect(readXes(pieces(truncated), {}))).rejects.toThrow(
      'XES: the file ends inside <trace> (truncated?)',
    );
  });

  it('takes a user mapping for another XES log', async () => {
    const text = log(`<trace><string key="concept:name" value="T1"/>
      <event><string key="concept:name" value="register"/><string key="urgency" value="High"/>
        <date key="time:timestamp" value="2020-01-01T10:00:00.500Z"/></event>
      <event><string key="concept:name" value="archive"/><date key="time:timestamp" value="2020-01-02T10:00:00Z"/></event>
      <event><string key="concept:name" value="solve"/><string key="org:resource" value="u1"/>
        <date key="time:timestamp" value="2020-01-01T11:00:00Z"/></event></trace>`);
    const mapping = {
      activity: ['concept:name'],
      statuses: { register: 'new', solve: 'solved' },
      unknownActivity: 'ignore',
      priority: 'urgency',
      defaultChannel: 'web',
    };
    const { events, rejections } = await collect(readXes(pieces(text), { mapping }));
    expect(rejections).toEqual([]);
    expect(brief(events)).toEqual([
      'xes:T1:1:created 2020-01-01T10:00:00.500Z system {"priority":"high","channel":"web","status":"new","via":"customer"}',
      'xes:T1:3:updated 2020-01-01T11:00:00Z agent:u1 {"assignee_id":"u1"}',
      'xes:T1:3:status 2020-01-01T11:00:00Z agent:u1 {"status":"solved"}',
    ]);
    expect(() => readXes(pieces(text), { mapping: { statuses: { a: 'done' } } })).toThrow(
      'mapping: "statuses.a" must be one of new, open, pending, on_hold, solved, closed or null',
    );
  });

  it('reads support lines from group names', () => {
    expect(
      ['V30', 'V5 3rd', 'N52 2nd', 'V13 2nd 3rd'].map((g) => tierOf(g, 'group-suffix')),
    ).toEqual([1, 3, 2, 2]);
    expect(['L1', 'L2/L3', 'x'].map((g) => tierOf(g, 'attribute'))).toEqual([1, 2, null]);
  });

  const path = dataset('bpic13_incidents.xes.gz');
  it.skipIf(path === undefined)(
    'imports BPIC 2013: 65,533 events of 7,554 cases, 0 rejections, all valid, same ids twice',
    async () => {
      const first = await collect(xes.read(path!, {}));
      expect(first.rejections).toEqual([]);
      expect(first.chunks.at(-1)?.rowsRead).toBe(65_533);
      // Progress: compressed bytes read, rising to (about) the file's size.
      const bytes = first.chunks.map((c) => c.bytesRead ?? 0);
      expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
      expect(bytes.at(-1)! / statSync(path!).size).toBeGreaterThan(0.95);
      const count = (type: string) => first.events.filter((e) => e.type === type).length;
      expect([
        count('ticket.created'),
        count('ticket.updated'),
        count('ticket.status_changed'),
      ]).toEqual([7_554, 23_477, 43_389]);
      expect(invalidEvents(first.events)).toEqual([]);
      expect(duplicateIds(first.events)).toEqual([]);
      const second = await collect(xes.read(path!, {}));
      expect(second.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
      const middle = first.chunks[19]!;
      const rest = await collect(xes.read(path!, { resumeFrom: middle.checkpoint }));
      const before = first.chunks.slice(0, 20).reduce((n, c) => n + c.events.length, 0);
      expect(rest.events).toEqual(first.events.slice(before));
    },
  );
});
