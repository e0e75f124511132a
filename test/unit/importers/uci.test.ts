/**
 * The pure parts of the UCI ServiceNow import: the CSV parser, the row parser and the mapping to
 * wire events (src/importers/servicenow-audit/uci-servicenow.ts documents every decision tested here). Fixtures
 * are real rows of the data set (INC0000135 without its mods 2–4; INC0028089 edited where said).
 */
import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN } from '../../../src/core/calendar/index.js';
import { deriveTicket, foldTicket, type FoldContext } from '../../../src/core/ticket/index.js';
import { CsvParser, CsvSyntaxError, parseCsv } from '../../../src/importers/csv.js';
import {
  groupIncidents,
  parseUciDateTime,
  uciHeader,
  uciRow,
  UciFormatError,
  type UciRow,
} from '../../../src/importers/servicenow-audit/uci-rows.js';
import {
  label,
  mapIncident,
  type UciWireEvent,
} from '../../../src/importers/servicenow-audit/uci-servicenow.js';
import { toCoreEvent } from '../../../src/ingest/to-core-event.js';
import { validateEvent } from '../../../src/ingest/validate-event.js';

const HEADER =
  'number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,caller_id,opened_by,opened_at,sys_created_by,sys_created_at,sys_updated_by,sys_updated_at,contact_type,location,category,subcategory,u_symptom,cmdb_ci,impact,urgency,priority,assignment_group,assigned_to,knowledge,u_priority_confirmation,notify,problem_id,rfc,vendor,caused_by,closed_code,resolved_by,resolved_at,closed_at';

/** First saved as Resolved 14 min after opening, reopened, group cleared, reassigned, closed. */
const INC0009198 = `
INC0009198,Resolved,true,0,0,0,true,Caller 576,?,21/3/2016 08:31,Created by 89,21/3/2016 08:45,Updated by 370,21/3/2016 08:45,Phone,Location 204,Category 32,Subcategory 174,Symptom 491,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,Resolver 94,false,false,Do Not Notify,?,?,?,?,code 9,?,21/3/2016 21:14,26/3/2016 21:59
INC0009198,Active,true,0,1,1,true,Caller 576,?,21/3/2016 08:31,Created by 89,21/3/2016 08:45,Updated by 68,21/3/2016 18:10,Phone,Location 204,Category 32,Subcategory 174,Symptom 491,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,Resolver 94,false,false,Do Not Notify,?,?,?,?,code 9,?,21/3/2016 21:14,26/3/2016 21:59
INC0009198,Active,true,0,1,3,true,Caller 576,?,21/3/2016 08:31,Created by 89,21/3/2016 08:45,Updated by 68,21/3/2016 18:10,Phone,Location 204,Category 32,Subcategory 174,Symptom 491,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,Resolver 94,false,false,Do Not Notify,?,?,?,?,code 9,?,21/3/2016 21:14,26/3/2016 21:59
INC0009198,Active,true,1,1,4,true,Caller 576,?,21/3/2016 08:31,Created by 89,21/3/2016 08:45,Updated by 131,21/3/2016 18:44,Phone,Location 204,Category 32,Subcategory 174,Symptom 491,?,2 - Medium,2 - Medium,3 - Moderate,?,Resolver 94,false,false,Do Not Notify,?,?,?,?,code 9,?,21/3/2016 21:14,26/3/2016 21:59
INC0009198,Resolved,true,1,1,5,true,Caller 576,?,21/3/2016 08:31,Created by 89,21/3/2016 08:45,Updated by 467,21/3/2016 21:14,Phone,Location 204,Category 32,Subcategory 174,Symptom 491,?,2 - Medium,2 - Medium,3 - Moderate,?,Resolver 126,false,false,Do Not Notify,?,?,?,?,code 9,?,21/3/2016 21:14,26/3/2016 21:59
INC0009198,Closed,false,1,1,6,true,Caller 576,?,21/3/2016 08:31,Created by 89,21/3/2016 08:45,Updated by 908,26/3/2016 21:59,Phone,Location 204,Category 32,Subcategory 174,Symptom 491,?,2 - Medium,2 - Medium,3 - Moderate,?,Resolver 126,false,false,Do Not Notify,?,?,?,?,code 9,?,21/3/2016 21:14,26/3/2016 21:59`;

