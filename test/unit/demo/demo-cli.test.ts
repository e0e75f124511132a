/**
 * `deskmetrics demo`'s answers to mistakes: one sentence, exit status 2, before any database is
 * opened; its help names the options.
 */
import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../src/cli/index.js';
import { describeFailure, UsageError } from '../../../src/failure.js';

describe('deskmetrics demo', () => {
  it('prints its usage on --help', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await runCli(['demo', '--help'], {})).toBe(0);
      const out = log.mock.calls.map((c) => c.join(' ')).join('\n');
      for (const option of ['--port', '--data-dir', '--fresh', '--tickets', '--seed']) {
        expect(out).toContain(option);
      }
    } finally {
      log.mockRestore();
    }
  });

  it.each([
    [['--port', 'abc'], '--port takes a whole number from 0 to 65,535, got "abc"'],
    [['--port', '70000'], '--port takes a whole number from 0 to 65,535, got "70000"'],
    [['--tickets', '0'], '--tickets takes a whole number from 1 to 1,000,000, got "0"'],
    [['--tickets', '2.5'], '--tickets takes a whole number from 1 to 1,000,000, got "2.5"'],
    [['--seed', '-1'], '--seed needs a value'],
    [['--data-dir', ' '], '--data-dir needs a directory'],
    [['--bogus'], 'unknown option --bogus'],
    [['now'], 'unexpected argument "now"'],
  ])('%j is a usage mistake: one sentence, exit 2', async (args, sentence) => {
    const error = await runCli(['demo', ...args], {}).then(
      () => expect.unreachable('the demo started'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(describeFailure(error)).toEqual({ text: sentence, exitCode: 2 });
  });
});
