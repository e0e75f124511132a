/**
 * When the compactor compacts, and what: the first compaction of a tenant in a process folds the
 * whole ledger, later ones the buckets from the earliest appended to since the last one started;
 * a failed one makes the next whole again.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Repository from '../../../src/storage/rollup.repository.js';

const calls = vi.hoisted(() => ({ list: [] as Array<{ since?: number }>, fail: false }));
vi.mock('../../../src/storage/rollup.repository.js', async (importOriginal) => ({
  ...(await importOriginal<typeof Repository>()),
  compactRollups: vi.fn(async (_db: unknown, _tenant: string, options: { since?: number } = {}) => {
    calls.list.push(options);
    if (calls.fail) throw new Error('the database went away');
    return { before: 10, after: 4, version: String(calls.list.length) };
  }),
}));

const { RollupCompactor } = await import('../../../src/ingest/rollup-compactor.js');

beforeEach(() => {
  calls.list = [];
  calls.fail = false;
});

describe('RollupCompactor', () => {
  it('folds the whole ledger first, then from the earliest bucket appended to since', async () => {
    const errors: unknown[] = [];
    const compactor = new RollupCompactor({} as never, 5, (e) => errors.push(e));
    compactor.appended('t', 3, 5000);
    expect(calls.list).toEqual([]);
    compactor.appended('t', 3, 9000);
    await compactor.idle();
    expect(calls.list).toEqual([{}]);
    // Due again at max(minRows, rows kept) = 5 rows appended.
    compactor.appended('t', 2, 7000);
    compactor.appended('t', 2, 3000);
    compactor.appended('t', 1, 8000);
    await compactor.idle();
    expect(calls.list).toEqual([{}, { since: 3000 }]);
    // A failed compaction: the next one folds everything again.
    calls.fail = true;
    compactor.appended('t', 5, 9000);
    await compactor.idle();
    calls.fail = false;
    compactor.appended('t', 5, 9500);
    await compactor.idle();
    expect(calls.list).toEqual([{}, { since: 3000 }, { since: 9000 }, {}]);
    expect(errors).toHaveLength(1);
  });

  it('keeps tenants apart, and never compacts with a threshold of 0', async () => {
    const compactor = new RollupCompactor({} as never, 2);
    compactor.appended('a', 2, 100);
    await compactor.idle();
    compactor.appended('b', 2, 50);
    await compactor.idle();
    compactor.appended('a', 4, 400);
    await compactor.idle();
    expect(calls.list).toEqual([{}, {}, { since: 400 }]);
    const never = new RollupCompactor({} as never, 0);
    never.appended('a', 1_000_000, 0);
    await never.idle();
    expect(calls.list).toHaveLength(3);
  });
});
