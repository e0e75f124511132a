/**
 * A tenant's cubes answer only at the exact data version the database reports: commits apply in
 * version order whatever order they arrive in, a commit overlapping what the cube holds breaks it
 * (reload), and the registry sends reads to SQL — and (re)loads — whenever the cube is not current.
 */
import { describe, expect, it } from 'vitest';
import { BUCKET_MS, type Contribution } from '../../../src/core/aggregate/index.js';
import { CubeRegistry } from '../../../src/reporting/kpis/cube/registry.js';
import {
  TenantCube,
  type CubeKind,
  type CubeSnapshot,
} from '../../../src/reporting/kpis/cube/tenant-cube.js';
import type { GroupedQuery } from '../../../src/storage/kpi.repository.js';

const T0 = Date.UTC(2026, 0, 5);
const dims = {
  team: 'L1',
  agent: null,
  priority: 'high',
  channel: null,
  category: null,
  policy: 'p',
};

function volume(created: number, bucket = T0): Contribution {
  return { kind: 'volume', bucket, dims, measures: { created, solved: 0, reopens: 0, deleted: 0 } };
}

const q: GroupedQuery = {
  from: T0,
  to: T0 + 96 * BUCKET_MS,
  periodStarts: null,
  groupBy: ['team'],
  filters: [],
};

const created = (cube: TenantCube) => cube.answer('volume', q)[0]?.sums.created ?? 0;

function snapshot(version: string, rows: Contribution[]): CubeSnapshot {
  return {
    version,
    async *rows(kind: CubeKind) {
      yield rows.filter((r) => r.kind === kind);
    },
  };
}

describe('TenantCube', () => {
  it('applies commits in data version order, whatever order they arrive in', async () => {
    const cube = new TenantCube('10', ['volume']);
    cube.commit('13', '13', [volume(100)]);
    cube.commit('11', '12', [volume(10)]); // a transaction that bumped the version twice
    expect(cube.isAt('10')).toBe(false); // not loaded yet
    await cube.fill(snapshot('10', [volume(1)]));
    expect(cube.isAt('13')).toBe(true);
    expect(created(cube)).toBe(111);
    expect(cube.rows('volume', q)).toEqual([
      {
        period: 0,
        keys: { team: 'L1' },
        sums: { created: 111, solved: 0, reopens: 0, deleted: 0 },
      },
    ]);
    cube.commit('15', '15', [volume(1000)]);
    expect(cube.isAt('15')).toBe(false);
    expect(cube.version).toBe('13');
    cube.commit('14', '14', []); // a compaction: no sums change
    expect(cube.isAt('15')).toBe(true);
    expect(created(cube)).toBe(1111);
  });

  it('ignores commits its snapshot holds and breaks on one that overlaps it', async () => {
    const cube = new TenantCube('5', ['volume']);
    await cube.fill(snapshot('5', [volume(1)]));
    cube.commit('4', '5', [volume(7)]);
    expect(cube.isAt('5')).toBe(true);
    expect(created(cube)).toBe(1);
    cube.commit('5', '6', [volume(7)]);
    expect(cube.isBroken).toBe(true);
    expect(cube.isAt('5')).toBe(false);
  });

  it('withdrawals cancel: a group whose sums reach zero is left out', async () => {
    const cube = new TenantCube('0', ['volume']);
    await cube.fill(snapshot('0', [volume(3), volume(2, T0 + BUCKET_MS)]));
    cube.commit('1', '1', [volume(-3), volume(-2, T0 + BUCKET_MS)]);
    expect(cube.answer('volume', q)).toEqual([]);
  });
});

