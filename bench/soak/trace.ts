/**
 * `--trace FILE`: what a minute's p99 is made of. Every answered soak request becomes a line
 * (`r`, seconds from the soak's start to its scheduled instant, what it was, its latency in ms),
 * and every second the database's maintenance in progress (`m`, the second, the statement: the
 * service's or autovacuum's vacuums and analyzes, from `pg_stat_activity`) and the service's
 * event-loop delay, GC time and major GCs since the last second, from its `/metrics` (`s`). At the end, for each
 * of ingest and reads, the share of the slowest 1 % of each minute scheduled in a second with
 * maintenance running, against the share of seconds with maintenance running.
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

  request(kind: 'ingest' | 'read', what: string, due: number, ms: number): void {
    const t = (due - this.start) / 1000;
    this.requests.push({ t, kind, ms });
    this.out.write(`r ${t.toFixed(3)} ${what} ${ms.toFixed(1)}\n`);
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
      await this.sampleService(second);
    } catch {
      // A sample missed (the database busy or gone at the end) is a second without a record.
    } finally {
      this.busy = false;
    }
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
    }
    return lines;
  }
}

function pct(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((part / whole) * 100).toFixed(0)} %`;
}
