/**
 * `--trace FILE`: what a minute's p99 is made of. Every answered soak request becomes a line
 * (`r`, seconds from the soak's start to its scheduled instant, what it was, its latency in ms),
 * and every second the database's maintenance in progress (`m`, the second, the statement: the
 * service's or autovacuum's vacuums and analyzes, from `pg_stat_activity`) and the service's
 * event-loop delay, GC time and major GCs since the last second, from its `/metrics` (`s`). At the end, for each
 * of ingest and reads, the share of the slowest 1 % of each minute scheduled in a second with
 * maintenance running, against the share of seconds with maintenance running. Ingest lines carry
 * the request's phases (`ingestPhases`), and every second the wait events of the database's busy
 * backends are written (`w`: `Lock:transactionid=2`, say; idle-in-transaction backends waiting for
 * the service count as `Client:ClientRead` and are left out), and the statements running for half
 * a second or more (`q`).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import pg from 'pg';
import { now } from './context.js';

const { Client } = pg;
/** An event-loop delay this long (ms) counts as a stall of the service's thread. */
const STALL_MS = 100;

interface Request {
  t: number;
  kind: 'ingest' | 'read';
  ms: number;
  /** An ingest request's phases (ms): `queue` (behind its lane's previous request) and the service's. */
  phases?: Map<string, number>;
}

/**
 * An ingest request's phases: the time it waited for its lane's previous request (`queue`, the
 * bench's), then those of its `Server-Timing` header (read, begin, store, lock, fold, write,
 * version, commit: src/ingest/phase-timings.ts). The rest of its latency is the network and the
 * service's event loop before and after the handler.
 */
export function ingestPhases(queuedMs: number, timing: string | null): Map<string, number> {
  const phases = new Map<string, number>([['queue', queuedMs]]);
  for (const part of (timing ?? '').split(',')) {
    const match = /^\s*([\w-]+);dur=([0-9.]+)\s*$/.exec(part);
    if (match) phases.set(match[1]!, Number(match[2]));
  }
  return phases;
}

export class Trace {
  private readonly out: WriteStream;
  private readonly requests: Request[] = [];
  /** Seconds (from the start) with maintenance running, and what ran. */
  private readonly maintenance = new Map<number, string>();
  /** Seconds (from the start) whose event-loop delay reached STALL_MS. */
  private readonly stalls = new Set<number>();
  private gcSeconds = 0;
  private majors = 0;
  private seconds = 0;
  private timer: NodeJS.Timeout | undefined;
  private client: pg.Client | undefined;
  private busy = false;
  private start = 0;

  constructor(
    file: string,
    private readonly databaseUrl: string,
    private readonly serviceUrl: string,
  ) {
    this.out = createWriteStream(file);
  }

  /** Starts the clock (the soak's start, performance.now() ms) and the once-a-second samples. */
  async begin(start: number): Promise<void> {
    this.start = start;
    this.client = new Client({ connectionString: this.databaseUrl });
    await this.client.connect();
    this.timer = setInterval(() => void this.sample(), 1000);
  }

  request(
    kind: 'ingest' | 'read',
    what: string,
    due: number,
    ms: number,
    phases?: Map<string, number>,
  ): void {
    const t = (due - this.start) / 1000;
    this.requests.push({ t, kind, ms, ...(phases && { phases }) });
    const detail = phases ? [...phases].map(([k, v]) => ` ${k}=${v.toFixed(0)}`).join('') : '';
    this.out.write(`r ${t.toFixed(3)} ${what} ${ms.toFixed(1)}${detail}\n`);
  }

  private async sample(): Promise<void> {
    if (this.busy || this.client === undefined) return;
    this.busy = true;
    const second = Math.floor((now() - this.start) / 1000);
    try {
      const { rows } = await this.client.query<{ query: string }>(
        `select left(regexp_replace(query, '\\s+', ' ', 'g'), 60) as query from pg_stat_activity
          where datname = current_database() and state = 'active'
            and (query ~* '^\\s*(vacuum|analyze)' or backend_type = 'autovacuum worker')`,
      );
      this.seconds = Math.max(this.seconds, second + 1);
      if (rows.length > 0) {
        const what = rows.map((r) => r.query).join('; ');
        this.maintenance.set(second, what);
        this.out.write(`m ${second} ${what}\n`);
      }
      await this.sampleWaits(second);
      await this.sampleLongStatements(second);
      await this.sampleService(second);
    } catch {
      // A sample missed (the database busy or gone at the end) is a second without a record.
    } finally {
      this.busy = false;
    }
  }

  /** What the soak database's active backends were waiting on at the sample (`w` lines). */
  private async sampleWaits(second: number): Promise<void> {
    const { rows } = await this.client!.query<{ wait: string; n: string }>(
      `select wait_event_type || ':' || wait_event as wait, count(*) as n from pg_stat_activity
        where datname = current_database() and state <> 'idle' and pid <> pg_backend_pid()
          and wait_event is not null and wait_event <> 'ClientRead'
        group by 1 order by 1`,
    );
    if (rows.length > 0)
      this.out.write(`w ${second} ${rows.map((r) => `${r.wait}=${r.n}`).join(' ')}\n`);
  }

