/**
 * dueWork applies autovacuum's rules (autovacuum.c, relation_needs_vacanalyze) with the server's
 * settings: vacuum past `threshold + scale × reltuples` dead rows or inserted rows, analyze past
 * its own threshold of changed rows, a never-analyzed table (reltuples -1) counted as empty.
 */
import { describe, expect, it } from 'vitest';
import {
  dueWork,
  type MaintenanceSettings,
  type TableActivity,
} from '../../../src/storage/table-maintenance.repository.js';

/** PostgreSQL 15's defaults. */
const DEFAULTS: MaintenanceSettings = {
  autovacuum: false,
  vacuumThreshold: 50,
  vacuumScale: 0.2,
  insertThreshold: 1000,
  insertScale: 0.2,
  analyzeThreshold: 50,
  analyzeScale: 0.1,
  costDelayMs: 2,
  naptimeSeconds: 60,
};

const table = (t: Partial<TableActivity>): TableActivity => ({
  table: 't',
  reltuples: 10_000,
  dead: 0,
  modified: 0,
  inserted: 0,
  ...t,
});

describe('dueWork', () => {
  it.each<[string, Partial<TableActivity>, string | null]>([
    // 10,000 rows: vacuum past 2,050 dead or 3,000 inserted, analyze past 1,050 changed.
    ['nothing changed', {}, null],
    ['dead rows at the threshold', { dead: 2050 }, null],
    ['dead rows past it', { dead: 2051 }, 'vacuum'],
    ['changes at the analyze threshold', { modified: 1050 }, null],
    ['changes past it', { modified: 1051 }, 'analyze'],
    ['inserts at the insert threshold', { inserted: 3000 }, null],
    ['inserts past it', { inserted: 3001 }, 'vacuum'],
    ['dead rows and changes past both', { dead: 2051, modified: 2051 }, 'vacuum analyze'],
    ['inserts and changes past both', { inserted: 3001, modified: 3001 }, 'vacuum analyze'],
    // Never analyzed: counted as empty, so 51 changed rows are enough (the planner's guesses
    // for such a table are what made the soak's deletes scan a tenant's every row).
    ['never analyzed, 51 changes', { reltuples: -1, modified: 51 }, 'analyze'],
    ['never analyzed, 50 changes', { reltuples: -1, modified: 50 }, null],
    [
      'never vacuumed, 1,001 inserts',
      { reltuples: -1, inserted: 1001, modified: 1001 },
      'vacuum analyze',
    ],
    ['empty table, 51 dead rows', { reltuples: 0, dead: 51 }, 'vacuum'],
  ])('%s', (_, activity, work) => {
    // The boundary: autovacuum acts on `count > threshold`, not `>=`.
    const due = dueWork([table(activity)], DEFAULTS);
    expect(due.map((d) => d.work)).toEqual(work === null ? [] : [work]);
  });

  it("follows the server's own settings", () => {
    const strict = { ...DEFAULTS, vacuumScale: 0.01, analyzeScale: 0.01 };
    expect(dueWork([table({ dead: 200 })], DEFAULTS)).toEqual([]);
    expect(dueWork([table({ dead: 200 })], strict).map((d) => d.work)).toEqual(['vacuum']);
    expect(dueWork([table({ modified: 200 })], strict).map((d) => d.work)).toEqual(['analyze']);
  });

  it('orders the most urgent first, by how far each is past its threshold', () => {
    const due = dueWork(
      [
        table({ table: 'a', modified: 2100 }), // 2× its analyze threshold
        table({ table: 'b', dead: 20_500 }), // 10× its vacuum threshold
        table({ table: 'c' }),
        table({ table: 'd', reltuples: -1, modified: 510 }), // 10.2×
        table({ table: 'e', inserted: 6000 }), // 2× its insert threshold
      ],
      DEFAULTS,
    );
    expect(due.map((d) => d.table)).toEqual(['d', 'b', 'a', 'e']);
    expect(due[0]!.urgency).toBeCloseTo(10.2);
    expect(due.every((d) => d.urgency > 1)).toBe(true);
  });
});
