/**
 * Regression (issue 11): `deskmetrics tenants list` on the embedded database while the service
 * ran aborted with a WebAssembly error. Now whoever opens a data directory holds its lock
 * (`deskmetrics.pid`): a second process is refused with one sentence naming the holder's pid
 * (exit 1), the lock goes on close, and a holder that died (kill -9) leaves a stale lock that the
 * next process takes over.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DataDirInUseError,
  LOCK_FILE,
  lockDataDir,
  type LockOwner,
} from '../../src/storage/data-dir-lock.js';
import { killHard, startServer } from '../support/server-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'dm-lock-'));
});
afterAll(async () => rm(scratch, { recursive: true, force: true }));

const running =
  (pids: number[]): ((pid: number) => boolean) =>
  (pid) =>
    pids.includes(pid);
const owner = (pid: number, alive: number[] = []): LockOwner => ({
  pid,
  isRunning: running([pid, ...alive]),
});

describe('lockDataDir', () => {
  it('refuses a second process while the first holds the directory, until it releases', async () => {
    const dir = await mkdtemp(path.join(scratch, 'dir-'));
    const release = await lockDataDir(dir, owner(101));
    expect(await readFile(path.join(dir, LOCK_FILE), 'utf8')).toBe('101\n');
    const refused = await lockDataDir(dir, owner(202, [101])).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect((refused as Error).message).toBe(
      `the embedded database in ${dir} is in use by a running deskmetrics (pid 101); stop it, or set DATABASE_URL to use a PostgreSQL server`,
    );
    await release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    await (
      await lockDataDir(dir, owner(202))
    )();
  });

  it.each([
    ['a process that no longer runs', '999999\n'],
    ['this very pid (a restarted container)', '303\n'],
    ['nothing readable', ''],
  ])('takes over a lock left by %s', async (_what, content) => {
    const dir = await mkdtemp(path.join(scratch, 'dir-'));
    await writeFile(path.join(dir, LOCK_FILE), content);
    const release = await lockDataDir(dir, owner(303));
    expect(await readFile(path.join(dir, LOCK_FILE), 'utf8')).toBe('303\n');
    await release();
  });

  it('leaves a lock another process took over from it', async () => {
    const dir = await mkdtemp(path.join(scratch, 'dir-'));
    const release = await lockDataDir(dir, owner(404));
    await writeFile(path.join(dir, LOCK_FILE), '505\n');
    await release();
    expect(await readFile(path.join(dir, LOCK_FILE), 'utf8')).toBe('505\n');
  });
});

describe('the service and the CLI on one embedded data directory', () => {
  const cli = (dir: string, ...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: '', DESKMETRICS_DATA_DIR: dir, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });

  it('refuses the CLI with one sentence while the service runs, and not after it died', async () => {
    const dir = path.join(scratch, 'served');
    const server = await startServer({
      DATABASE_URL: '',
      DESKMETRICS_DATA_DIR: dir,
      DESKMETRICS_BOOTSTRAP_KEY: 'lock-test-admin-key-0123456789',
    });
    try {
      const inUse = `the embedded database in ${dir} is in use by a running deskmetrics (pid ${server.child.pid}); stop it, or set DATABASE_URL to use a PostgreSQL server`;
      const refused = cli(dir, 'tenants', 'list');
      expect({ status: refused.status, stderr: refused.stderr }).toEqual({
        status: 1,
        stderr: `deskmetrics: ${inUse}\n`,
      });
      const second = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: '', DESKMETRICS_DATA_DIR: dir, PORT: '0' },
        encoding: 'utf8',
      });
      expect({ status: second.status, stderr: second.stderr }).toEqual({
        status: 1,
        stderr: `deskmetrics failed to start: ${inUse}\n`,
      });
    } finally {
      await killHard(server);
    }
    // kill -9 left the lock behind; its pid no longer runs.
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(true);
    const listed = cli(dir, 'tenants', 'list');
    expect(listed.stderr).toBe('');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/^[0-9a-f-]{36}\tdefault\tUTC\n$/);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });
});
