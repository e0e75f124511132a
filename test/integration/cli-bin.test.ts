/**
 * Regression (issue 11): `deskmetrics <command>` through the package's bin failed — the built
 * dist/cli/index.js had no shebang, and the entry point must be recognised when it is run through
 * a symlink (node_modules/.bin, npm link). Runs the build when dist/ is stale (as `npm start`
 * does), then the bin through a symlink, as a program of its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let scratch: string | undefined;
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the deskmetrics bin', () => {
  it('runs through a symlink in node_modules/.bin', { timeout: 180_000 }, async () => {
    const build = spawnSync(process.execPath, ['scripts/build.js', '--if-stale'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    scratch = await mkdtemp(path.join(tmpdir(), 'dm-bin-'));
    const bin = path.join(scratch, 'node_modules', '.bin');
    await mkdir(bin, { recursive: true });
    await symlink(path.join(ROOT, 'dist/cli/index.js'), path.join(bin, 'deskmetrics'));
    const run = spawnSync(path.join(bin, 'deskmetrics'), ['--help'], {
      cwd: scratch,
      env: {
        ...process.env,
        PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
      },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^usage: deskmetrics <command>/);
  });
});
