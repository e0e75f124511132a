/**
 * bench/import (issue 16): `deskmetrics import servicenow-audit` of the UCI ServiceNow log
 * against ingesting the very same events as pre-built NDJSON, in the same run, each into a fresh
 * database on the local PostgreSQL server, through the same target (an app built in-process,
 * `POST /v1/events` by inject, import-target.ts). The import reads, parses and maps the CSV while
 * it ingests; the baseline only sends bodies built before the clock starts. Prints rows/s and
 * events/s of both and their ratio (target ≥ 0.8×). See README.md.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { DEFAULT_IMPORT_BATCH } from '../../src/cli/import.js';
import type * as ImportRunModule from '../../src/cli/import-run.js';
import type * as ImportTargetModule from '../../src/cli/import-target.js';
import type { ImportTarget } from '../../src/cli/import-target.js';
import { loadConfig } from '../../src/config.js';
import { findImportSource, type ImportSource } from '../../src/importers/index.js';
import { openSourceFile } from '../../src/importers/source-file.js';
import { openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrator.js';
import { createTenant } from '../../src/storage/tenant.repository.js';

const dataset = (name: string) =>
  fileURLToPath(new URL(`../../../shared/datasets/${name}`, import.meta.url));
/** Each source's sample: the UCI log (141,712 rows) and BPIC 2013 (65,533 events). */
const SAMPLES: Record<string, string> = {
  'servicenow-audit': dataset('uci_incident_event_log.csv.gz'),
  xes: dataset('bpic13_incidents.xes.gz'),
};

const { values } = parseArgs({
  options: {
    limit: { type: 'string' },
    batch: { type: 'string', default: String(DEFAULT_IMPORT_BATCH) },
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    source: { type: 'string', default: 'servicenow-audit' },
    file: { type: 'string' },
    repeats: { type: 'string', default: '3' },
    help: { type: 'boolean' },
  },
  strict: true,
});

if (values.help === true) {
  console.log(
    'usage: npx tsx bench/import/run.ts [--source servicenow-audit|xes] [--limit <rows> (servicenow-audit)] [--batch <events>] [--repeats <n>] [--database-url <url>] [--file <log>]',
  );
  process.exit(0);
}
const limit = values.limit === undefined ? undefined : Number(values.limit);
const batch = Number(values.batch);
const repeats = Number(values.repeats);
if ((limit !== undefined && !(limit > 0)) || !(batch > 0) || !(repeats >= 1)) {
  console.error('bench/import: --limit, --batch and --repeats take positive numbers');
  process.exit(2);
}
const found = findImportSource(values.source);
if (found === undefined || (values.file === undefined && SAMPLES[values.source] === undefined)) {
  console.error(
    `bench/import: --source is one of ${Object.keys(SAMPLES).join(', ')} (or another source with --file), not "${values.source}"`,
  );
  process.exit(2);
}
if (limit !== undefined && values.source !== 'servicenow-audit') {
  console.error('bench/import: --limit cuts the UCI log only (servicenow-audit)');
  process.exit(2);
}
const source: ImportSource = found;

// The import and its target are the shipped build's (dist/, what `deskmetrics import` runs), built
// first when older than src/: from the TypeScript sources, the reader's worker thread would load
// its code through tsx, a cost of the development setup only. The baseline uses the same target.
const built = spawnSync(process.execPath, ['scripts/build.js', '--if-stale'], {
  cwd: fileURLToPath(new URL('../..', import.meta.url)),
  encoding: 'utf8',
});
if (built.status !== 0) {
  console.error(`bench/import: the build failed, so dist/ would not be src/:\n${built.stderr}`);
  process.exit(2);
}
const dist = (file: string) => new URL(`../../dist/cli/${file}`, import.meta.url).href;
const { runImport } = (await import(dist('import-run.js'))) as typeof ImportRunModule;
const { directTarget } = (await import(dist('import-target.js'))) as typeof ImportTargetModule;
const logFile = values.file ?? SAMPLES[values.source]!;
const timezone = source.needsTimezone ? { timezone: 'UTC' } : {};

/** The log's first `rows` data rows, rounded up to a whole incident, gzipped like the log. */
async function cut(dir: string, rows: number): Promise<string> {
  let text = '';
  let header = true;
  let kept = 0;
  let last = '';
  let pending = '';
  const input = openSourceFile(logFile).bytes;
  reading: for await (const chunk of input) {
    const lines = (pending + String(chunk)).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const number = line.slice(0, line.indexOf(','));
      if (!header && kept >= rows && number !== last) break reading;
      text += `${line}\n`;
      if (!header) kept++;
      header = false;
      last = number;
    }
  }
  input.destroy();
  const file = path.join(dir, `uci-${kept}.csv.gz`);
  await writeFile(file, gzipSync(text));
  return file;
}

/** A fresh migrated database on the server with one tenant; its URL and tenant. */
async function freshDatabase(name: string): Promise<{ url: string; tenant: string }> {
  const admin = new pg.Client({ connectionString: values['database-url'] });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(values['database-url']);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 1 });
  await migrate(database.db);
  const tenant = await createTenant(database.db, name);
  await database.close();
  return { url: url.toString(), tenant };
}

