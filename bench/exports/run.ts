/**
 * bench/exports: `GET /v1/reports/{tickets,sla-instances}?format=csv|arrow|parquet|ndjson|json`
 * over HTTP, each against the physical baseline measured in the same run — PostgreSQL's
 * `COPY (the same query) TO STDOUT (FORMAT csv)` through pg — with the service's peak RSS, then
 * the peak RSS again on a 5,000,000-row pull. See bench/exports/README.md and `--help`.
 *
 *   npm run bench:exports -- [--rows 1000000] [--rss-rows 5000000] [--repeats 3] …
 *
 * 1. The database `deskmetrics_bench_exports_<rows>` is filled by SQL once (database.ts) and kept.
 * 2. The service is built and started as `npm start` starts it (service.ts), KPI cube off.
 * 3. Per report: a warm-up, then `--repeats` rounds; in each, every format (in a rotated order)
 *    right after a COPY of the same rows. Medians, ratios to the median COPY, peak RSS per format.
 * 4. The second tenant's `--rss-rows` sla-instances, once per format, for the peak RSS.
 */
import pg from 'pg';
import { describeTables, ensureLoaded, MAIN_KEY, RSS_KEY, type Loaded } from './database.js';
import { busyNow, commit, describeMachine, loadAverage, waitForQuiet } from './machine.js';
import {
  OptionError,
  parseOptions,
  USAGE,
  type BenchReport,
  type Format,
  type Options,
} from './options.js';
import { fmtInt, fmtMb, fmtS, reportTable, type ReportResult, type Run } from './results.js';
import {
  build,
  heapOf,
  memoryOf,
  RssSampler,
  startFlags,
  startService,
  stopService,
  type Service,
} from './service.js';
import { copyReport, httpReport, trailerRowCount, type Transfer } from './transfer.js';
import { heapText, rssCheck, watchedExport, type PullSpec } from './memory.js';

const log = (line: string) => console.log(line);

interface Context {
  options: Options;
  loaded: Loaded;
  service: Service;
  sampler: RssSampler;
  client: pg.Client;
  /** Wrong bodies and busy-machine warnings: printed at the end, exit status 1 for the former. */
  problems: string[];
  warnings: string[];
  /** The largest sampled peak and VmHWM of any export (MB). */
  peak: { rss: number; hwm: number };
}

