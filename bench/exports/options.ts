/** The options of bench/exports/run.ts (`--help` prints USAGE). */
import { parseArgs } from 'node:util';

export const FORMATS = ['csv', 'arrow', 'parquet', 'ndjson', 'json'] as const;
export type Format = (typeof FORMATS)[number];
export const REPORTS = ['tickets', 'sla-instances'] as const;
export type BenchReport = (typeof REPORTS)[number];

export const USAGE = `bench/exports: GET /v1/reports/{tickets,sla-instances}?format=… over HTTP against
PostgreSQL's own COPY (the same query) TO STDOUT (FORMAT csv) through pg, in the same run.

  npm run bench:exports -- [options]        (or: npx tsx bench/exports/run.ts [options])

  --rows N              tickets in the benchmark tenant (default 1,000,000); its sla-instances
                        report has 3 × N rows (three SLA clocks a ticket)
  --rss-rows N          clocks of the second tenant, whose sla-instances report is pulled once
                        per format for the peak RSS at that size (default 5,000,000; 0 skips it)
  --repeats N           timed runs of each format and of the COPY baseline (default 3: medians)
  --formats LIST        among ${FORMATS.join(', ')} (default all)
  --reports LIST        among ${REPORTS.join(', ')} (default both)
  --database-url URL    the PostgreSQL server (default $BENCH_DATABASE_URL or
                        postgres://postgres@127.0.0.1:5432/postgres); the data goes into the
                        database deskmetrics_bench_exports_<rows>, kept for later runs
  --reload              drop and reload that database even when it holds this generator's data
  --load-only           load (or check) the database and stop
  --rss-only            skip the timed runs: only the RSS check on fresh services
  --no-build            start dist/main.js as it is (default: \`npm run build\` first)
  --node-flags="…"      V8/Node flags for the service (default: those of \`npm start\`); with
                        the = sign, as the value starts with dashes: --node-flags="--cpu-prof"
  --sample-ms N         RSS sampling period (default 50)
  --no-wait             time even while the machine is busy (default: before each round, wait
                        up to 30 min until no vitest runs and the CPUs are 85 % idle)
  --help                this text

Exit status 1 when a target is missed or a body is wrong, 2 for a mistake in the options or
the environment (one sentence, no stack trace).`;

/** A mistake of the caller (options, environment): printed as one sentence, exit status 2. */
export class OptionError extends Error {}

export interface Options {
  rows: number;
  rssRows: number;
  repeats: number;
  formats: Format[];
  reports: BenchReport[];
  databaseUrl: string;
  reload: boolean;
  loadOnly: boolean;
  rssOnly: boolean;
  build: boolean;
  nodeFlags: string[] | null;
  sampleMs: number;
  wait: boolean;
  help: boolean;
}

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const cleaned = text.replace(/[_,]/g, '');
  const n = Number(cleaned);
  if (!/^\d+$/.test(cleaned) || n < min || n > max) {
    throw new OptionError(
      `--${name} takes a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, not "${text}"`,
    );
  }
  return n;
}

function listOf<T extends string>(name: string, text: string, allowed: readonly T[]): T[] {
  const items = text.split(',').map((s) => s.trim());
  const unknown = items.filter((s) => !(allowed as readonly string[]).includes(s));
  if (unknown.length > 0 || items.length === 0) {
    throw new OptionError(
      `--${name} takes a comma-separated list among ${allowed.join(', ')}; "${unknown.join(', ')}" is not one`,
    );
  }
  return allowed.filter((a) => items.includes(a));
}

function readArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        rows: { type: 'string', default: '1000000' },
        'rss-rows': { type: 'string', default: '5000000' },
        repeats: { type: 'string', default: '3' },
        formats: { type: 'string', default: FORMATS.join(',') },
        reports: { type: 'string', default: REPORTS.join(',') },
        'database-url': {
          type: 'string',
          default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
        },
        reload: { type: 'boolean', default: false },
        'load-only': { type: 'boolean', default: false },
        'rss-only': { type: 'boolean', default: false },
        'no-build': { type: 'boolean', default: false },
        'node-flags': { type: 'string' },
        'sample-ms': { type: 'string', default: '50' },
        'no-wait': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    // node:util words these well ("Unknown option '--x'", "Option '--rows <value>' argument missing").
    const text = (error as Error).message.replace(/\.?\s*(Did you forget|To specify).*$/s, '');
    const hint = text.includes("'--node-flags'") ? ': write it --node-flags="--flag …"' : '';
    throw new OptionError(`${text}${hint}`);
  }
}

export function parseOptions(argv: string[]): Options {
  const values = readArgs(argv);
  const url = values['database-url'];
  try {
    if (!/^postgres(ql)?:$/.test(new URL(url).protocol)) throw new Error();
  } catch {
    throw new OptionError(`--database-url must be a postgres:// URL, not "${url}"`);
  }
  const flags = values['node-flags'];
  const nodeFlags = flags === undefined ? null : flags.split(/\s+/).filter((f) => f !== '');
  if (nodeFlags?.some((f) => !f.startsWith('--'))) {
    throw new OptionError(
      `--node-flags takes Node/V8 flags such as "--max-semi-space-size=16", not "${flags}"`,
    );
  }
  const rssRows = wholeNumber('rss-rows', values['rss-rows'], 0, 20_000_000);
  if (rssRows > 0 && rssRows < 1000)
    throw new OptionError('--rss-rows is 0 (skip) or at least 1,000');
  return {
    rows: wholeNumber('rows', values.rows, 1000, 9_999_999),
    rssRows,
    repeats: wholeNumber('repeats', values.repeats, 1, 50),
    formats: listOf('formats', values.formats, FORMATS),
    reports: listOf('reports', values.reports, REPORTS),
    databaseUrl: url,
    reload: values.reload,
    loadOnly: values['load-only'],
    rssOnly: values['rss-only'],
    build: !values['no-build'],
    nodeFlags,
    sampleMs: wholeNumber('sample-ms', values['sample-ms'], 5, 5000),
    wait: !values['no-wait'],
    help: values.help,
  };
}
