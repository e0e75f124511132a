/** The options of bench/soak/run.ts (`--help` prints USAGE). */
import { parseArgs } from 'node:util';

export const USAGE = `bench/soak: NDJSON ingest and KPI reads together against the built service
(dist/main.js on a fresh database), at a share of the capacity measured in a short calibration,
for --minutes; one line a minute (RSS, p50/p99 of KPI reads and of ingest, rates, errors), then
RSS and p99 at minute 5 against the last minute (target: within ±20 %).

  npm run bench:soak -- [options]        (or: npx tsx bench/soak/run.ts [options])

  --minutes N           length of the soak (default 30; at least 2); below 6 minutes minute 1
                        is compared with the last instead of minute 5
  --calibration S       seconds of each of the three calibration runs at full speed: ingest
                        alone, KPI reads alone, then both at once; the first fifth of each a
                        warm-up (default 25)
  --share F             the share of the node's capacity the soak uses (default 0.5): each
                        load runs at F of the rate it achieved in the calibration with both
                        at full speed at once (the node's capacity for this mix)
  --ingest-capacity N   with --kpi-capacity: the rates of both loads together to take instead
  --kpi-capacity N      of measuring them (repeat a run at the rates of an earlier one); one
                        alone still runs the calibration for the other
  --batch N             events per POST /v1/events (default 1000)
  --lanes N             ingest connections, each ticket's events on one of them (default 4)
  --kpi-connections N   concurrent KPI reads in the calibration (default 8)
  --kpi-cube-mb N       DESKMETRICS_KPI_CUBE_MB for the service (default: the service's own;
                        0 answers every KPI from SQL)
  --kpi-cube-days N     DESKMETRICS_KPI_CUBE_DAYS for the service (default 190: the soak's
                        desk moves 45 days a minute, so the cube's horizon fills by minute 5
                        and holds every question's window, the longest 180 days; 0: all)
  --seed N              the generator's seed (default 17)
  --database-url URL    the PostgreSQL server (default $BENCH_DATABASE_URL or
                        postgres://postgres@127.0.0.1:5432/postgres); the run creates the
                        database deskmetrics_bench_soak_<time> there and drops it at the end
  --keep-database       do not drop it
  --trace FILE          write every soak request's latency, the database's vacuums and
                        analyzes in progress and the service's event-loop delay each second to
                        FILE, and print which of them the slowest requests met
  --service-log FILE    write the service's stdout and stderr to FILE (with
                        --node-flags="--max-semi-space-size=128 --trace-gc": each GC's pause)
  --no-build            start dist/main.js as it is (default: \`npm run build\` first)
  --node-flags="…"      V8/Node flags for the service (default: those of \`npm start\`); with
                        the = sign, as the value starts with dashes
  --help                this text

Exit status 1 when RSS or a p99 moved more than 20 % or any request failed, 2 for a mistake in
the options or the environment (one sentence, no stack trace).`;

/** A mistake of the caller (options, environment): printed as one sentence, exit status 2. */
export class OptionError extends Error {}

export interface Options {
  minutes: number;
  calibrationSeconds: number;
  share: number;
  ingestCapacity: number | null;
  kpiCapacity: number | null;
  batch: number;
  lanes: number;
  kpiConnections: number;
  kpiCubeMb: number | null;
  kpiCubeDays: number;
  seed: number;
  databaseUrl: string;
  keepDatabase: boolean;
  trace: string | null;
  serviceLog: string | null;
  build: boolean;
  nodeFlags: string[] | null;
  help: boolean;
}

const fmt = (n: number) => n.toLocaleString('en-US');

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const cleaned = text.replace(/[_,]/g, '');
  const n = Number(cleaned);
  if (!/^\d+$/.test(cleaned) || n < min || n > max) {
    throw new OptionError(
      `--${name} takes a whole number from ${fmt(min)} to ${fmt(max)}, not "${text}"`,
    );
  }
  return n;
}

function positive(name: string, text: string, max: number): number {
  const n = Number(text.replace(/[_,]/g, ''));
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max) {
    throw new OptionError(
      `--${name} takes a number above 0 and at most ${fmt(max)}, not "${text}"`,
    );
  }
  return n;
}

function readArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        minutes: { type: 'string', default: '30' },
        calibration: { type: 'string', default: '25' },
        share: { type: 'string', default: '0.5' },
        'ingest-capacity': { type: 'string' },
        'kpi-capacity': { type: 'string' },
        batch: { type: 'string', default: '1000' },
        lanes: { type: 'string', default: '4' },
        'kpi-connections': { type: 'string', default: '8' },
        'kpi-cube-mb': { type: 'string' },
        'kpi-cube-days': { type: 'string', default: '190' },
        seed: { type: 'string', default: '17' },
        'database-url': {
          type: 'string',
          default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
        },
        'keep-database': { type: 'boolean', default: false },
        trace: { type: 'string' },
        'service-log': { type: 'string' },
        'no-build': { type: 'boolean', default: false },
        'node-flags': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    // node:util words these well ("Unknown option '--x'", "Option '--minutes <value>' argument missing").
    const text = (error as Error).message.replace(/\.?\s*(Did you forget|To specify).*$/s, '');
    const hint = text.includes("'--node-flags'") ? ': write it --node-flags="--flag …"' : '';
    throw new OptionError(`${text}${hint}`);
  }
}

export function parseOptions(argv: string[]): Options {
  const v = readArgs(argv);
  const url = v['database-url'];
  try {
    if (!/^postgres(ql)?:$/.test(new URL(url).protocol)) throw new Error();
  } catch {
    throw new OptionError(`--database-url takes a postgres:// URL, not "${url}"`);
  }
  const share = positive('share', v.share, 1);
  const optional = (name: string, text: string | undefined) =>
    text === undefined ? null : positive(name, text, 10_000_000);
  return {
    minutes: wholeNumber('minutes', v.minutes, 2, 1440),
    calibrationSeconds: wholeNumber('calibration', v.calibration, 10, 600),
    share,
    ingestCapacity: optional('ingest-capacity', v['ingest-capacity']),
    kpiCapacity: optional('kpi-capacity', v['kpi-capacity']),
    batch: wholeNumber('batch', v.batch, 1, 100_000),
    lanes: wholeNumber('lanes', v.lanes, 1, 64),
    kpiConnections: wholeNumber('kpi-connections', v['kpi-connections'], 1, 256),
    kpiCubeMb:
      v['kpi-cube-mb'] === undefined
        ? null
        : wholeNumber('kpi-cube-mb', v['kpi-cube-mb'], 0, 1_048_576),
    kpiCubeDays: wholeNumber('kpi-cube-days', v['kpi-cube-days'], 0, 36_500),
    seed: wholeNumber('seed', v.seed, 0, 2 ** 31 - 1),
    databaseUrl: url,
    keepDatabase: v['keep-database'],
    trace: v.trace ?? null,
    serviceLog: v['service-log'] ?? null,
    build: !v['no-build'],
    nodeFlags:
      v['node-flags'] === undefined ? null : v['node-flags'].split(/\s+/).filter((f) => f !== ''),
    help: v.help,
  };
}