async function probe(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ v: string }>(
      `select current_setting('server_version') as v`,
    );
    return rows[0]!.v;
  } catch (error) {
    throw new OptionError(
      `cannot reach PostgreSQL at ${url} (${(error as Error).message}); start it or pass --database-url`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Waits for a quiet machine (unless --no-wait); a warning when it timed on a busy one. */
async function quiet(ctx: Context): Promise<string | null> {
  if (ctx.options.wait) return waitForQuiet(log);
  const busy = await busyNow();
  return busy === null ? null : `timed on a busy machine (--no-wait): ${busy}`;
}

const rssNow = (ctx: Context) => memoryOf(ctx.service.pid)?.rss ?? NaN;

/** One export over HTTP on the long-running service, its memory watched. */
async function timedExport(
  ctx: Context,
  key: string,
  report: string,
  format: Format,
): Promise<Run> {
  const run = await watchedExport(ctx.service, ctx.sampler, key, report, format);
  ctx.peak.rss = Math.max(ctx.peak.rss, run.peakRss);
  if (!Number.isNaN(run.hwm)) ctx.peak.hwm = Math.max(ctx.peak.hwm, run.hwm);
  return run;
}

const rate = (rows: number, t: Transfer) => `${fmtInt(rows / t.seconds)} rows/s`;

/** Untimed: a COPY of the whole report (the page cache) and each format on about 8 % of the rows. */
async function warmUp(ctx: Context, report: BenchReport): Promise<void> {
  const t = await copyReport(ctx.client, report, ctx.loaded.info.mainTenant);
  log(
    `  warm-up: COPY ${fmtMb(t.bytes)} MB in ${fmtS(t.seconds)} s; each format with priority=urgent`,
  );
  for (const format of ctx.options.formats) {
    await httpReport(ctx.service.baseUrl, MAIN_KEY, report, format, 'priority=urgent');
  }
}

/** Checks the bodies of the first round: sizes, line counts, trailers, end markers. */
function checkBodies(ctx: Context, r: ReportResult): void {
  const expect = (ok: boolean, what: string) => {
    if (!ok) ctx.problems.push(`${r.report}: ${what}`);
  };
  const copy = r.copy[0]!;
  expect(
    copy.lines === r.rows + 1,
    `COPY gave ${fmtInt(copy.lines)} lines, not ${fmtInt(r.rows + 1)}`,
  );
  for (const [format, runs] of r.formats) {
    const t = runs[0]!;
    expect(t.bytes > 0, `${format} body is empty`);
    if (format === 'csv') {
      expect(t.lines === r.rows + 1, `CSV has ${fmtInt(t.lines)} lines, not ${fmtInt(r.rows + 1)}`);
      expect(
        t.bytes === copy.bytes,
        `CSV has ${fmtInt(t.bytes)} bytes, COPY ${fmtInt(copy.bytes)}`,
      );
    }
    if (format === 'ndjson') expect(t.lines === r.rows + 1, `NDJSON has ${fmtInt(t.lines)} lines`);
    if (format === 'json' || format === 'ndjson') {
      const n = trailerRowCount(t.tail);
      expect(n === r.rows, `${format} trailer says row_count ${n ?? 'missing'}`);
    }
    if (format === 'parquet')
      expect(t.tail.endsWith('PAR1'), 'Parquet body does not end with PAR1');
    if (format === 'arrow') {
      expect(
        t.tail.endsWith('\xff\xff\xff\xff\0\0\0\0'),
        'Arrow stream lacks its end-of-stream marker',
      );
    }
  }
  const failed = ctx.problems.filter((p) => p.startsWith(`${r.report}:`));
  log(
    `  checks: ${failed.length === 0 ? 'bodies complete (CSV = COPY byte for byte, line counts, trailers, end markers)' : `${failed.length} FAILED`}`,
  );
}

async function measureReport(ctx: Context, report: BenchReport): Promise<ReportResult> {
  const { options } = ctx;
  const rows = report === 'tickets' ? options.rows : 3 * options.rows;
  log(
    `${report}: ${fmtInt(rows)} rows, ${options.formats.join(', ')} and COPY, ${options.repeats} repeats`,
  );
  await warmUp(ctx, report);
  const result: ReportResult = {
    report,
    rows,
    copy: [],
    formats: new Map(options.formats.map((f) => [f, []])),
  };
  for (let r = 0; r < options.repeats; r++) {
    const warning = await quiet(ctx);
    if (warning !== null) ctx.warnings.push(`${report} repeat ${r + 1}: ${warning}`);
    log(`  repeat ${r + 1} of ${options.repeats} (${loadAverage()})`);
    const order = options.formats.map((_, i) => options.formats[(i + r) % options.formats.length]!);
    for (const format of order) {
      const copy = await copyReport(ctx.client, report, ctx.loaded.info.mainTenant);
      result.copy.push(copy);
      const before = rssNow(ctx);
      const run = await timedExport(ctx, MAIN_KEY, report, format);
      result.formats.get(format)!.push(run);
      log(
        `    ${format.padEnd(7)} ${fmtMb(run.bytes).padStart(5)} MB in ${fmtS(run.seconds).padStart(6)} s = ${rate(rows, run).padStart(15)} (COPY just before: ${fmtS(copy.seconds)} s = ${rate(rows, copy)}) | RSS ${fmtInt(before)} → peak ${fmtInt(run.peakRss)} MB (${run.samples} samples, VmHWM ${fmtInt(run.hwm)}) → ${fmtInt(rssNow(ctx))} after; ${heapText(await heapOf(ctx.service.baseUrl))}`,
      );
    }
    if (r === 0) checkBodies(ctx, result);
  }
  return result;
}

/**
 * The RSS check: per format, on fresh services, the main tenant's tickets (`--rows`) and the
 * second tenant's sla-instances (`--rss-rows`), one pull each.
 */
async function rssRun(ctx: Context): Promise<{ lines: string[]; missed: boolean }> {
  const { options, loaded } = ctx;
  const specs: PullSpec[] = [
    {
      label: `tickets ${fmtInt(options.rows)}`,
      rows: options.rows,
      key: MAIN_KEY,
      report: 'tickets',
    },
  ];
  if (options.rssRows > 0) {
    const label = `sla-instances ${fmtInt(options.rssRows)}`;
    specs.push({ label, rows: options.rssRows, key: RSS_KEY, report: 'sla-instances' });
  }
  log(
    `RSS check: per format, a fresh service for each of ${specs.map((s) => s.label).join(' and ')} rows (one pull each)`,
  );
  const warning = await quiet(ctx);
  if (warning !== null) ctx.warnings.push(`RSS check: ${warning}`);
  const setup = {
    url: loaded.url,
    flags: ctx.service.flags,
    sampleMs: options.sampleMs,
    formats: options.formats,
  };
  const result = await rssCheck(setup, specs, log);
  ctx.problems.push(...result.problems);
  log(result.lines.join('\n'));
  return result;
}

async function prepare(options: Options): Promise<Loaded> {
  const version = await probe(options.databaseUrl);
  log(
    `bench/exports: ${describeMachine()}, PostgreSQL ${version}; commit ${commit()}; ${new Date().toISOString()}; ${loadAverage()}`,
  );
  const loaded = await ensureLoaded(
    {
      serverUrl: options.databaseUrl,
      rows: options.rows,
      rssRows: options.rssRows,
      reload: options.reload,
    },
    log,
  );
  const i = loaded.info;
  log(
    `${loaded.reused ? 'reusing' : 'loaded'} ${new URL(loaded.url).pathname.slice(1)} (filled ${i.loadedAt} in ${i.loadSeconds} s + vacuum analyze ${i.vacuumSeconds} s): ${await describeTables(loaded.url)}`,
  );
  return loaded;
}

async function startAll(
  options: Options,
  loaded: Loaded,
): Promise<{ service: Service; sampler: RssSampler }> {
  if (options.build) {
    log('building: npm run build');
    const failure = build();
    if (failure !== null)
      throw new OptionError(
        `npm run build failed, so dist/ would not be the code of src/:\n${failure}`,
      );
  }
  const flags = options.nodeFlags ?? startFlags();
  const service = await startService(loaded.url, flags);
  const sampler = new RssSampler(service.pid, options.sampleMs);
  log(
    `service: node ${[...flags, 'dist/main.js'].join(' ')} (pid ${service.pid}, ${service.baseUrl}, LOG_LEVEL=warn, DESKMETRICS_KPI_CUBE_MB=0), RSS at rest ${fmtInt(memoryOf(service.pid)?.rss ?? NaN)} MB; RSS sampled every ${options.sampleMs} ms`,
  );
  return { service, sampler };
}

async function measureAll(ctx: Context): Promise<boolean> {
  const tables: string[] = [];
  let missed = false;
  for (const report of ctx.options.rssOnly ? [] : ctx.options.reports) {
    const table = reportTable(await measureReport(ctx, report));
    missed ||= table.missed;
    tables.push(
      '',
      `${report} (${fmtInt(report === 'tickets' ? ctx.options.rows : 3 * ctx.options.rows)} rows, medians of ${ctx.options.repeats}):`,
      '',
      ...table.lines,
    );
    log(table.lines.join('\n'));
  }
  {
    const table = await rssRun(ctx);
    missed ||= table.missed;
    tables.push(
      '',
      'peak RSS of one pull on a fresh service (per format and size):',
      '',
      ...table.lines,
    );
  }
  log(`\nresults (${describeMachine()}, commit ${commit()}, ${new Date().toISOString()}):`);
  for (const line of tables) log(line);
  return missed;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    log(USAGE);
    return 0;
  }
  const loaded = await prepare(options);
  if (options.loadOnly) return 0;
  const { service, sampler } = await startAll(options, loaded);
  const client = new pg.Client({ connectionString: loaded.url });
  const ctx: Context = {
    options,
    loaded,
    service,
    sampler,
    client,
    problems: [],
    warnings: [],
    peak: { rss: 0, hwm: 0 },
  };
  try {
    await client.connect();
    const missed = await measureAll(ctx);
    log(
      `\nservice peak RSS over every export: ${fmtInt(ctx.peak.rss)} MB sampled, ${fmtInt(ctx.peak.hwm)} MB VmHWM; RSS now ${fmtInt(memoryOf(service.pid)?.rss ?? NaN)} MB`,
    );
    for (const w of ctx.warnings) log(`WARNING: ${w}`);
    for (const p of ctx.problems) log(`WRONG: ${p}`);
    if (missed) log('a target was missed (see the tables)');
    return missed || ctx.problems.length > 0 ? 1 : 0;
  } finally {
    await client.end().catch(() => undefined);
    await sampler.close();
    await stopService(service);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof OptionError) {
      console.error(`bench/exports: ${error.message}`);
      process.exitCode = 2;
    } else {
      console.error(
        `bench/exports failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exitCode = 1;
    }
  },
);
