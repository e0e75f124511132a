/**
 * The `event-csv` source (src/importers/event-csv/, mapping.ts documents every decision tested
 * here). Fixtures are real rows: Case4378 of the Italian help-desk log and the first rows of
 * BPIC 2013's case 1-467153946 in the support-level export.
 */
import { describe, expect, it } from 'vitest';
import { eventCsv, readEventCsv } from '../../../src/importers/event-csv/index.js';
import type { WireEvent } from '../../../src/importers/source.js';
import { xes } from '../../../src/importers/xes/index.js';
import {
  brief,
  collect,
  dataset,
  duplicateIds,
  expectResumesExactly,
  invalidEvents,
  pieces,
} from '../../fixtures/importers/helpers.js';

const ITALIAN_HEADER =
  'concept:name,lifecycle:transition,org:resource,time:timestamp,Activity,Resource,case:concept:name,case:variant,case:variant-index,case:creator';
const italianRow = (activity: string, resource: string, at: string, c = 'Case4378') =>
  `${activity},complete,${resource},${at},${activity},${resource},${c},Variant 13,13,Fluxicon Disco`;
const CASE_4378 = [
  italianRow('Assign seriousness', 'Value 2', '2010-02-04 08:20:45+02:00'),
  italianRow('Assign seriousness', 'Value 2', '2010-02-04 08:21:00+02:00'),
  italianRow('Take in charge ticket', 'Value 2', '2010-02-16 10:20:28+02:00'),
  italianRow('Wait', 'Value 2', '2010-02-16 10:20:37+02:00'),
  italianRow('Take in charge ticket', 'Value 2', '2010-02-17 08:45:28+02:00'),
  italianRow('Resolve ticket', 'Value 2', '2010-02-17 11:34:58+02:00'),
  italianRow('Closed', 'Value 5', '2010-04-03 10:35:20+03:00'),
];
const ITALIAN = [ITALIAN_HEADER, ...CASE_4378].join('\r\n');

const SUPPORT_LEVEL = `\uFEFFSR Number,Change Date+Time,Status,Sub Status,Activity,Activity Level,Involved ST Function Div,Involved Org line 3,Involved ST,Involved ST 2,ST Level,SR Latest Impact,Product,Country,Owner Country,Owner First Name,Resource
1-467153946,2011-01-31T11:12:22+01:00,Accepted,In Progress,Accepted-In Progress,Accepted-In Progress-L1,V3_2,Org line C,S42,S42,L1,Medium,PROD453,se,Sweden,Adam,se-Adam
1-467153946,2011-01-31T11:18:44+01:00,Accepted,In Progress,Accepted-In Progress,Accepted-In Progress-L1,V3_2,Org line C,S42,S42,L1,Medium,PROD453,se,Sweden,Adam,se-Adam
1-467153946,2011-01-31T11:19:05+01:00,Queued,Awaiting Assignment,Queued-Awaiting Assignment,Queued-Awaiting Assignment-L2,V3_2,Org line C,N52 2nd,N52,L2,Medium,PROD453,se,Sweden,Adam,se-Adam
`;

/** A user's log: naive times, and rows 4 (bad time), 5 (short), 7 (case seen before) rejected. */
const USER = `ticket,step,who,when,prio
A,opened,,2024-03-31 01:30,P2
A,answered,ann,2024-03-31 02:30,P2
A,answered,ann,31.03.2024,P2
A,done,ann
B,opened,bob,2024-04-02 09:00:00.25,P1
A,done,ann,2024-04-03 09:00,P2
B,done,bob,2024-04-02 10:00,P1
`;
const USER_MAPPING = {
  case: 'ticket',
  activity: ['step'],
  timestamp: 'when',
  resource: 'who',
  priority: 'prio',
  statuses: { opened: 'new', answered: 'pending', done: 'solved' },
};

