/**
 * bench/soak: NDJSON ingest and KPI reads together against the built service for `--minutes`
 * (default 30), each at half the capacity a short calibration measured, with one line a minute
 * (service RSS, p50/p99 of KPI reads and of ingest requests, events/s, reads/s, errors) and at the
 * end RSS and p99 at minute 5 against the last minute. See bench/soak/README.md and `--help`.
 *
 *   npm run bench:soak -- [--minutes 30] [--calibration 25] [--share 0.5] …
 *
 * 1. `npm run build`; a fresh database on the local PostgreSQL server; `dist/main.js` as a child
 *    process on it, as `npm start` runs it, per-key rate limits off (service.ts).
 * 2. The demo help desk's calendar and SLA policies through the API.
 * 3. Calibration (calibrate.ts): ingest alone at full speed, then KPI reads alone.
 * 4. The soak (soak.ts): both at `--share` of those rates, open loop, the events of src/demo's
 *    generator made beforehand in a worker thread (events.ts).
 * 5. The comparison and the tables (summary.ts); the service stopped, the database dropped.
 */
import { configFrom, demoStart } from '../../src/demo/demo-profile.js';
import { busyNow, commit, describeMachine, loadAverage } from '../exports/machine.js';
import { build, memoryOf, startFlags, stopService, type Service } from '../exports/service.js';
import { calibrateIngest, calibrateKpi, calibrateTogether } from './calibrate.js';
import type { Context } from './context.js';
import { OptionError, parseOptions, USAGE, type Options } from './options.js';
import { configureTenant, createDatabase, dropDatabase, KEY, startService } from './service.js';
import { runSoak, soakMonths, type Rates } from './soak.js';
import { fmtInt, fmtRate } from './stats.js';
import { summarize } from './summary.js';

const log = (line: string) => console.log(line);

async function start(options: Options, url: string): Promise<Service> {
  const flags = options.nodeFlags ?? startFlags();
  const service = await startService(
    url,
    flags,
    options.kpiCubeMb,
    options.kpiCubeDays,
    options.serviceLog,
  );
  const cube =
    (options.kpiCubeMb === null ? '' : `DESKMETRICS_KPI_CUBE_MB=${options.kpiCubeMb}, `) +
    `DESKMETRICS_KPI_CUBE_DAYS=${options.kpiCubeDays}`;
  log(
    `service: node ${[...flags, 'dist/main.js'].join(' ')} (pid ${service.pid}, ${service.baseUrl}), DESKMETRICS_RATE_LIMIT_READS=0 and _WRITES=0, ${cube}, LOG_LEVEL=warn; RSS at rest ${fmtInt(memoryOf(service.pid)?.rss ?? NaN)} MB`,
  );
  return service;
}

/**
 * The capacities (measured, or given) and the soak's rates from them: `--share` of what the node
 * achieved with both loads at full speed at once.
 */
async function rates(ctx: Context, soakFrom: number): Promise<Rates> {
  const { options } = ctx;
  let events = options.ingestCapacity;
  let reads = options.kpiCapacity;
  if (events !== null && reads !== null) {
    log(
      `capacities given (not measured), both loads together: ${fmtInt(events)} events/s and ${fmtRate(reads)} reads/s`,
    );
  } else {
    log((await calibrateIngest(ctx, soakFrom)).line);
    log((await calibrateKpi(ctx)).line);
    const together = await calibrateTogether(ctx, soakFrom);
    log(together.events.line);
    log(together.reads.line);
    events ??= together.events.rate;
    reads ??= together.reads.rate;
  }
  if (!(events > 0 && reads > 0)) {
    const first = [...ctx.failures.values()][0];
    throw new Error(
      `the calibration measured no capacity${first === undefined ? '' : `; a failure: ${first.example}`}`,
    );
  }
  const r = { events: events * options.share, reads: reads * options.share };
  log(
    `soak rates (${Math.round(options.share * 100)} % of what the node did with both loads at full speed at once): ingest ${fmtInt(r.events)} events/s = ${(r.events / options.batch).toFixed(2)} requests/s of ${fmtInt(options.batch)} events; KPI reads ${fmtRate(r.reads)}/s`,
  );
  return r;
}

async function measure(
  options: Options,
  service: Service,
  databaseUrl: string,
  warnings: string[],
): Promise<number> {
  const soakFrom = demoStart(Date.now(), soakMonths(options.minutes));
  // The calibration's desk is the six months before the soak's: both inside the configuration.
  await configureTenant(service.baseUrl, configFrom(demoStart(soakFrom)));
  const url = new URL(service.baseUrl);
  const ctx: Context = {
    options,
    service,
    target: { host: url.hostname, port: Number(url.port), key: KEY },
    databaseUrl,
    deskNow: soakFrom,
    failures: new Map(),
    stopped: null,
    log,
  };
  service.child.once('exit', (code, signal) => {
    ctx.stopped ??= `the service exited (${code ?? signal}): ${service.output().trim().split('\n').slice(-5).join(' | ')}`;
  });
  const interrupt = (signal: NodeJS.Signals) => {
    ctx.stopped ??= `interrupted (${signal})`;
    log(`${signal}: finishing the requests in flight, then the summary`);
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  try {
    const soakRates = await rates(ctx, soakFrom);
    if (ctx.stopped !== null) throw new Error(ctx.stopped);
    const result = await runSoak(ctx, soakRates);
    const reasons = summarize(ctx, result, soakRates);
    for (const w of warnings) log(`WARNING: ${w}`);
    log(reasons.length === 0 ? '\nresult: PASS' : `\nresult: FAIL (${reasons.join('; ')})`);
    return reasons.length === 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    log(USAGE);
    return 0;
  }
  log(
    `bench/soak: ${describeMachine()}; commit ${commit()}; ${new Date().toISOString()}; ${loadAverage()}`,
  );
  const warnings: string[] = [];
  const busy = await busyNow();
  if (busy !== null) {
    warnings.push(
      `the machine was busy at the start (${busy}): capacity, rates and latencies are not comparable with a quiet machine's`,
    );
    log(`WARNING: ${warnings[0]}`);
  }
  if (options.build) {
    log('building: npm run build');
    const failure = build();
    if (failure !== null) {
      throw new OptionError(
        `npm run build failed, so dist/ would not be the code of src/:\n${failure}`,
      );
    }
  }
  const db = await createDatabase(options.databaseUrl);
  log(
    `database ${db.name} on PostgreSQL ${db.version} (${options.keepDatabase ? 'kept' : 'dropped'} at the end); ${
      db.autovacuum
        ? 'autovacuum runs on the server'
        : 'autovacuum does not run on the server: the service vacuums and analyzes its tables itself (DESKMETRICS_TABLE_MAINTENANCE=auto)'
    }`,
  );
  let service: Service | null = null;
  try {
    service = await start(options, db.url);
    return await measure(options, service, db.url, warnings);
  } finally {
    if (service !== null) await stopService(service);
    if (!options.keepDatabase) await dropDatabase(options.databaseUrl, db.name);
  }
}

main()
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof OptionError) {
        console.error(`bench/soak: ${error.message}`);
        process.exitCode = 2;
      } else {
        console.error(
          `bench/soak failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        process.exitCode = 1;
      }
    },
  )
  // Exit once the summary is out and the service and database are gone: two runs of 2026-12-05
  // printed their result and then stayed up for half an hour on one timer nobody owned
  // (process.getActiveResourcesInfo(): ["Timeout"]; no socket, no file).
  .finally(() => process.exit());