/** Out of sequence: a mod 7 `Active` snapshot at 09:27, before mod 1 (and before opened_at). */
const INC0000135 = `
INC0000135,Active,true,0,0,7,true,Caller 5331,Opened by  40,29/2/2016 09:45,Created by 62,29/2/2016 07:46,Updated by 653,29/2/2016 09:27,Phone,Location 204,Category 53,Subcategory 271,Symptom 470,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,Resolver 216,true,false,Do Not Notify,?,?,?,?,code 9,Resolved by 32,29/2/2016 16:17,5/3/2016 17:00
INC0000135,Active,true,0,0,1,true,Caller 5331,Opened by  40,29/2/2016 09:45,Created by 62,29/2/2016 07:46,Updated by 340,29/2/2016 11:45,Phone,Location 204,Category 53,Subcategory 271,Symptom 470,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,Resolver 216,true,false,Do Not Notify,?,?,?,?,code 9,Resolved by 32,29/2/2016 16:17,5/3/2016 17:00
INC0000135,Resolved,true,0,0,5,true,Caller 5331,Opened by  40,29/2/2016 09:45,Created by 62,29/2/2016 07:46,Updated by 133,29/2/2016 15:27,Phone,Location 204,Category 53,Subcategory 271,Symptom 470,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,Resolver 216,true,false,Do Not Notify,?,?,?,?,code 9,Resolved by 32,29/2/2016 16:17,5/3/2016 17:00
INC0000135,Resolved,true,0,0,6,true,Caller 5331,Opened by  40,29/2/2016 09:45,Created by 62,29/2/2016 07:46,Updated by 823,29/2/2016 16:17,Phone,Location 204,Category 53,Subcategory 271,Symptom 470,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,Resolver 216,true,false,Do Not Notify,?,?,?,?,code 9,Resolved by 32,29/2/2016 16:17,5/3/2016 17:00
INC0000135,Closed,false,0,0,7,true,Caller 5331,Opened by  40,29/2/2016 09:45,Created by 62,29/2/2016 07:46,Updated by 908,5/3/2016 17:00,Phone,Location 204,Category 53,Subcategory 271,Symptom 470,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,Resolver 216,true,false,Do Not Notify,?,?,?,?,code 9,Resolved by 32,29/2/2016 16:17,5/3/2016 17:00`;

/** Out of sequence: a stale mod 1 `New` snapshot at 11:10, after the resolution at 11:03. */
const INC0000137 = `
INC0000137,New,true,0,0,1,true,Caller 899,Opened by  24,29/2/2016 09:48,Created by 13,29/2/2016 08:18,Updated by 750,29/2/2016 11:10,Phone,Location 51,Category 32,Subcategory 9,Symptom 470,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,?,true,false,Do Not Notify,?,?,?,?,code 6,Resolved by 15,29/2/2016 11:03,5/3/2016 12:00
INC0000137,New,true,0,0,1,true,Caller 899,Opened by  24,29/2/2016 09:48,Created by 13,29/2/2016 08:18,Updated by 60,29/2/2016 09:52,Phone,Location 51,Category 32,Subcategory 9,Symptom 470,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,?,true,false,Do Not Notify,?,?,?,?,code 6,Resolved by 15,29/2/2016 11:03,5/3/2016 12:00
INC0000137,Resolved,true,0,0,2,true,Caller 899,Opened by  24,29/2/2016 09:48,Created by 13,29/2/2016 08:18,Updated by 60,29/2/2016 11:03,Phone,Location 51,Category 32,Subcategory 9,Symptom 470,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,?,true,false,Do Not Notify,?,?,?,?,code 6,Resolved by 15,29/2/2016 11:03,5/3/2016 12:00
INC0000137,Closed,false,0,0,3,true,Caller 899,Opened by  24,29/2/2016 09:48,Created by 13,29/2/2016 08:18,Updated by 908,5/3/2016 12:00,Phone,Location 51,Category 32,Subcategory 9,Symptom 470,?,2 - Medium,2 - Medium,3 - Moderate,Group 70,?,true,false,Do Not Notify,?,?,?,?,code 6,Resolved by 15,29/2/2016 11:03,5/3/2016 12:00`;

