/** Command-line options of bench/ingest, each mistake answered with one sentence. */
import { parseArgs } from 'node:util';
import { BenchError } from '../citus/database.js';

export const USAGE = `bench/ingest: HTTP NDJSON ingest through the real service against a raw COPY of the same
rows, on the same PostgreSQL server (or Citus coordinator), in the same run.

  npx tsx bench/ingest/run.ts [options]

  --events N            events in all (default 1,000,000), spread evenly over the tenants
  --tenants N           tenants (default 1), each with its own API key, calendar and policies,
                        each given the same generated events; all ingested at once
  --concurrency N       connections per tenant (default 4)
  --request-events N    events per POST (default 0: one request per connection for its whole
                        stream); smaller requests give a per-request latency
  --repeats N           runs, each on fresh databases; medians reported (default 3)
  --late SHARE          share of events arriving late (default 0)
  --mode metrics|storage
  --skip-verify         skip \`verify\` of every tenant after the first metrics run
  --cpu                 CPU time per event of the service and of each PostgreSQL node
  --cpu-prof DIR        write the service's V8 CPU profile to DIR
  --json FILE           also write the figures to FILE (bench/citus reads them)
  --database-url URL    a PostgreSQL server or a Citus coordinator (default $BENCH_DATABASE_URL or
                        postgres://postgres@127.0.0.1:5432/postgres)`;

export interface IngestOptions {
  events: number;
  tenants: number;
  concurrency: number;
  requestEvents: number;
  repeats: number;
  late: number;
  mode: 'metrics' | 'storage';
  skipVerify: boolean;
  cpu: boolean;
  cpuProf: string | undefined;
  json: string | undefined;
  databaseUrl: string;
  help: boolean;
}

function whole(name: string, text: string, min: number, max: number): number {
  const cleaned = text.replace(/[_,]/g, '');
  const n = Number(cleaned);
  if (!/^\d+$/.test(cleaned) || n < min || n > max) {
    throw new BenchError(
      `--${name} takes a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, not "${text}"`,
    );
  }
  return n;
}

export function parseIngestOptions(argv: string[]): IngestOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        events: { type: 'string', default: '1000000' },
        tenants: { type: 'string', default: '1' },
        concurrency: { type: 'string', default: '4' },
        'request-events': { type: 'string', default: '0' },
        repeats: { type: 'string', default: '3' },
        late: { type: 'string', default: '0' },
        mode: { type: 'string', default: 'metrics' },
        'skip-verify': { type: 'boolean', default: false },
        cpu: { type: 'boolean', default: false },
        'cpu-prof': { type: 'string' },
        json: { type: 'string' },
        'database-url': {
          type: 'string',
          default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
        },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new BenchError((error as Error).message.replace(/\.\s*To specify.*$/s, ''));
  }
  if (values.mode !== 'metrics' && values.mode !== 'storage') {
    throw new BenchError(`--mode is metrics or storage, not "${values.mode}"`);
  }
  const late = Number(values.late);
  if (!(late >= 0 && late < 1)) {
    throw new BenchError(`--late takes a share from 0 to below 1, not "${values.late}"`);
  }
  const tenants = whole('tenants', values.tenants, 1, 64);
  const events = whole('events', values.events, 1000, 50_000_000);
  if (events % tenants !== 0) {
    throw new BenchError(`--events (${events}) must divide evenly over --tenants (${tenants})`);
  }
  return {
    events,
    tenants,
    concurrency: whole('concurrency', values.concurrency, 1, 64),
    requestEvents: whole('request-events', values['request-events'], 0, 10_000_000),
    repeats: whole('repeats', values.repeats, 1, 100),
    late,
    mode: values.mode,
    skipVerify: values['skip-verify'],
    cpu: values.cpu,
    cpuProf: values['cpu-prof'],
    json: values.json,
    databaseUrl: values['database-url'],
    help: values.help,
  };
}
