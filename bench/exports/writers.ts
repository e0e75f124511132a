/**
 * bench/exports: rows/s and peak RSS of each export writer (csv, ndjson, arrow, parquet) on a
 * generated 20-column tickets table, against PostgreSQL's own `COPY … TO STDOUT (FORMAT csv)` of
 * the same rows when a server is at hand (the service streams that COPY on a server; the writers
 * must keep up: arrow ≥ 0.6×, parquet ≥ 0.4× its rows/s).
 *
 *   npx tsx bench/exports/writers.ts [--rows 1000000] [--runs 3] [--writers csv,ndjson,arrow,parquet]
 *                                    (also json, xlsx)
 *                                    [--database-url URL | --no-copy]
 *
 * Each writer runs in a child process of its own (so its peak RSS is its own), `--runs` times;
 * the median is reported. Rows come in batches of 5,000 from a pool of 100,000 generated once
 * per process and cycled, so generating rows costs the measurement nothing. With a server, the
 * rows are loaded into a temporary table (through the CSV writer and COPY FROM), COPY TO is timed
 * the same way, and its bytes are compared with the CSV writer's.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toArrow } from '../../src/exports/arrow.js';
import { toCsv } from '../../src/exports/csv.js';
import { toJson } from '../../src/exports/json.js';
import { toNdjson } from '../../src/exports/ndjson.js';
import { toParquet } from '../../src/exports/parquet.js';
import { toXlsx } from '../../src/exports/xlsx.js';
import type { ExportWriter } from '../../src/exports/types.js';
import type { ReportRow } from '../../src/core/report/table.js';
import { copyBaseline } from './copy-baseline.js';
import { TICKETS, ticketRows } from './tickets.js';

const BATCH = 5_000;
const POOL_BATCHES = 20;
const WRITERS: Record<string, ExportWriter> = {
  csv: toCsv,
  ndjson: toNdjson,
  arrow: toArrow,
  parquet: toParquet,
  json: toJson,
  xlsx: toXlsx,
};
const DEFAULT_WRITERS = 'csv,ndjson,arrow,parquet';
const TARGETS: Record<string, number> = { arrow: 0.6, parquet: 0.4 };

export interface Run {
  ms: number;
  bytes: number;
  sha256: string;
}

/** The pool of row batches every run cycles through. */
export function rowPool(): ReportRow[][] {
  return Array.from({ length: POOL_BATCHES }, (_, i) => ticketRows(i * BATCH, BATCH));
}

/** `rows` rows in batches of 5,000, cycling the pool (the last batch cut to fit). */
export async function* cycle(pool: ReportRow[][], rows: number): AsyncGenerator<ReportRow[]> {
  for (let sent = 0, i = 0; sent < rows; i++) {
    const batch = pool[i % pool.length]!;
    const take = Math.min(batch.length, rows - sent);
    yield take === batch.length ? batch : batch.slice(0, take);
    sent += take;
  }
}

/** Drains a byte stream, timing it and hashing what it gives. */
export async function measure(chunks: AsyncIterable<Uint8Array>): Promise<Run> {
  const hash = createHash('sha256');
  const start = performance.now();
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    hash.update(chunk);
  }
  return { ms: performance.now() - start, bytes, sha256: hash.digest('hex') };
}

async function child(writer: string, rows: number, runs: number): Promise<void> {
  const pool = rowPool();
  const baseRss = process.memoryUsage.rss();
  const results: Run[] = [];
  for (let r = 0; r < runs; r++) {
    results.push(await measure(WRITERS[writer]!(TICKETS, cycle(pool, rows))));
  }
  const peakRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ results, baseRss, peakRss }) + '\n');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (n: number) => `${(n / 1_048_576).toFixed(0)} MiB`;

interface Child {
  results: Run[];
  baseRss: number;
  peakRss: number;
}

function runChild(writer: string, rows: number, runs: number): Child {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--child', writer];
  args.push('--rows', String(rows), '--runs', String(runs));
  const out = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (out.status !== 0) throw new Error(`${writer} failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').at(-1)!) as Child;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '3' },
      child: { type: 'string' },
      'database-url': { type: 'string' },
      'no-copy': { type: 'boolean', default: false },
      writers: { type: 'string', default: DEFAULT_WRITERS },
    },
  });
  const rows = Number(values.rows);
  const runs = Number(values.runs);
  if (values.child) return child(values.child, rows, runs);

  const url =
    values['database-url'] ??
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  console.log(
    `export writers: ${fmt(rows)} rows × ${TICKETS.columns.length} columns, ` +
      `batches of ${fmt(BATCH)}, median of ${runs} runs`,
  );
  const copy = values['no-copy']
    ? undefined
    : await copyBaseline(url, rows, runs, rowPool, cycle, measure);
  const copyRate = copy ? rows / (median(copy.runs.map((r) => r.ms)) / 1000) : undefined;
  if (copy) {
    console.log(
      `${'COPY csv (server)'.padEnd(18)} ${fmt(copyRate!).padStart(11)} rows/s ` +
        `${mb(copy.runs[0]!.bytes).padStart(9)}`,
    );
  }
  let missed = false;
  for (const writer of values.writers.split(',')) {
    if (!(writer in WRITERS))
      throw new Error(`unknown writer ${writer}: ${Object.keys(WRITERS).join(', ')}`);
    const { results, baseRss, peakRss } = runChild(writer, rows, runs);
    const rate = rows / (median(results.map((r) => r.ms)) / 1000);
    let line =
      `${writer.padEnd(18)} ${fmt(rate).padStart(11)} rows/s ${mb(results[0]!.bytes).padStart(9)}` +
      `  peak RSS ${mb(peakRss)} (rows pool ${mb(baseRss)})`;
    if (copyRate) {
      const ratio = rate / copyRate;
      line += `  ${ratio.toFixed(2)}× COPY`;
      const target = TARGETS[writer];
      if (target !== undefined) {
        line += ratio >= target ? ` (target ≥ ${target}: met)` : ` (target ≥ ${target}: MISSED)`;
        missed ||= ratio < target;
      }
      if (writer === 'csv') {
        const same = results[0]!.sha256 === copy!.ordered.sha256;
        line += same ? '  bytes identical to COPY' : '  BYTES DIFFER FROM COPY';
        missed ||= !same;
      }
    }
    console.log(line);
  }
  if (missed) process.exitCode = 1;
}

await main();