describe('CubeRegistry', () => {
  function setup() {
    let clock = 0;
    const loads: string[] = [];
    let release: () => void = () => undefined;
    const ledger: Contribution[] = [volume(1)];
    let dbVersion = '3';
    const registry = new CubeRegistry({
      kinds: ['volume'],
      now: () => clock,
      staleMs: 1000,
      load: async (tenant) => {
        loads.push(tenant);
        const snap = snapshot(dbVersion, [...ledger]);
        await new Promise<void>((resolve) => (release = resolve));
        return snap;
      },
    });
    return {
      registry,
      loads,
      ledger,
      release: () => release(),
      tick: (ms: number) => (clock += ms),
      setVersion: (v: string) => (dbVersion = v),
    };
  }

  it('sends reads to SQL until the cube is loaded, keeping the commits made meanwhile', async () => {
    const s = setup();
    expect(s.registry.current('t', '3')).toBeUndefined();
    expect(s.loads).toEqual(['t']);
    const loading = s.registry.reload('t');
    s.release(); // the snapshot is taken at version 3
    await Promise.resolve();
    s.registry.commit('t', '4', '4', [volume(5)]);
    await loading;
    const cube = s.registry.current('t', '4')!;
    expect(created(cube)).toBe(6);
    // A read that saw version 3 is answered by the cube at 4, which says so.
    expect(s.registry.current('t', '3')).toBe(cube);
    expect(cube.version).toBe('4');
    expect(s.loads).toEqual(['t']);
  });

  async function loaded(options: { catchUpMs?: number } = {}) {
    let clock = 0;
    const registry = new CubeRegistry({
      kinds: ['volume'],
      now: () => clock,
      staleMs: 1000,
      ...options,
      load: () => Promise.resolve(snapshot('3', [volume(1)])),
    });
    await registry.reload('t');
    return { registry, tick: (ms: number) => (clock += ms) };
  }

  it('a read that saw a commit not reported yet waits for it rather than going to SQL', async () => {
    const { registry } = await loaded();
    registry.commit('t', '4', '4', [volume(2)]); // this process writes the tenant
    const read = registry.at('t', '5'); // the read saw commit 5, whose report is on its way
    let answered = false;
    void read.then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(answered).toBe(false);
    registry.commit('t', '6', '6', [volume(4)]); // out of order: 6 waits for 5
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(answered).toBe(false);
    registry.commit('t', '5', '5', [volume(8)]);
    const cube = await read;
    expect(cube?.version).toBe('6');
    expect(created(cube!)).toBe(15);
  });

  it('waits at most catchUpMs, and not at all for a writer that does not report', async () => {
    const { registry, tick } = await loaded({ catchUpMs: 30 });
    registry.commit('t', '4', '4', [volume(2)]);
    const started = Date.now();
    expect(await registry.at('t', '5')).toBeUndefined(); // commit 5 never reported
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    // No commit reported within staleMs: the cube is behind another writer; no wait.
    tick(1000);
    const again = Date.now();
    expect(await registry.at('t', '5')).toBeUndefined();
    expect(Date.now() - again).toBeLessThan(25);
  });

  it('a reload or invalidation ends the wait: the read goes to SQL at once', async () => {
    const { registry } = await loaded({ catchUpMs: 10_000 });
    registry.commit('t', '4', '4', [volume(2)]);
    const started = Date.now();
    const read = registry.at('t', '5');
    registry.invalidate('t');
    expect(await read).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reloads a cube left behind for longer than staleMs, at most every minReloadMs', async () => {
    const s = setup();
    s.registry.current('t', '3');
    s.release();
    await s.registry.reload('t');
    expect(s.registry.current('t', '3')).toBeDefined();
    // Another process wrote version 4: no commit arrives here.
    s.ledger.push(volume(10));
    s.setVersion('4');
    expect(s.registry.current('t', '4')).toBeUndefined();
    s.tick(999);
    expect(s.registry.current('t', '4')).toBeUndefined();
    expect(s.loads).toEqual(['t']);
    s.tick(1);
    expect(s.registry.current('t', '4')).toBeUndefined();
    expect(s.loads).toEqual(['t']); // stale, but loaded less than 30 s ago
    s.tick(29_000);
    expect(s.registry.current('t', '4')).toBeUndefined();
    expect(s.loads).toEqual(['t', 't']);
    s.release();
    await s.registry.reload('t');
    expect(created(s.registry.current('t', '4')!)).toBe(11);
  });

  it('keeps a tenant whose cube exceeds maxBytes on SQL, and always closes the snapshot', async () => {
    const errors: unknown[] = [];
    let closed = 0;
    const registry = new CubeRegistry({
      kinds: ['volume'],
      maxBytes: 10,
      load: () =>
        Promise.resolve({ ...snapshot('1', [volume(1)]), close: async () => void closed++ }),
      onError: (e) => errors.push(e),
    });
    await registry.reload('t');
    expect(closed).toBe(1);
    expect(errors).toHaveLength(1);
    expect(registry.current('t', '1')).toBeUndefined();
    await registry.reload('t'); // only on request; reads no longer start loads
    expect(registry.current('t', '1')).toBeUndefined();
    expect(closed).toBe(2);
  });

  it('reports a failed load and tries again on a later read', async () => {
    const errors: unknown[] = [];
    const registry = new CubeRegistry({
      kinds: ['volume'],
      load: () => Promise.reject(new Error('no database')),
      onError: (e) => errors.push(e),
    });
    await registry.reload('t');
    expect(errors).toHaveLength(1);
    expect(registry.current('t', '1')).toBeUndefined();
    await registry.reload('t');
    expect(errors).toHaveLength(2);
  });
});

