#!/usr/bin/env node
/**
 * `deskmetrics <command>`: serve, migrate, tenants and API keys, rebuild, verify, compact,
 * doctor (what it runs on: Citus or not), reporting roles for BI tools, the demo, imports of help desks' history. Uses the same configuration (DATABASE_URL or the embedded data
 * directory) as the service. Help goes to stdout (exit 0); a mistake is one sentence on stderr
 * with the usage that applies (exit 2); a failure is one sentence (exit 1) — never a stack trace
 * unless LOG_LEVEL=debug.
 */
import { loadConfig, type Config, type LogLevel } from '../config.js';
import { UsageError } from '../failure.js';
import { exitWithFailure, isEntryPoint, serve } from '../main.js';
import { compact, keys, migrateCommand, rebuild, tenants, verify } from './commands.js';
import { demo } from './demo.js';
import { doctor } from './doctor.js';
import { importFromTerminal } from './import.js';
import { reportingRole } from './reporting-role.js';
import { isCommand, usage, usageHint, type Command } from './usage.js';

/** `--help` or `-h` before a `--` that ends the options. */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

async function run(command: Exclude<Command, 'help'>, config: Config, args: string[]) {
  switch (command) {
    case 'serve':
      if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}"`);
      await serve(config);
      return undefined;
    case 'migrate':
      return migrateCommand(config, args);
    case 'tenants':
      return tenants(config, args);
    case 'keys':
      return keys(config, args);
    case 'rebuild':
      return rebuild(config, args);
    case 'verify':
      return verify(config, args);
    case 'compact':
      return compact(config, args);
    case 'doctor':
      return doctor(config, args);
    case 'reporting-role':
      return reportingRole(config, args);
    case 'demo':
      return demo(config, args);
    case 'import':
      return importFromTerminal(config, args);
  }
}

/** Runs the command line; resolves to the exit status, or undefined while `serve` serves. */
export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number | undefined> {
  const [word, ...args] = argv;
  if (word === undefined) throw new UsageError('no command given');
  if (word === '--help' || word === '-h') return printUsage();
  if (!isCommand(word)) {
    throw new UsageError(
      word.startsWith('-') ? `unknown option ${word}` : `unknown command "${word}"`,
    );
  }
  if (word === 'help') {
    const [about, ...more] = args;
    if (about !== undefined && !isCommand(about)) {
      throw new UsageError(`unknown command "${about}"`);
    }
    if (more.length > 0) throw new UsageError(`unexpected argument "${more[0]}"`);
    return printUsage(about);
  }
  if (asksForHelp(args)) return printUsage(word);
  return run(word, loadConfig(env), args);
}

function printUsage(command?: Command): number {
  console.log(usage(command));
  return 0;
}

if (isEntryPoint(import.meta.url)) {
  // `deskmetrics --help | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  const argv = process.argv.slice(2);
  const command = isCommand(argv[0]) ? argv[0] : undefined;
  runCli(argv).then(
    (status) => {
      if (status !== undefined) process.exitCode = status;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        const hint = argv.length === 0 ? usage() : usageHint(command);
        exitWithFailure(error, undefined, 'deskmetrics: ', `\n${hint}`);
      }
      exitWithFailure(error, logLevelOf(), 'deskmetrics: ');
    },
  );
}

/** LOG_LEVEL decides whether an unexpected error shows its stack; a bad setting shows none. */
function logLevelOf(): LogLevel | undefined {
  try {
    return loadConfig().logLevel;
  } catch {
    return undefined;
  }
}
