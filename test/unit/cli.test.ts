/**
 * The command line's help and its answers to mistakes (issue 11, a newcomer's first start): help
 * on --help, -h, help and `<command> --help`; one sentence and exit 2 for a usage mistake or a bad
 * setting, exit 1 for a failure such as an unknown tenant — never a stack trace or a raw
 * PostgreSQL error. Most cases call runCli in this process; two spawn the real entry points to
 * see what a user sees (stderr, exit status), one of them through a symlink as npm links a bin.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { usage } from '../../src/cli/usage.js';
import { describeFailure, ExplainedError, UsageError } from '../../src/failure.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NO_TENANT = '00000000-0000-0000-0000-000000000000';

let scratch: string;
let database: TestDatabase | undefined;
/** The test database for commands that reach one: its URL on a server, else a data directory. */
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'dm-cli-'));
  if (inject('testDatabase').mode !== 'pglite') database = await createTestDatabase();
  env = database?.url
    ? { DATABASE_URL: database.url }
    : { DESKMETRICS_DATA_DIR: path.join(scratch, 'data') };
});
afterAll(async () => {
  await database?.close();
  await rm(scratch, { recursive: true, force: true });
});

async function printed(argv: string[]): Promise<{ status: number | undefined; out: string }> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const status = await runCli(argv, env);
    return { status, out: log.mock.calls.map((c) => c.join(' ')).join('\n') };
  } finally {
    log.mockRestore();
  }
}

async function mistake(argv: string[], environment = env) {
  const error = await runCli(argv, environment).then(
    () => expect.unreachable(`${argv.join(' ')} succeeded`),
    (e: unknown) => e,
  );
  return { error, ...describeFailure(error) };
}

describe('deskmetrics help', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints every command', async (word) => {
    const { status, out } = await printed([word]);
    expect(status).toBe(0);
    expect(out).toBe(usage());
    for (const command of ['serve', 'migrate', 'tenants create', 'keys create', 'verify']) {
      expect(out).toContain(`  ${command}`);
    }
  });

  it.each([[['keys', '--help']], [['keys', 'create', '--tenant', 'x', '-h']], [['help', 'keys']]])(
    '%j prints the command’s usage',
    async (argv) => {
      const { status, out } = await printed(argv);
      expect(status).toBe(0);
      expect(out).toContain('keys revoke <key_id>');
      expect(out).not.toContain('tenants create');
    },
  );
});

describe('deskmetrics mistakes', () => {
  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['--version'], 'unknown option --version'],
    [['rebuild', '--bogus'], 'unknown option --bogus'],
    [['rebuild', 'everything'], 'unexpected argument "everything"'],
    [['keys', 'create', '--tenant'], '--tenant needs a value'],
    [['keys'], 'keys needs an action: create, list or revoke'],
    [['tenants', 'create'], 'tenants create needs a name'],
    [['keys', 'create', '--tenant', NO_TENANT], '--scopes is required (a comma-separated list)'],
    [
      ['keys', 'create', '--tenant', 'not-a-uuid', '--scopes', 'admin'],
      '--tenant takes a tenant id (a UUID; "deskmetrics tenants list" shows them), got "not-a-uuid"',
    ],
    [
      ['rebuild', '--tenant', 'nope'],
      '--tenant takes a tenant id (a UUID; "deskmetrics tenants list" shows them), got "nope"',
    ],
  ])('%j is a usage mistake: exit 2', async (argv, sentence) => {
    const { error, text, exitCode } = await mistake(argv);
    expect(error).toBeInstanceOf(UsageError);
    expect({ text, exitCode }).toEqual({ text: sentence, exitCode: 2 });
  });

  it('a bad setting is a usage mistake too', async () => {
    const { text, exitCode } = await mistake(['migrate'], { ...env, PORT: 'abc' });
    expect({ text, exitCode }).toEqual({
      text: 'PORT must be an integer 0–65535, got "abc"',
      exitCode: 2,
    });
  });

  it('an unknown tenant is a failure explained in one sentence: exit 1', async () => {
    const { error, text, exitCode } = await mistake([
      'keys',
      'create',
      '--tenant',
      NO_TENANT,
      '--scopes',
      'admin',
    ]);
    expect(error).toBeInstanceOf(ExplainedError);
    expect({ text, exitCode }).toEqual({
      text: `there is no tenant ${NO_TENANT} ("deskmetrics tenants list" shows them)`,
      exitCode: 1,
    });
    expect((await mistake(['verify', '--tenant', NO_TENANT])).text).toContain('no tenant');
    expect((await mistake(['keys', 'revoke', 'nokey'])).text).toBe(
      'there is no active key nokey ("deskmetrics keys list" shows them)',
    );
  });

  it('an unexpected error is its message and a hint; LOG_LEVEL=debug shows the stack', () => {
    const error = new Error('boom');
    expect(describeFailure(error)).toEqual({
      text: 'boom (LOG_LEVEL=debug shows where)',
      exitCode: 1,
    });
    expect(describeFailure(error, 'debug').text).toBe(error.stack);
  });

  it('explains a port in use and an unreachable DATABASE_URL', () => {
    const inUse = Object.assign(new Error('listen EADDRINUSE'), {
      code: 'EADDRINUSE',
      syscall: 'listen',
      address: '127.0.0.1',
      port: 3000,
    });
    expect(describeFailure(inUse).text).toBe(
      '127.0.0.1:3000 is already in use (another deskmetrics?); set PORT to another port',
    );
    const refused = Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' });
    expect(describeFailure(refused).text).toBe(
      'cannot reach the PostgreSQL server of DATABASE_URL (ECONNREFUSED)',
    );
  });
});

describe('what a user sees', () => {
  const run = (args: string[], extraEnv: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, ...extraEnv },
      encoding: 'utf8',
    });

  it('the CLI, started through a symlink, answers a mistake with one sentence and exit 2', async () => {
    const linked = path.join(scratch, 'deskmetrics');
    await symlink(path.join(ROOT, 'src/cli/index.ts'), linked);
    const result = run([linked, 'rebuild', '--tenant', 'nope']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(
      'deskmetrics: --tenant takes a tenant id (a UUID; "deskmetrics tenants list" shows them), got "nope"',
    );
    expect(result.stderr).toContain('rebuild [--tenant <id>]');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('the service with a bad setting prints one sentence and exits 2', () => {
    const result = run(['src/main.ts'], { DESKMETRICS_NDJSON_BATCH: '0' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'deskmetrics failed to start: DESKMETRICS_NDJSON_BATCH must be an integer 1–100000, got "0"\n',
    );
  });
});
