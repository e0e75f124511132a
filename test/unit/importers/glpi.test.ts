/**
 * The `glpi` source (src/importers/glpi/, mapping.ts documents every decision tested here). The
 * fixture, test/fixtures/importers/glpi-tickets.json, was written by hand from GLPI's REST API
 * documentation (no public export exists): ticket 4021 by e-mail, taken into account after
 * 18 min, a refused then an accepted solution, closed; ticket 4022 by phone (expanded dropdowns),
 * two requesters, pending.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN } from '../../../src/core/calendar/index.js';
import { deriveTicket, foldTicket, type FoldContext } from '../../../src/core/ticket/index.js';
import { glpi, readGlpi } from '../../../src/importers/glpi/index.js';
import { toCoreEvent } from '../../../src/ingest/to-core-event.js';
import { validateEvent } from '../../../src/ingest/validate-event.js';
import {
  brief,
  collect,
  duplicateIds,
  expectResumesExactly,
  invalidEvents,
  pieces,
} from '../../fixtures/importers/helpers.js';

const FIXTURE = new URL('../../fixtures/importers/glpi-tickets.json', import.meta.url);
const TEXT = readFileSync(FIXTURE, 'utf8');
const PARIS = { timezone: 'Europe/Paris' };

const EXPECTED = [
  'glpi:4021:created 2026-02-10T08:12:00Z system {"priority":"high","channel":"email","status":"new","requester_id":"12","assignee_id":"5","group":"3","category":"17","organization_id":"0","via":"customer","tags":["incident"]}',
  'glpi:4021:taken 2026-02-10T08:30:00Z system {"status":"open"}',
  'glpi:4021:followup:301 2026-02-10T08:40:00Z agent:5 {"direction":"outbound","public":true}',
  'glpi:4021:followup:302 2026-02-10T10:05:00Z customer:12 {"direction":"inbound","public":true}',
  'glpi:4021:task:77 2026-02-10T13:00:00Z agent:5 {"agent_id":"5","started_at":"2026-02-10T12:30:00Z","talk_seconds":1800}',
  'glpi:4021:solution:55 2026-02-10T14:00:00Z agent:5 {"status":"solved"}',
  'glpi:4021:solution:55:refused 2026-02-11T06:30:00Z customer:12 {"status":"open"}',
  'glpi:4021:followup:303 2026-02-11T07:00:00Z agent:5 {"direction":"outbound","public":false}',
  'glpi:4021:solution:56 2026-02-11T08:00:00Z agent:5 {"status":"solved"}',
  'glpi:4021:solution:56:accepted 2026-02-12T09:00:00Z customer:12 {"status":"closed"}',
  // Summer time began on 29 March: Paris is at +02:00.
  'glpi:4022:created 2026-03-30T08:00:00Z agent:5 {"priority":"medium","channel":"phone","status":"new","requester_id":"14","assignee_id":null,"group":null,"category":"Hardware > Printer","organization_id":"0","via":"customer","tags":["request"]}',
  'glpi:4022:taken 2026-03-30T08:05:00Z system {"status":"open"}',
  'glpi:4022:followup:401 2026-03-30T08:30:00Z customer:15 {"direction":"inbound","public":true}',
  'glpi:4022:final:pending 2026-03-30T09:00:00Z system {"status":"pending"}',
];

const ctx: FoldContext = {
  policyVersions: [],
  calendar: (id) => (id === '24x7' ? ALWAYS_OPEN : undefined),
  defaultCalendarId: '24x7',
  fcrWindowDays: 7,
};

describe('glpi source', () => {
  it('maps tickets with followups, tasks and solutions into one timeline each', async () => {
    const { events, rejections, chunks } = await collect(glpi.read(FIXTURE.pathname, PARIS));
    expect(rejections).toEqual([]);
    expect(brief(events)).toEqual(EXPECTED);
    expect(invalidEvents(events)).toEqual([]);
    expect(duplicateIds(events)).toEqual([]);
    expect(chunks.at(-1)?.rowsRead).toBe(2);
  });

  it('folds 4021 as the spec reads it: a reopen after the refused solution, closed', async () => {
    const { events } = await collect(readGlpi(pieces(TEXT), PARIS));
    const core = events
      .filter((e) => e.ticket_id === '4021')
      .map((raw, seq) => {
        const result = validateEvent(raw);
        if (!result.ok) throw new Error(JSON.stringify(result.errors));
        return toCoreEvent(result.event, seq);
      });
    const ticket = deriveTicket(foldTicket(core, ctx), ctx).ticket;
    expect(ticket).toMatchObject({
      status: 'closed',
      reopens: 1,
      contacts: 1,
      handle_seconds: 1800,
    });
    expect(ticket.first_solved_at).toBe(Date.parse('2026-02-10T14:00:00Z'));
  });

  it('reads JSON Lines and any chunk boundaries the same; same ids twice', async () => {
    const lines = (JSON.parse(TEXT) as unknown[]).map((t) => JSON.stringify(t)).join('\n');
    for (const [text, size] of [
      [lines, 7],
      [TEXT, 1],
    ] as const) {
      const { events } = await collect(readGlpi(pieces(text, size), PARIS));
      expect(brief(events)).toEqual(EXPECTED);
    }
  });

  it('resumes after each ticket with exactly the rest', async () => {
    const read = (resumeFrom?: unknown) => readGlpi(pieces(TEXT), { ...PARIS, resumeFrom }, 1);
    const full = await collect(read());
    expect(full.chunks.map((c) => c.checkpoint)).toEqual([
      { tickets: 1, key: '1:4021' },
      { tickets: 2, key: '2:4022' },
    ]);
    expect(await expectResumesExactly(full, read, (a, b, m) => expect(a, m).toEqual(b))).toBe(2);
  });

  it('rejects a bad ticket whole and a bad sub-item alone, naming row and field', async () => {
    const bad = [
      { id: 1, date: '10/02/2026 09:00', status: 1 },
      { id: 2, date: '2026-02-10 09:00:00', status: 2, ITILFollowup: [{ id: 9, users_id: 4 }] },
      { id: 3, date: '2026-02-10 09:00:00', status: 9 },
    ];
    const { events, rejections } = await collect(readGlpi(pieces(JSON.stringify(bad)), PARIS));
    expect(rejections).toEqual([
      {
        row: 1,
        field: 'date',
        message: '"10/02/2026 09:00" is not a yyyy-mm-dd HH:MM:SS timestamp',
      },
      { row: 2, field: '/ITILFollowup/0/date', message: 'is missing' },
      { row: 3, field: 'status', message: 'must be 1 … 6' },
    ]);
    expect(events.map((e) => e.id)).toEqual(['glpi:2:created']);
    const noZone = await collect(readGlpi(pieces(TEXT), {}));
    expect(noZone.rejections[0]).toEqual({
      row: 1,
      field: 'date',
      message:
        '"2026-02-10 09:12:00" has no UTC offset: pass the help desk\'s time zone (--timezone)',
    });
  });
});
