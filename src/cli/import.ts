/**
 * `deskmetrics import <source> <file>`: a help desk's history through the ingest path
 * (docs/importers.md). Arguments are checked before anything is opened; the source reads the file
 * (src/importers), import-run.ts sends its events in batches to the target (import-target.ts) and
 * rewrites the checkpoint after each, import-progress.ts shows how far it is. Exit status: 0, or
 * 1 when more rows and events were rejected than `--max-rejects` allows, 130 when interrupted.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { IANAZone } from 'luxon';
import type { Config } from '../config.js';
import { ExplainedError, UsageError } from '../failure.js';
import { findImportSource, importSources, type ImportSource } from '../importers/index.js';
import {
  checkpointMismatch,
  defaultCheckpointPath,
  readCheckpoint,
  type ImportCheckpoint,
} from './import-checkpoint.js';
import { createProgress, type ProgressStream } from './import-progress.js';
import { runImport, type ImportRun } from './import-run.js';
import { printSummary } from './import-summary.js';
import { directTarget, httpTarget, type ImportTarget } from './import-target.js';
import { parseOptions, tenantIdOption } from './options.js';

const OPTIONS = {
  tenant: { type: 'string' },
  url: { type: 'string' },
  key: { type: 'string' },
  timezone: { type: 'string' },
  mapping: { type: 'string' },
  resume: { type: 'boolean' },
  checkpoint: { type: 'string' },
  'max-rejects': { type: 'string' },
  batch: { type: 'string' },
} as const;

/** Events per request: a few transactions' worth of work, well under the service's NDJSON batch. */
export const DEFAULT_IMPORT_BATCH = 10_000;

/** Where output goes; tests give their own streams, signal and progress interval. */
export interface ImportIo {
  out: (line: string) => void;
  progress: ProgressStream;
  signal?: AbortSignal;
  progressIntervalMs?: number;
  env?: NodeJS.ProcessEnv;
}

type Values = ReturnType<typeof parseOptions<typeof OPTIONS>>['values'];

function count(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(
      `--${name} takes a whole number${min > 0 ? ` ≥ ${min}` : ''}, got "${text}"`,
    );
  }
  return n;
}

function sourceOf(name: string | undefined): ImportSource {
  const names = importSources()
    .map((s) => s.name)
    .join(', ');
  if (name === undefined) throw new UsageError(`import needs a source (${names}) and a file`);
  const source = findImportSource(name);
  if (source === undefined) throw new UsageError(`unknown import source "${name}" (${names})`);
  return source;
}

function timezoneOf(source: ImportSource, zone: string | undefined): string | undefined {
  if (zone === undefined) {
    if (!source.needsTimezone) return undefined;
    throw new UsageError(
      `${source.name} files have no UTC offsets: give --timezone <IANA zone>, e.g. Europe/Warsaw`,
    );
  }
  if (!IANAZone.isValidZone(zone) || /^[+-]/.test(zone)) {
    throw new UsageError(`--timezone takes an IANA time zone such as Europe/Warsaw, got "${zone}"`);
  }
  return zone;
}

async function mappingOf(file: string | undefined): Promise<unknown> {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read --mapping ${file} (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`--mapping ${file} is not JSON: ${(error as Error).message}`);
  }
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UsageError(`${file} is not a file`);
    return info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
}

/** `--url` and `--key` (a running service), else the configured database and `--tenant`. */
type Destination = { url: string; key: string; name: string } | { tenant: string; name: string };

function destinationOf(values: Values, env: NodeJS.ProcessEnv): Destination {
  const tenant = tenantIdOption(values.tenant);
  if (values.url !== undefined) {
    if (tenant !== undefined) throw new UsageError('--tenant is for the database, not with --url');
    const key = values.key ?? env.DESKMETRICS_API_KEY;
    if (!key) throw new UsageError('--url needs --key <api key> (or DESKMETRICS_API_KEY)');
    if (!URL.canParse(values.url)) throw new UsageError(`--url "${values.url}" is not a URL`);
    return { url: values.url, key, name: new URL(values.url).origin };
  }
  if (values.key !== undefined) throw new UsageError('--key goes with --url');
  if (tenant === undefined) {
    throw new UsageError('import needs --tenant <id> (or --url and --key of a running service)');
  }
  return { tenant, name: `tenant ${tenant}` };
}

