/**
 * `deskmetrics demo` end to end at a small size (startDemo, on its own embedded PGlite data
 * directory whatever TEST_DATABASE_URL says): the first run loads and serves over real HTTP with
 * a read-only key; a second run reuses the data and prints the same key; data from another
 * generator version, or a revoked key, is replaced; an interrupted load leaves no state; the data
 * directory holds nothing else.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDemo, type DemoOptions, type RunningDemo } from '../../src/cli/demo-service.js';
import { runCli } from '../../src/cli/index.js';
import { readDemoState, STATE_FILE } from '../../src/cli/demo-state.js';
import { loadConfig } from '../../src/config.js';
import { DemoLoadAborted } from '../../src/demo/demo-load.js';
import { DEMO_GENERATOR_VERSION } from '../../src/demo/demo-profile.js';
import { keyIdOf } from '../../src/storage/tenant.repository.js';

const NOW = Date.UTC(2026, 11, 3, 10, 17, 23, 456);

let scratch: string;
let dataDir: string;
const lines: string[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'dm-demo-'));
  dataDir = path.join(scratch, 'demo');
});
afterAll(async () => rm(scratch, { recursive: true, force: true }));

function options(overrides: Partial<DemoOptions> = {}): DemoOptions {
  return {
    dataDir,
    host: '127.0.0.1',
    port: 0,
    fresh: false,
    tickets: 120,
    seed: 3,
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    now: () => NOW,
    log: (line) => lines.push(line),
    ...overrides,
  };
}

async function withDemo<T>(demo: RunningDemo, work: (demo: RunningDemo) => Promise<T>) {
  try {
    return await work(demo);
  } finally {
    await demo.close();
  }
}

async function backlogTotal(demo: RunningDemo, key = demo.key): Promise<number> {
  const res = await fetch(`${demo.baseUrl}/v1/kpis/backlog`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { rows: Array<{ total: number }> }).rows[0]!.total;
}

describe('deskmetrics demo', () => {
  let firstKey: string;
  let firstTotal: number;

  it('loads on the first run and serves with a reports:read key that cannot write', async () => {
    await withDemo(await startDemo(options()), async (demo) => {
      expect(demo.reused).toBe(false);
      expect(demo.state).toMatchObject({
        generator: DEMO_GENERATOR_VERSION,
        tickets: 120,
        seed: 3,
      });
      expect(demo.state.generated_at).toBe(new Date(NOW).toISOString());
      firstKey = demo.key;
      firstTotal = await backlogTotal(demo);
      expect(firstTotal).toBeGreaterThan(0);
      const write = await fetch(`${demo.baseUrl}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${demo.key}`, 'content-type': 'application/json' },
        body: '[]',
      });
      expect(write.status).toBe(403);
    });
    expect(lines).toContain('generating the demo help desk (first run)');
    expect((await readdir(dataDir)).sort()).toEqual(['db', STATE_FILE]);
  });

  it('reuses the data on a second run, with the same key', async () => {
    lines.length = 0;
    await withDemo(await startDemo(options()), async (demo) => {
      expect(demo.reused).toBe(true);
      expect(demo.key).toBe(firstKey);
      expect(await backlogTotal(demo)).toBe(firstTotal);
    });
    expect(lines).toEqual([]);
  });

  it('gives a new key when the kept one was revoked', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const env = { DESKMETRICS_DATA_DIR: path.join(dataDir, 'db') };
      expect(await runCli(['keys', 'revoke', keyIdOf(firstKey)], env)).toBe(0);
    } finally {
      log.mockRestore();
    }
    await withDemo(await startDemo(options()), async (demo) => {
      expect(demo.reused).toBe(true);
      expect(demo.key).not.toBe(firstKey);
      expect(await backlogTotal(demo)).toBe(firstTotal);
      expect((await readDemoState(dataDir))?.key).toBe(demo.key);
    });
  });

  it('generates again for data of another generator version, or when asked', async () => {
    const file = path.join(dataDir, STATE_FILE);
    const state = JSON.parse(await readFile(file, 'utf8')) as { generator: number };
    await writeFile(file, JSON.stringify({ ...state, generator: DEMO_GENERATOR_VERSION - 1 }));
    lines.length = 0;
    await withDemo(await startDemo(options()), async (demo) => {
      expect(demo.reused).toBe(false);
      expect(await backlogTotal(demo)).toBe(firstTotal);
    });
    expect(lines[0]).toMatch(/^generating the demo help desk \(its data is from generator version/);
    lines.length = 0;
    await withDemo(await startDemo(options({ fresh: true, tickets: 80 })), async (demo) => {
      expect(demo.reused).toBe(false);
      expect(demo.state.tickets).toBe(80);
    });
    expect(lines).toEqual(['generating the demo help desk (--fresh)']);
  });

  it('stops an interrupted load without keeping its state; the next run loads again', async () => {
    const other = path.join(scratch, 'interrupted');
    const controller = new AbortController();
    controller.abort();
    const error = await startDemo(options({ dataDir: other, signal: controller.signal })).then(
      () => expect.unreachable('the demo started'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DemoLoadAborted);
    expect((await readdir(other)).sort()).toEqual(['db']);
    lines.length = 0;
    await withDemo(await startDemo(options({ dataDir: other })), async (demo) => {
      expect(demo.reused).toBe(false);
    });
    expect(lines).toEqual(['generating the demo help desk (the last load did not finish)']);
  });
});