/**
 * Junk state `-100` between `New` and `Resolved`; created at the first snapshot's instant. Edited:
 * from the second `-100` row on, `contact_type` and `priority` changed (the real ones do not), to
 * show that a `-100` row's attribute changes are kept.
 */
const INC0028089 = `
INC0028089,New,true,0,0,0,true,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 578,10/5/2016 22:09,Phone,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 64,Resolver 15,false,false,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07
INC0028089,-100,true,0,0,1,true,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 750,16/6/2016 12:02,Phone,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 64,Resolver 15,false,false,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07
INC0028089,-100,true,0,0,2,true,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 750,16/6/2016 12:03,Self service,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,1 - Critical,Group 64,Resolver 15,false,false,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07
INC0028089,Resolved,true,0,0,3,true,Caller 290,Opened by  305,10/5/2016 22:09,Created by 130,10/5/2016 22:09,Updated by 750,16/6/2016 12:03,Self service,Location 188,Category 28,Subcategory 174,?,?,2 - Medium,2 - Medium,1 - Critical,Group 64,Resolver 15,false,true,Do Not Notify,?,?,?,?,code 7,Resolved by 175,16/6/2016 13:02,21/6/2016 13:07`;

function rowsOf(...blocks: string[]): UciRow[] {
  const [header, ...records] = parseCsv(`${HEADER}\n${blocks.join('')}\n`);
  const index = uciHeader(header!);
  return records.map((record, i) => uciRow(index, record, i));
}

const ctx: FoldContext = {
  policyVersions: [],
  calendar: (id) => (id === '24x7' ? ALWAYS_OPEN : undefined),
  defaultCalendarId: '24x7',
  fcrWindowDays: 7,
};

/** Validates every wire event as ingest does and folds them (seq = emission order). */
function fold(events: readonly UciWireEvent[]) {
  const core = events.map((raw, seq) => {
    const result = validateEvent(raw);
    if (!result.ok) throw new Error(`${raw.id}: ${JSON.stringify(result.errors)}`);
    return toCoreEvent(result.event, seq);
  });
  return deriveTicket(foldTicket(core, ctx), ctx).ticket;
}

const brief = (events: readonly UciWireEvent[]) =>
  events.map((e) => `${e.id} ${e.occurred_at} ${JSON.stringify(e.data)}`);

describe('CsvParser', () => {
  const tricky =
    '\uFEFFa,"b,1","say ""hi"""\r\n' + '"multi\nline",,"\r\n"\n' + '\n' + 'x,"",z\r' + 'last,"q"';
  const expected = [
    ['a', 'b,1', 'say "hi"'],
    ['multi\nline', '', '\r\n'],
    ['x', '', 'z'],
    ['last', 'q'],
  ];

  it('parses quoted fields, escapes, embedded line ends, CRLF/CR/LF, BOM, blank lines', () => {
    expect(parseCsv(tricky)).toEqual(expected);
  });

  it('gives the same records at every chunk boundary and one character at a time', () => {
    for (let cut = 0; cut <= tricky.length; cut++) {
      const parser = new CsvParser();
      const got = [
        ...parser.push(tricky.slice(0, cut)),
        ...parser.push(tricky.slice(cut)),
        ...parser.end(),
      ];
      expect(got, `cut at ${cut}`).toEqual(expected);
    }
    const parser = new CsvParser();
    const got = [...tricky].flatMap((c) => parser.push(c));
    expect([...got, ...parser.end()]).toEqual(expected);
  });

  it('keeps empty fields at the ends of a record and a lone "" as one empty field', () => {
    expect(parseCsv(',a,\n""\n')).toEqual([['', 'a', ''], ['']]);
    expect(parseCsv('a;b', { delimiter: ';' })).toEqual([['a', 'b']]);
  });

  it('rejects malformed input with its line', () => {
    const error = (text: string) => {
      try {
        parseCsv(text);
      } catch (e) {
        return e instanceof CsvSyntaxError ? `${e.line}: ${e.message}` : String(e);
      }
      return 'no error';
    };
    expect(error('a,b\nc,d"e\n')).toMatch(/^2: .*quote inside an unquoted field/);
    expect(error('a\n"b"c,d\n')).toMatch(/^2: .*text after the closing quote/);
    expect(error('a\n"b\nc\n')).toMatch(/^4: .*not closed at the end/);
  });
});

