/**
 * Ingest writes derived rows as COPY lines built straight from the derived ticket. They must be
 * exactly the COPY text of the row objects (`clockJson`, `contactJson`, `segmentJson`) in the
 * tables' column order — what `verify` compares and the upsert path writes — including nulls,
 * fractional seconds and ids that need escaping.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ticketContributions } from '../../../src/core/aggregate/index.js';
import { deriveTicket } from '../../../src/core/ticket/derive.js';
import { foldTicket } from '../../../src/core/ticket/fold.js';
import {
  clockJson,
  clockLines,
  contactJson,
  contactLines,
  DERIVED_COLUMNS,
  DERIVED_TABLES,
  segmentJson,
  segmentLines,
  TICKET_COPY_COLUMNS,
  ticketCopyLine,
  ticketJson,
  type TicketWrite,
} from '../../../src/storage/derived-rows.js';
import { GEN_POLICIES, ticketStreams } from '../../factories/arbitraries.js';
import { foldContext } from '../../factories/context.js';

const ctx = foldContext(GEN_POLICIES);

/** The reference: COPY text format written field by field from the row object. */
function referenceLine(row: Record<string, unknown>, columns: readonly string[]): string {
  const escape = (v: string) =>
    v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return columns
    .map((name) => {
      const v = row[name];
      if (v === null || v === undefined) return '\\N';
      if (typeof v === 'string') return escape(v);
      if (typeof v === 'number') return String(v);
      if (typeof v === 'boolean') return v ? 't' : 'f';
      return escape(JSON.stringify(v));
    })
    .join('\t');
}

describe('derived rows as COPY lines', () => {
  it('equal the COPY text of the row objects', () => {
    const written = { sla_clock: 0, contact: 0, backlog_segment: 0 };
    const ids = fc.constantFrom('T1', 'tab\there', 'back\\slash', 'new\nline', 'ünï');
    fc.assert(
      fc.property(ticketStreams(1, 16), ids, ([events], ticketId) => {
        const state = foldTicket(events!, ctx);
        const write = {
          ticketId,
          state,
          derived: deriveTicket(state, ctx),
          contributions: [],
          configRevision: 1,
        } as TicketWrite;
        const cases = [
          [clockLines, clockJson, 'sla_clock'],
          [contactLines, contactJson, 'contact'],
          [segmentLines, segmentJson, 'backlog_segment'],
        ] as const;
        for (const [lines, rows, table] of cases) {
          const expected = rows(write).map((r) => referenceLine(r, DERIVED_COLUMNS[table]));
          expect(lines(write)).toEqual(expected);
          written[table] += expected.length;
        }
      }),
      { numRuns: 400 },
    );
    // The generated tickets have rows of every table (the comparison is not vacuous).
    for (const n of Object.values(written)) expect(n).toBeGreaterThan(10);
  });

  it('the values the upsert sends equal the row objects in column order', () => {
    let rows = 0;
    fc.assert(
      fc.property(ticketStreams(1, 16), ([events]) => {
        const state = foldTicket(events!, ctx);
        const write = {
          ticketId: 'T1',
          state,
          derived: deriveTicket(state, ctx),
          contributions: [],
          configRevision: 1,
        } as TicketWrite;
        for (const spec of DERIVED_TABLES) {
          const expected = spec
            .rows(write)
            .map((r) => spec.columns.map(([name]) => r[name] ?? null));
          expect(spec.values(write)).toEqual(expected);
          rows += expected.length;
        }
      }),
      { numRuns: 200 },
    );
    expect(rows).toBeGreaterThan(30);
  });

  it("a new ticket's row equals the COPY text of its row object", () => {
    const ids = fc.constantFrom('T1', 'tab\there', 'back\\slash', 'new\nline', 'ünï');
    fc.assert(
      fc.property(ticketStreams(1, 16), ids, ([events], ticketId) => {
        const state = foldTicket(events!, ctx);
        const derived = deriveTicket(state, ctx);
        const write = {
          ticketId,
          state,
          derived,
          contributions: ticketContributions(derived),
          configRevision: 7,
        } as TicketWrite;
        const row = { ...ticketJson(write), rev: '12345' };
        expect(ticketCopyLine(write, '12345')).toBe(referenceLine(row, TICKET_COPY_COLUMNS));
      }),
      { numRuns: 300 },
    );
  });
});
