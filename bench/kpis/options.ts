/** Command-line options of bench/kpis, checked with a sentence for every mistake. */
import { parseArgs } from 'node:util';

export const USAGE = `bench/kpis: the KPI API (GET /v1/kpis/*) under load against the naive SQL an analyst
would write over the per-ticket tables, on a generated help desk loaded through POST /v1/events.

  npm run bench:kpis -- [options]
  npx tsx bench/kpis/run.ts [options]

Data
  --tickets N          tickets to generate (default 1,000,000; about 7.3 events each, over two
                       years). Loaded once into the database deskmetrics_bench_kpis_<N> and reused
                       while it holds the same generator version, N and seed.
  --tenants N          tenants the tickets are spread over (default 1), each with its own API key,
                       calendar and policies and tickets/N tickets (seed + its index), loaded at
                       once; every request runs against every tenant at once (the connections
                       below are per tenant) and each tenant's latency is reported
  --seed N             the generator's seed (default 20261203)
  --reload             load again even when the database is current
  --load-only          load (or check) the database, then stop
  --load-connections N connections the load streams NDJSON over (default 4)
  --database-url URL   the PostgreSQL server or Citus coordinator (default $BENCH_DATABASE_URL or
                       postgres://postgres@127.0.0.1:5432/postgres); the bench database is created
                       on it (on Citus distributed over the workers, 32 shards a table)

Measurement
  --repeats N          timed runs of every question; medians are reported (default 3)
  --duration S         seconds of each of the two API runs per question per repeat (default 10)
  --latency-connections N
                       concurrent HTTP connections of the latency run (default 1: one request at
                       a time, like the naive SQL); its p50/p95/p99 are the ones reported, checked
                       against the p95 targets and divided into the naive SQL's latency
  --connections N      concurrent HTTP connections of the throughput run (default 16): requests/s
                       and the latency under that load, reported alongside (not a target)
  --naive N            naive SQL queries per question per repeat (default 3); each is also asked
                       of the API and the two answers are compared
  --only LIST          comma list of endpoints or question ids (e.g. sla,backlog or
                       sla-team-week); default every question
  --explain WHEN       EXPLAIN ANALYZE of the slowest statement of one API request:
                       missed (default: questions that missed a target), all, none
  --json FILE          also write the figures to FILE (bench/citus reads them)
  --help               this text

Exit status 1 when a target is missed or the API and the naive SQL disagree.`;

export class OptionError extends Error {}

export interface Options {
  tickets: number;
  tenants: number;
  seed: number;
  reload: boolean;
  loadOnly: boolean;
  loadConnections: number;
  databaseUrl: string;
  repeats: number;
  duration: number;
  latencyConnections: number;
  connections: number;
  naive: number;
  only: string[] | null;
  explain: 'missed' | 'all' | 'none';
  json: string | undefined;
  help: boolean;
}

function positiveInt(name: string, text: string, min = 1, max = 1e9): number {
  const cleaned = text.replace(/[_,]/g, '');
  const n = Number(cleaned);
  if (!/^\d+$/.test(cleaned) || n < min || n > max) {
    throw new OptionError(
      `--${name} takes a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, not "${text}"`,
    );
  }
  return n;
}

export function parseOptions(argv: string[], known: readonly string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        tickets: { type: 'string', default: '1000000' },
        tenants: { type: 'string', default: '1' },
        json: { type: 'string' },
        seed: { type: 'string', default: '20261203' },
        reload: { type: 'boolean', default: false },
        'load-only': { type: 'boolean', default: false },
        'load-connections': { type: 'string', default: '4' },
        'database-url': {
          type: 'string',
          default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
        },
        repeats: { type: 'string', default: '3' },
        duration: { type: 'string', default: '10' },
        'latency-connections': { type: 'string', default: '1' },
        connections: { type: 'string', default: '16' },
        naive: { type: 'string', default: '3' },
        only: { type: 'string' },
        explain: { type: 'string', default: 'missed' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    // node:util words these well ("Unknown option '--x'", "Option '--tickets <value>' argument missing").
    throw new OptionError(`${(error as Error).message.replace(/\.\s*To specify.*$/s, '')}`);
  }
  const url = values['database-url'];
  try {
    const u = new URL(url);
    if (!/^postgres(ql)?:$/.test(u.protocol)) throw new Error();
  } catch {
    throw new OptionError(`--database-url must be a postgres:// URL, not "${url}"`);
  }
  const explain = values.explain;
  if (!['missed', 'all', 'none'].includes(explain)) {
    throw new OptionError(`--explain is one of missed, all, none, not "${explain}"`);
  }
  let only: string[] | null = null;
  if (values.only !== undefined) {
    only = values.only.split(',').map((s) => s.trim());
    const unknown = only.filter((s) => !known.includes(s));
    if (unknown.length > 0 || only.length === 0) {
      throw new OptionError(
        `--only takes endpoints or question ids among ${known.join(', ')}; "${unknown.join(', ')}" is not one`,
      );
    }
  }
  const tickets = positiveInt('tickets', values.tickets, 100, 20_000_000);
  const tenants = positiveInt('tenants', values.tenants, 1, 64);
  if (tickets % tenants !== 0) {
    throw new OptionError(`--tickets (${tickets}) must divide evenly over --tenants (${tenants})`);
  }
  return {
    tickets,
    tenants,
    seed: positiveInt('seed', values.seed, 0, 2 ** 32 - 1),
    reload: values.reload,
    loadOnly: values['load-only'],
    loadConnections: positiveInt('load-connections', values['load-connections'], 1, 64),
    databaseUrl: url,
    repeats: positiveInt('repeats', values.repeats, 1, 100),
    duration: positiveInt('duration', values.duration, 1, 3600),
    latencyConnections: positiveInt('latency-connections', values['latency-connections'], 1, 64),
    connections: positiveInt('connections', values.connections, 1, 1024),
    naive: positiveInt('naive', values.naive, 0, 1000),
    only,
    explain: explain as Options['explain'],
    json: values.json,
    help: values.help,
  };
}