describe('event-csv source', () => {
  it('maps an Italian help-desk case, reading wall-clock times in --timezone (preset from the header)', async () => {
    const { events, rejections } = await collect(
      readEventCsv(pieces(ITALIAN, 5), { timezone: 'Europe/Rome' }),
    );
    expect(rejections).toEqual([]);
    expect(brief(events)).toEqual([
      'event-csv:Case4378:1:created 2010-02-04T07:20:45Z agent:Value 2 {"priority":"unknown","channel":"unknown","status":"new","via":"customer"}',
      'event-csv:Case4378:3:updated 2010-02-16T09:20:28Z agent:Value 2 {"assignee_id":"Value 2"}',
      'event-csv:Case4378:3:status 2010-02-16T09:20:28Z agent:Value 2 {"status":"open"}',
      'event-csv:Case4378:4:status 2010-02-16T09:20:37Z agent:Value 2 {"status":"pending"}',
      'event-csv:Case4378:5:status 2010-02-17T07:45:28Z agent:Value 2 {"status":"open"}',
      'event-csv:Case4378:6:status 2010-02-17T10:34:58Z agent:Value 2 {"status":"solved"}',
      'event-csv:Case4378:7:status 2010-04-03T08:35:20Z agent:Value 5 {"status":"closed"}',
    ]);
    expect(invalidEvents(events)).toEqual([]);
    // In the exporter's own zone the wall-clock times give back the offsets it wrote.
    const athens = await collect(readEventCsv(pieces(ITALIAN), { timezone: 'Europe/Athens' }));
    expect(athens.events.at(-1)?.occurred_at).toBe('2010-04-03T07:35:20Z');
    // Offsets that are the exporter's cannot be read without the help desk's zone.
    await expect(collect(readEventCsv(pieces(ITALIAN), {}))).rejects.toThrow(
      /pass the help desk's time zone with --timezone/,
    );
  });

  it('maps the BPIC 2013 support-level export: ST Level → tier, Involved ST → group', async () => {
    const { events, rejections } = await collect(readEventCsv(pieces(SUPPORT_LEVEL), {}));
    expect(rejections).toEqual([]);
    expect(brief(events)).toEqual([
      'event-csv:1-467153946:1:created 2011-01-31T10:12:22Z agent:Adam {"priority":"medium","group":"S42","category":"PROD453","tier":1,"assignee_id":"Adam","channel":"unknown","status":"open","via":"customer"}',
      'event-csv:1-467153946:3:updated 2011-01-31T10:19:05Z agent:Adam {"group":"N52 2nd","tier":2}',
      'event-csv:1-467153946:3:status 2011-01-31T10:19:05Z agent:Adam {"status":"new"}',
    ]);
  });

  it('takes a user mapping; rejects bad rows naming row and column; DST gaps move forward', async () => {
    const read = () =>
      readEventCsv(pieces(USER), { timezone: 'Europe/Warsaw', mapping: USER_MAPPING });
    const { events, rejections } = await collect(read());
    expect(rejections).toEqual([
      { row: 4, field: 'when', message: '"31.03.2024" is not a yyyy-mm-dd HH:MM:SS timestamp' },
      { row: 5, field: 'ticket', message: 'the row has 3 fields, the header 5' },
      {
        row: 7,
        field: 'ticket',
        message: 'case A appeared earlier in the file: its rows must be contiguous',
      },
    ]);
    expect(brief(events)).toEqual([
      'event-csv:A:1:created 2024-03-31T00:30:00Z system {"priority":"p2","channel":"unknown","status":"new","via":"customer"}',
      // 02:30 does not exist in Warsaw that night: read as 03:30 CEST (calendars.md).
      'event-csv:A:2:updated 2024-03-31T01:30:00Z agent:ann {"assignee_id":"ann"}',
      'event-csv:A:2:status 2024-03-31T01:30:00Z agent:ann {"status":"pending"}',
      'event-csv:B:1:created 2024-04-02T07:00:00.250Z agent:bob {"priority":"p1","assignee_id":"bob","channel":"unknown","status":"new","via":"customer"}',
      'event-csv:B:2:status 2024-04-02T08:00:00Z agent:bob {"status":"solved"}',
    ]);
    expect(invalidEvents(events)).toEqual([]);
    const again = await collect(read());
    expect(again).toEqual(await collect(read()));
    const checked = await expectResumesExactly(
      await collect(
        readEventCsv(pieces(USER), { timezone: 'Europe/Warsaw', mapping: USER_MAPPING }, 1),
      ),
      (resumeFrom) =>
        readEventCsv(
          pieces(USER),
          { timezone: 'Europe/Warsaw', mapping: USER_MAPPING, resumeFrom },
          1,
        ),
      (a, b, m) => expect(a, m).toEqual(b),
    );
    expect(checked).toBe(2);
  });

  it('rejects naive times without a zone, and refuses a header no preset matches', async () => {
    const { rejections } = await collect(readEventCsv(pieces(USER), { mapping: USER_MAPPING }));
    expect(rejections[0]).toEqual({
      row: 2,
      field: 'when',
      message: '"2024-03-31 01:30" has no UTC offset: pass the help desk\'s time zone (--timezone)',
    });
    await expect(collect(readEventCsv(pieces(USER), { timezone: 'UTC' }))).rejects.toThrow(
      /no preset matches the header/,
    );
  });

  const italian = dataset('helpdesk_italian_sw_company.csv.gz');
  it.skipIf(italian === undefined)(
    'imports the Italian help desk: 21,348 rows, 4,580 tickets, 0 rejections; resumes exactly',
    async () => {
      const read = (resumeFrom?: unknown) =>
        eventCsv.read(italian!, { timezone: 'Europe/Rome', resumeFrom });
      const full = await collect(read());
      expect(full.rejections).toEqual([]);
      expect(full.chunks.at(-1)?.rowsRead).toBe(21_349);
      const count = (type: string) => full.events.filter((e) => e.type === type).length;
      expect([
        count('ticket.created'),
        count('ticket.updated'),
        count('ticket.status_changed'),
      ]).toEqual([4_580, 4_532, 15_689]);
      expect(invalidEvents(full.events)).toEqual([]);
      expect(duplicateIds(full.events)).toEqual([]);
      const middle = full.chunks[5]!;
      const rest = await collect(read(middle.checkpoint));
      const before = full.chunks.slice(0, 6).reduce((n, c) => n + c.events.length, 0);
      expect(rest.events).toEqual(full.events.slice(before));
    },
  );

  const flat = dataset('bpic13_incidents_flat.csv.gz');
  const level = dataset('bpic13_incidents_with_support_level.csv.gz');
  const log = dataset('bpic13_incidents.xes.gz');
  /** The support-level export spells 161 names in mojibake (`Bjˆrn` for `Björn`). */
  const ascii = (events: readonly WireEvent[]) =>
    events.map((e) => JSON.stringify(e).replace(/[^\x20-\x7e]/g, '?'));
  it.skipIf(!flat || !level || !log)(
    'imports both BPIC 2013 CSVs as the same events as the XES log',
    async () => {
      const fromXes = await collect(xes.read(log!, {}));
      const expected = fromXes.events.map((e) => ({
        ...e,
        id: e.id.replace(/^xes:/, 'event-csv:'),
      }));
      // Their offsets are real: no --timezone.
      const fromFlat = await collect(eventCsv.read(flat!, {}));
      expect(fromFlat.rejections).toEqual([]);
      expect(fromFlat.events.length).toBe(74_420);
      expect(fromFlat.events).toEqual(expected);
      const fromLevel = await collect(eventCsv.read(level!, {}));
      expect(fromLevel.rejections).toEqual([]);
      expect(invalidEvents(fromLevel.events)).toEqual([]);
      expect(ascii(fromLevel.events).join('\n') === ascii(expected).join('\n')).toBe(true);
    },
  );
});