async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: values['database-url'] });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.end();
}

async function target(name: string): Promise<ImportTarget> {
  const { url, tenant } = await freshDatabase(name);
  return directTarget(loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'warn' }), tenant);
}

interface Measured {
  rows: number;
  events: number;
  seconds: number;
  rejected: number;
}

/** The same events as NDJSON bodies of `batch` lines, built before the clock starts. */
async function ndjsonBodies(file: string): Promise<{ bodies: string[]; rows: number }> {
  const bodies: string[] = [];
  let lines: string[] = [];
  let rows = 0;
  for await (const chunk of source.read(file, timezone)) {
    for (const event of chunk.events) lines.push(JSON.stringify(event));
    rows = chunk.rowsRead;
    if (lines.length >= batch) {
      bodies.push(lines.join('\n'));
      lines = [];
    }
  }
  if (lines.length > 0) bodies.push(lines.join('\n'));
  return { bodies, rows };
}

async function baseline(file: string): Promise<Measured> {
  const { bodies, rows } = await ndjsonBodies(file);
  const into = await target('deskmetrics_bench_import_ndjson');
  const started = performance.now();
  let events = 0;
  let rejected = 0;
  for (const body of bodies) {
    const answer = await into.send(body);
    events += answer.accepted + answer.duplicates + answer.rejected;
    rejected += answer.rejected;
  }
  const seconds = (performance.now() - started) / 1000;
  await into.close();
  return { rows, events, seconds, rejected };
}

async function imported(file: string, dir: string): Promise<Measured> {
  const into = await target('deskmetrics_bench_import_csv');
  const started = performance.now();
  const result = await runImport({
    source,
    file,
    sourceOptions: timezone,
    target: into,
    batchSize: batch,
    checkpoint: {
      path: path.join(dir, 'checkpoint.json'),
      base: {
        version: 1,
        source: source.name,
        file,
        size: 0,
        destination: '',
        updated_at: '',
      },
    },
    rowsBefore: 0,
  });
  const seconds = (performance.now() - started) / 1000;
  await into.close();
  const c = result.counts;
  return {
    rows: c.rowsRead,
    events: c.events,
    seconds,
    rejected: c.rejectedEvents + c.rejectedRows,
  };
}

const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en-US');

const dir = await mkdtemp(path.join(tmpdir(), 'dm-bench-import-'));
try {
  const file = limit === undefined ? logFile : await cut(dir, limit);
  // Pairs of runs, which goes first alternating (PostgreSQL's background work after one run falls
  // on the next); the medians are compared, and each pair's ratio is printed too.
  const runs: Array<[Measured, Measured]> = [];
  // A first pair warms the process up (JIT, the first worker thread) and is not counted.
  const warm = [await imported(file, dir), await baseline(file)];
  console.log(
    `warm-up (not counted): import ${warm[0]!.seconds.toFixed(2)} s, NDJSON ${warm[1]!.seconds.toFixed(2)} s`,
  );
  for (let i = 0; i < repeats; i++) {
    const pair: [Measured, Measured] =
      i % 2 === 0
        ? [await imported(file, dir), await baseline(file)]
        : (([b, a]) => [a, b] as [Measured, Measured])([
            await baseline(file),
            await imported(file, dir),
          ]);
    runs.push(pair);
    console.log(
      `run ${i + 1}/${repeats}: import ${pair[0].seconds.toFixed(2)} s, NDJSON ${pair[1].seconds.toFixed(2)} s, ratio ${(pair[1].seconds / pair[0].seconds).toFixed(2)}×`,
    );
  }
  const median = (k: 0 | 1) => {
    const sorted = runs.map((r) => r[k]).sort((a, b) => a.seconds - b.seconds);
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  };
  const csv = median(0);
  const ndjson = median(1);
  for (const [what, m] of [
    ['NDJSON ingest (baseline)', ndjson],
    [`import ${source.name}`, csv],
  ] as const) {
    console.log(
      `${what.padEnd(26)} ${m.rows.toLocaleString('en-US')} rows, ${m.events.toLocaleString('en-US')} events ` +
        `in ${m.seconds.toFixed(1)} s (median of ${repeats}): ${rate(m.rows, m.seconds)} rows/s, ${rate(m.events, m.seconds)} events/s` +
        (m.rejected > 0 ? `, ${m.rejected} REJECTED` : ''),
    );
  }
  const ratio = ndjson.seconds / csv.seconds;
  console.log(`ratio of the medians import / NDJSON: ${ratio.toFixed(2)}× (target ≥ 0.80×)`);
  if (runs.some(([a, b]) => a.events !== b.events || a.rejected + b.rejected > 0)) {
    console.error('the two runs did not ingest the same events without rejections');
    process.exitCode = 1;
  } else if (ratio < 0.8) {
    process.exitCode = 1;
  }
} finally {
  await dropDatabase('deskmetrics_bench_import_ndjson');
  await dropDatabase('deskmetrics_bench_import_csv');
  await rm(dir, { recursive: true, force: true });
}
