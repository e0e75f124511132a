/**
 * bench/citus: bench/ingest and bench/kpis on a single PostgreSQL server and on a Citus cluster in
 * the same run, with the tenants spread over the workers, and the figures side by side: each
 * tenant's throughput and latency, Citus / single, verify's differences, and each node's CPU per
 * ingested event (what N workers would give). See bench/README.md, "Citus".
 *
 *   npx tsx bench/citus/run.ts --citus-url postgres://postgres@127.0.0.1:9750/postgres
 *   npm run bench:citus -- --citus-url … [--database-url …] [--events 160000] [--tickets 16000] …
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { BenchError, probeServer } from './database.js';
import { printIngest, printKpis, type IngestReport, type KpisReport } from './table.js';

const USAGE = `bench/citus: bench/ingest and bench/kpis on a single PostgreSQL server and on a Citus cluster,
in the same run, with the figures side by side.

  npx tsx bench/citus/run.ts --citus-url URL [options]

  --citus-url URL       a Citus coordinator (required; e.g. what \`citus-cluster start\` prints)
  --database-url URL    the single server (default postgres://postgres@127.0.0.1:5432/postgres)
  --tenants N           tenants, spread over the workers (default 8)
  --events N            bench/ingest events in all (default 160,000: 20,000 a tenant)
  --request-events N    bench/ingest events a request (default 1,000)
  --tickets N           bench/kpis tickets in all (default 16,000: 2,000 a tenant)
  --duration S          bench/kpis seconds of each run (default 3)
  --repeats N           repeats of each bench, medians reported (default 3)
  --only LIST           bench/kpis questions (default all ten)
  --skip-kpis           bench/ingest only`;

interface Options {
  citusUrl: string;
  databaseUrl: string;
  tenants: string;
  events: string;
  requestEvents: string;
  tickets: string;
  duration: string;
  repeats: string;
  only: string | undefined;
  skipKpis: boolean;
}

function parse(argv: string[]): Options | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'citus-url': { type: 'string' },
        'database-url': {
          type: 'string',
          default: 'postgres://postgres@127.0.0.1:5432/postgres',
        },
        tenants: { type: 'string', default: '8' },
        events: { type: 'string', default: '160000' },
        'request-events': { type: 'string', default: '1000' },
        tickets: { type: 'string', default: '16000' },
        repeats: { type: 'string', default: '3' },
        duration: { type: 'string', default: '3' },
        only: { type: 'string' },
        'skip-kpis': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new BenchError((error as Error).message.replace(/\.\s*To specify.*$/s, ''));
  }
  if (values.help) return undefined;
  if (values['citus-url'] === undefined) {
    throw new BenchError(
      'bench/citus needs --citus-url, the URL of a Citus coordinator (as `citus-cluster start` prints it)',
    );
  }
  return {
    citusUrl: values['citus-url'],
    databaseUrl: values['database-url'],
    tenants: values.tenants,
    events: values.events,
    requestEvents: values['request-events'],
    tickets: values.tickets,
    duration: values.duration,
    repeats: values.repeats,
    only: values.only,
    skipKpis: values['skip-kpis'],
  };
}

/** Runs a bench script as a child, its output prefixed; resolves with its exit status. */
function runChild(label: string, script: string, args: string[]): Promise<number> {
  console.log(`\n=== ${label}: npx tsx ${script} ${args.join(' ')}`);
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`[${label}] ${line}`));
  }
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

function readJson<T>(file: string, label: string, code: number): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    throw new Error(
      `${label} ended with status ${code} without its figures (see its output above)`,
    );
  }
}

async function main(): Promise<number> {
  const options = parse(process.argv.slice(2));
  if (options === undefined) {
    console.log(USAGE);
    return 0;
  }
  const citus = await probeServer(options.citusUrl, '--citus-url');
  if (citus.workers === undefined) {
    throw new BenchError(
      `--citus-url ${options.citusUrl} is not a Citus coordinator (no citus extension in its database)`,
    );
  }
  const single = await probeServer(options.databaseUrl);
  if (single.workers !== undefined) {
    throw new BenchError(
      `--database-url ${options.databaseUrl} must be a single PostgreSQL server, not Citus`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-citus-'));
  const servers = [
    { name: 'single', url: options.databaseUrl },
    { name: 'citus', url: options.citusUrl },
  ] as const;
  let status = 0;
  try {
    const ingest: IngestReport[] = [];
    for (const s of servers) {
      const file = join(dir, `ingest-${s.name}.json`);
      const code = await runChild(`ingest ${s.name}`, 'bench/ingest/run.ts', [
        ...['--database-url', s.url, '--tenants', options.tenants, '--events', options.events],
        ...['--concurrency', '1', '--request-events', options.requestEvents],
        ...['--repeats', options.repeats],
        ...['--cpu', '--json', file],
      ]);
      ingest.push(readJson<IngestReport>(file, `bench/ingest on ${s.name}`, code));
      if (code !== 0) status = 1;
    }
    const kpis: KpisReport[] = [];
    if (!options.skipKpis) {
      for (const s of servers) {
        const file = join(dir, `kpis-${s.name}.json`);
        // Exit status 1 is also a missed latency target, which 8 tenants at once on two shared
        // cores may well give: only the figures' mismatches and failures count here.
        const code = await runChild(`kpis ${s.name}`, 'bench/kpis/run.ts', [
          ...['--database-url', s.url, '--tenants', options.tenants, '--tickets', options.tickets],
          ...['--duration', options.duration, '--repeats', options.repeats],
          ...['--naive', '1', '--reload'],
          ...['--latency-connections', '1', '--connections', '2', '--explain', 'none'],
          ...(options.only === undefined ? [] : ['--only', options.only]),
          ...['--json', file],
        ]);
        kpis.push(readJson<KpisReport>(file, `bench/kpis on ${s.name}`, code));
      }
    }
    console.log('\n=== Citus next to the single server, same run');
    printIngest(ingest[0]!, ingest[1]!);
    if (kpis.length === 2) {
      printKpis(kpis[0]!, kpis[1]!);
      if (kpis.some((k) => k.mismatches > 0 || k.questions.some((q) => q.failures > 0))) status = 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return status;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof BenchError) {
      console.error(`bench/citus: ${error.message}.`);
      process.exit(2);
    }
    const e = error as Error;
    console.error(`bench/citus failed: ${e.message ?? String(error)}`);
    if (process.env.BENCH_DEBUG) console.error(e.stack);
    process.exit(1);
  },
);