interface Plan {
  run: Omit<ImportRun, 'target' | 'onProgress' | 'signal'>;
  maxRejects: number;
  size: number;
  open: (config: Config) => Promise<ImportTarget>;
  saved: ImportCheckpoint | undefined;
}

async function plan(args: string[], env: NodeJS.ProcessEnv): Promise<Plan> {
  const { values, positionals } = parseOptions(args, OPTIONS, 2);
  const source = sourceOf(positionals[0]);
  const file = positionals[1];
  if (file === undefined) throw new UsageError(`import ${source.name} needs a file`);
  const timezone = timezoneOf(source, values.timezone);
  const batchSize = count('batch', values.batch, DEFAULT_IMPORT_BATCH, 1);
  const maxRejects = count('max-rejects', values['max-rejects'], 0, 0);
  const destination = destinationOf(values, env);
  const mapping = await mappingOf(values.mapping);
  const size = await fileSize(file);
  const checkpointPath = values.checkpoint ?? defaultCheckpointPath(file);
  const base = {
    version: 1 as const,
    source: source.name,
    file: path.resolve(file),
    size,
    destination: destination.name,
    updated_at: '',
  };
  const saved = values.resume === true ? await readCheckpoint(checkpointPath) : undefined;
  const mismatch = saved && checkpointMismatch(saved, base);
  if (mismatch) {
    throw new UsageError(`cannot resume from ${checkpointPath}: ${mismatch}`);
  }
  return {
    run: {
      source,
      file,
      batchSize,
      sourceOptions: { timezone, mapping, resumeFrom: saved?.position },
      checkpoint: { path: checkpointPath, base },
      rowsBefore: saved?.rows ?? 0,
    },
    maxRejects,
    size,
    saved,
    open: (config) =>
      'url' in destination
        ? Promise.resolve(httpTarget(destination.url, destination.key))
        : directTarget(config, destination.tenant),
  };
}

/** Errors of the source's reading (bad CSV, a file of another format) as one sentence. */
function explained(file: string, error: unknown): unknown {
  if (error instanceof ExplainedError || error instanceof UsageError) return error;
  if (error instanceof TypeError || error instanceof ReferenceError || !(error instanceof Error)) {
    return error;
  }
  return new ExplainedError(`${file}: ${error.message}`);
}

export async function importCommand(config: Config, args: string[], io: ImportIo): Promise<number> {
  const { run, maxRejects, size, saved, open } = await plan(args, io.env ?? process.env);
  if (saved?.complete === true) {
    io.out(`nothing to resume: the import of ${run.file} into ${saved.destination} completed`);
    return 0;
  }
  if (saved !== undefined) io.out(`resuming ${run.file} after row ${saved.rows}`);
  const target = await open(config);
  const totalBytes = size;
  const progress = createProgress(io.progress, {
    totalBytes,
    intervalMs: io.progressIntervalMs,
  });
  const started = performance.now();
  try {
    const result = await runImport({
      ...run,
      target,
      signal: io.signal,
      onProgress: (counts) => progress.update(counts),
    }).catch((error: unknown) => {
      throw explained(run.file, error);
    });
    progress.stop();
    return printSummary(io.out, {
      ...result,
      source: run.source.name,
      file: run.file,
      seconds: (performance.now() - started) / 1000,
      maxRejects,
      checkpointPath: run.checkpoint.path,
    });
  } finally {
    progress.stop();
    await target.close();
  }
}

/** The command on this process's terminal: Ctrl-C stops after the batch being committed. */
export async function importFromTerminal(config: Config, args: string[]): Promise<number> {
  const stop = new AbortController();
  const interrupt = () => {
    process.stderr.write('\nstopping after the batch being committed (Ctrl-C again to abort)\n');
    stop.abort();
    process.off('SIGINT', interrupt);
  };
  process.on('SIGINT', interrupt);
  try {
    return await importCommand(config, args, {
      out: (line) => console.log(line),
      progress: process.stderr,
      signal: stop.signal,
    });
  } finally {
    process.off('SIGINT', interrupt);
  }
}