  /**
   * The soak database's other statements running for half a second or more at the sample (`q`
   * lines: seconds so far, the statement's start): a rollup compaction, a slow ingest write.
   */
  private async sampleLongStatements(second: number): Promise<void> {
    const { rows } = await this.client!.query<{ s: number; query: string }>(
      `select round(extract(epoch from now() - query_start)::numeric, 1)::float8 as s,
          left(regexp_replace(query, '\\s+', ' ', 'g'), 80) as query
        from pg_stat_activity
        where datname = current_database() and state = 'active' and pid <> pg_backend_pid()
          and now() - query_start >= interval '0.5 s'
          and query !~* '^\\s*(vacuum|analyze)' and backend_type = 'client backend'
        order by query_start`,
    );
    for (const r of rows) this.out.write(`q ${second} ${r.s}s ${r.query}\n`);
  }

  /** The event loop's largest delay since the last scrape (prom-client resets it) and GC time. */
  private async sampleService(second: number): Promise<void> {
    const res = await fetch(`${this.serviceUrl}/metrics`, { signal: AbortSignal.timeout(900) });
    const text = await res.text();
    const value = (name: string) =>
      [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
    const lagMs = value('nodejs_eventloop_lag_max_seconds') * 1000;
    const gc = value('nodejs_gc_duration_seconds_sum');
    const majors = [
      ...text.matchAll(/^nodejs_gc_duration_seconds_count\{kind="major"\} ([0-9.e+-]+)$/gm),
    ].reduce((sum, m) => sum + Number(m[1]), 0);
    const major = this.majors === 0 ? 0 : majors - this.majors;
    this.majors = majors;
    const gcMs = this.gcSeconds === 0 ? 0 : (gc - this.gcSeconds) * 1000;
    this.gcSeconds = gc;
    if (lagMs >= STALL_MS) this.stalls.add(second);
    this.out.write(`s ${second} lag ${lagMs.toFixed(0)} gc ${gcMs.toFixed(0)} major ${major}\n`);
  }

  async end(): Promise<void> {
    clearInterval(this.timer);
    await this.client?.end().catch(() => undefined);
    await new Promise<void>((resolve) => this.out.end(resolve));
  }

  /** The summary lines (see the module's comment). */
  summary(): string[] {
    const running = (t: number) => this.maintenance.has(Math.floor(t));
    const lines = [
      `trace: maintenance (vacuum/analyze) ran in ${this.maintenance.size} of ${this.seconds} seconds sampled (${pct(this.maintenance.size, this.seconds)}); the service's event loop stalled ${STALL_MS} ms or more in ${this.stalls.size} (${pct(this.stalls.size, this.seconds)})`,
    ];
    for (const kind of ['ingest', 'read'] as const) {
      const slowest: Request[] = [];
      const all = this.requests.filter((r) => r.kind === kind);
      const minutes = new Map<number, Request[]>();
      for (const r of all) {
        const m = Math.floor(r.t / 60);
        const list = minutes.get(m) ?? [];
        list.push(r);
        minutes.set(m, list);
      }
      for (const list of minutes.values()) {
        list.sort((a, b) => b.ms - a.ms);
        slowest.push(...list.slice(0, Math.max(1, Math.ceil(list.length / 100))));
      }
      const share = (test: (t: number) => boolean) =>
        `${pct(slowest.filter((r) => test(r.t)).length, slowest.length)} (all requests: ${pct(all.filter((r) => test(r.t)).length, all.length)})`;
      const stalled = (t: number) =>
        this.stalls.has(Math.floor(t)) || this.stalls.has(Math.floor(t) + 1);
      lines.push(
        `  ${kind}: the slowest 1 % of each minute, ${slowest.length} requests: scheduled while maintenance ran ${share(running)}; in or just before a second with an event-loop delay of ${STALL_MS} ms or more ${share(stalled)}`,
      );
      if (kind === 'ingest') lines.push(phaseLine(all, slowest));
    }
    return lines;
  }
}

/** Each phase's median over all ingest requests against its mean over the slowest 1 %. */
function phaseLine(all: readonly Request[], slowest: readonly Request[]): string {
  const names = [...new Set(all.flatMap((r) => [...(r.phases?.keys() ?? [])]))];
  const of = (list: readonly Request[], name: string) =>
    list.map((r) => r.phases?.get(name)).filter((v): v is number => v !== undefined);
  const parts = names.map((name) => {
    const every = of(all, name).sort((a, b) => a - b);
    const slow = of(slowest, name);
    const median = every[Math.floor(every.length / 2)] ?? 0;
    const mean = slow.reduce((a, b) => a + b, 0) / Math.max(1, slow.length);
    return `${name} ${median.toFixed(0)}/${mean.toFixed(0)}`;
  });
  return `  ingest phases, ms (median of all / mean of the slowest 1 %): ${parts.join(', ')}`;
}

function pct(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((part / whole) * 100).toFixed(0)} %`;
}
