/**
 * `npm run fuzz -- --requests 20000 --seed 42`: the contract fuzzer (test/fuzz, docs/fuzzing.md)
 * on a fresh database — a new one on the server of TEST_DATABASE_URL or DATABASE_URL, else PGlite
 * in a temporary directory — with progress lines, a summary, and exit status 1 on any failure.
 */
import { parseArgs } from 'node:util';
import { createFuzzApp } from '../test/fuzz/fuzz-app.js';
import { formatFailure, formatSummary, runFuzz } from '../test/fuzz/openapi-fuzz.js';

const USAGE = `Usage: npm run fuzz -- [options]

Sends requests generated from openapi.yaml (valid ones and mutants) to an app on a fresh
database and checks every answer against the contract (docs/fuzzing.md).

Options:
  --requests N      how many requests (default 2000)
  --seed N          the seed, an integer (default: a random one, printed)
  --only I,J,...    send only these request indices of the seed's run (a replay)
  --batch N         requests between liveness checks, GET /healthz (default 100)
  --timeout MS      an answer slower than this is a failure (default 30000)
  --show N          print at most N failures in full (default 20)
  --progress S      seconds between progress lines (default 5)
  -h, --help        this text

The database: TEST_DATABASE_URL or DATABASE_URL (a new database is created on that server and
dropped at the end), else PGlite in a temporary directory.
Exit status: 0 without failures, 1 with any, 2 for a mistake in the arguments.`;

class UsageError extends Error {}

function integer(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  if (!/^-?\d+$/.test(text.trim()) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--${name} takes an integer of at least ${min}, got "${text}"`);
  }
  return Number(text);
}

function indices(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const list = text.split(',').map((part) => integer('only', part, 0, 0));
  return list.length > 0 ? list : undefined;
}

function options(args: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        requests: { type: 'string' },
        seed: { type: 'string' },
        only: { type: 'string' },
        batch: { type: 'string' },
        timeout: { type: 'string' },
        show: { type: 'string' },
        progress: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const about = /'([^']*)'/.exec(message)?.[1];
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${about}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(`${about?.split(' ')[0]} needs a value`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new UsageError(`unexpected argument "${about}"`);
    }
    throw new UsageError(message);
  }
  return {
    help: values.help === true,
    requests: integer('requests', values.requests, 2000, 1),
    seed: integer('seed', values.seed, Math.floor(Math.random() * 2 ** 31), 0),
    only: indices(values.only),
    batch: integer('batch', values.batch, 100, 1),
    timeout: integer('timeout', values.timeout, 30_000, 1),
    show: integer('show', values.show, 20, 0),
    progress: integer('progress', values.progress, 5, 1),
  };
}

async function main(args: string[]): Promise<number> {
  const opts = options(args);
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const target = await createFuzzApp();
  const total = opts.only?.length ?? opts.requests;
  console.log(`fuzzing with seed ${opts.seed}: ${total} requests, on ${target.label}`);
  try {
    const result = await runFuzz({
      target,
      seed: opts.seed,
      requests: opts.requests,
      ...(opts.only ? { only: opts.only } : {}),
      batchSize: opts.batch,
      timeoutMs: opts.timeout,
      drainLog: target.drainLog,
      progressEveryMs: opts.progress * 1000,
      onProgress: (p) => {
        const rate = p.done / (p.elapsedMs / 1000);
        console.log(
          `[${(p.elapsedMs / 1000).toFixed(0)} s] ${p.done}/${p.total} requests (${rate.toFixed(0)}/s), ${p.failures} failures`,
        );
      },
    });
    for (const failure of result.failures.slice(0, opts.show))
      console.log(`\n${formatFailure(failure)}`);
    if (result.failureCount > opts.show) {
      console.log(
        `\n… and ${result.failureCount - opts.show} more failures (--show N prints more)`,
      );
    }
    console.log(`\n${formatSummary(result)}`);
    return result.failureCount > 0 ? 1 : 0;
  } finally {
    await target.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`fuzz: ${error.message} (npm run fuzz -- --help lists the options)`);
      process.exit(2);
    }
    console.error(`fuzz: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