describe('TenantCube with a horizon', () => {
  const DAY = 86_400_000;
  const day = (n: number) => T0 + n * DAY;
  const on = (n: number, created = 1) => volume(created, day(n));
  const sumFrom = (cube: TenantCube, from: number) =>
    cube.answer('volume', { ...q, from, to: day(6000) })[0]?.sums.created ?? 0;

  it('holds the last days of the data and moves in steps of a sixteenth', async () => {
    const cube = new TenantCube('1', ['volume'], { horizonDays: 32, now: () => day(1000) });
    await cube.fill(snapshot('1', [on(0, 1), on(10, 10), on(40, 100)]));
    // The latest day is 40: the horizon is day 8.
    expect(cube.horizon).toBe(day(8));
    expect([cube.holds(day(8)), cube.holds(day(8) - 1)]).toEqual([true, false]);
    expect(sumFrom(cube, day(8))).toBe(110);
    // Day 41: less than a step (2 days) past — the horizon stays.
    cube.commit('2', '2', [on(41, 1000)]);
    expect(cube.horizon).toBe(day(8));
    // Day 45: the horizon moves to day 13; day 10 is forgotten, and rows before 13 are dropped.
    cube.commit('3', '3', [on(45, 10_000), on(11, 7)]);
    expect(cube.horizon).toBe(day(13));
    expect(sumFrom(cube, day(13))).toBe(11_100);
    expect(cube.cubes.get('volume')!.parts.has(10)).toBe(false);
    expect(cube.isAt('3')).toBe(true);
  });

  it('is capped at tomorrow by the clock: a far-future event does not empty it', async () => {
    const cube = new TenantCube('1', ['volume'], { horizonDays: 30, now: () => day(50) });
    await cube.fill(snapshot('1', [on(30, 1), on(5000, 5)]));
    expect(cube.horizon).toBe(day(21));
    expect(sumFrom(cube, day(21))).toBe(6);
  });

  it('starts at what its loader read, and drops later commits before it', async () => {
    const cube = new TenantCube('1', ['volume'], { horizonDays: 30, now: () => day(1000) });
    // The loader read from day 20 (its latest bucket, 50, less 30 days).
    await cube.fill({ ...snapshot('1', [on(25, 1), on(50, 2)]), since: day(20) });
    expect(cube.horizon).toBe(day(20));
    cube.commit('2', '2', [on(19, 100), on(20, 10)]);
    expect(sumFrom(cube, day(20))).toBe(13);
    expect(cube.cubes.get('volume')!.parts.has(19)).toBe(false);
  });

  it('holds everything without one', async () => {
    const cube = new TenantCube('1', ['volume'], { now: () => day(1000) });
    await cube.fill(snapshot('1', [on(0, 1), on(900, 2)]));
    expect(cube.horizon).toBe(-Infinity);
    expect(cube.holds(-8.64e15)).toBe(true);
  });
});