describe('UCI rows', () => {
  it('parses d/m/yyyy HH:MM wall-clock times strictly', () => {
    expect(parseUciDateTime('29/2/2016 01:16')).toEqual({
      wall: '2016-02-29T01:16:00',
      minutes: Date.UTC(2016, 1, 29, 1, 16) / 60_000,
    });
    expect(parseUciDateTime('5/12/2016 9:05')?.wall).toBe('2016-12-05T09:05:00');
    for (const bad of ['29/2/2017 01:16', '31/4/2016 10:00', '1/1/2016 24:00', '2016-01-01', '?'])
      expect(parseUciDateTime(bad), bad).toBeUndefined();
  });

  it('reads ? as null and rejects broken counts, dates and headers', () => {
    const [row] = rowsOf(INC0009198);
    expect(row).toMatchObject({
      number: 'INC0009198',
      incidentState: 'Resolved',
      sysModCount: 0,
      openedBy: null,
      callerId: 'Caller 576',
      assignedTo: 'Resolver 94',
      position: 0,
    });
    const index = uciHeader(HEADER.split(','));
    const record = parseCsv(INC0009198.trim())[0]!;
    const broken = (column: string, value: string) => {
      const copy = [...record];
      copy[HEADER.split(',').indexOf(column)] = value;
      return () => uciRow(index, copy, 0);
    };
    expect(broken('sys_mod_count', '?')).toThrow(UciFormatError);
    expect(broken('opened_at', '2016-03-21 08:31')).toThrow(/opened_at/);
    expect(() => uciRow(index, record.slice(0, 5), 0)).toThrow(/no "sys_mod_count" field/);
    expect(() => uciHeader(['number'])).toThrow(/no "incident_state" column/);
  });

  it('normalises labels', () => {
    expect(
      ['1 - Critical', '3 - Moderate', 'Self service', 'IVR', 'Direct opening'].map(label),
    ).toEqual(['critical', 'moderate', 'self_service', 'ivr', 'direct_opening']);
  });

  it('groups contiguous incidents and refuses one that comes back', () => {
    const rows = rowsOf(INC0000137, INC0028089);
    expect([...groupIncidents(rows)].map((g) => [g[0]!.number, g.length])).toEqual([
      ['INC0000137', 4],
      ['INC0028089', 4],
    ]);
    const scrambled = [rows[0]!, rows[5]!, rows[1]!];
    expect(() => [...groupIncidents(scrambled)]).toThrow(/comes back after other incidents/);
  });
});

describe('mapIncident', () => {
  it('creates new at opened_at, then applies each snapshot: updates before status changes', () => {
    const events = mapIncident(rowsOf(INC0009198));
    expect(events[0]).toEqual({
      id: 'INC0009198:0:created',
      type: 'ticket.created',
      ticket_id: 'INC0009198',
      occurred_at: '2016-03-21T08:31:00Z',
      actor: { type: 'system' },
      data: {
        priority: 'moderate',
        channel: 'phone',
        status: 'new',
        group: 'Group 70',
        assignee_id: 'Resolver 94',
        requester_id: 'Caller 576',
        category: 'Category 32',
        via: 'customer',
      },
    });
    expect(events[1]!.actor).toEqual({ type: 'agent', id: 'Updated by 370' });
    expect(brief(events.slice(1))).toEqual([
      'INC0009198:0:status 2016-03-21T08:45:00Z {"status":"solved"}',
      'INC0009198:1:status 2016-03-21T18:10:00Z {"status":"open"}',
      'INC0009198:4:updated 2016-03-21T18:44:00Z {"group":null}',
      'INC0009198:5:updated 2016-03-21T21:14:00Z {"assignee_id":"Resolver 126"}',
      'INC0009198:5:status 2016-03-21T21:14:00Z {"status":"solved"}',
      'INC0009198:6:status 2016-03-26T21:59:00Z {"status":"closed"}',
    ]);
    const ticket = fold(events);
    expect(ticket).toMatchObject({ reopens: 1, reassignments: 1, status: 'closed' });
    expect(ticket.first_solved_at).toBe(Date.UTC(2016, 2, 21, 8, 45));
  });

  it('carries the first status in ticket.created when the first snapshot is at opened_at', () => {
    const events = mapIncident(rowsOf(INC0028089));
    expect(events[0]).toMatchObject({
      occurred_at: '2016-05-10T22:09:00Z',
      actor: { type: 'agent', id: 'Opened by  305' },
      data: { status: 'new' },
    });
    // -100 rows: their attribute changes are kept, their state is skipped.
    expect(brief(events.slice(1))).toEqual([
      'INC0028089:2:updated 2016-06-16T12:03:00Z {"priority":"critical","channel":"self_service"}',
      'INC0028089:3:status 2016-06-16T12:03:00Z {"status":"solved"}',
    ]);
    expect(fold(events)).toMatchObject({ reopens: 0, status: 'solved', priority: 'critical' });
  });

  it('skips the state of an out-of-sequence snapshot that precedes its incident (INC0000135)', () => {
    const events = mapIncident(rowsOf(INC0000135));
    expect(brief(events)).toEqual([
      `INC0000135:7:created 2016-02-29T09:27:00Z {"priority":"moderate","channel":"phone","status":"new","group":"Group 70","assignee_id":"Resolver 216","requester_id":"Caller 5331","category":"Category 53","via":"customer"}`,
      'INC0000135:1:status 2016-02-29T11:45:00Z {"status":"open"}',
      'INC0000135:5:status 2016-02-29T15:27:00Z {"status":"solved"}',
      'INC0000135:7.2:status 2016-03-05T17:00:00Z {"status":"closed"}',
    ]);
    expect(fold(events).reopens).toBe(0);
  });

  it('skips the state of a stale snapshot after the resolution (INC0000137)', () => {
    const events = mapIncident(rowsOf(INC0000137));
    expect(brief(events).map((line) => line.split(' {')[0])).toEqual([
      'INC0000137:1:created 2016-02-29T09:48:00Z',
      'INC0000137:2:status 2016-02-29T11:03:00Z',
      'INC0000137:3:status 2016-03-05T12:00:00Z',
    ]);
    expect(fold(events).reopens).toBe(0);
  });

  it('reads times in the given fixed offset, and refuses unknown states and offsets', () => {
    const rows = rowsOf(INC0028089);
    expect(mapIncident(rows, { utcOffset: '-03:00' })[0]!.occurred_at).toBe(
      '2016-05-10T22:09:00-03:00',
    );
    expect(() => mapIncident(rows, { utcOffset: '+3' })).toThrow(RangeError);
    const odd = rows.map((r, i) => (i === 1 ? { ...r, incidentState: 'Pending' } : r));
    expect(() => mapIncident(odd)).toThrow(/unknown incident_state "Pending"/);
    expect(mapIncident([])).toEqual([]);
  });

  it('does not depend on the input order of the rows', () => {
    const rows = rowsOf(INC0009198);
    expect(mapIncident([...rows].reverse())).toEqual(mapIncident(rows));
  });
});
