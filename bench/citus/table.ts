/**
 * bench/citus's tables, as Markdown (pasted into bench/README.md): bench/ingest's and bench/kpis's
 * figures (their `--json` files) on the single server and on Citus side by side, per tenant and in
 * all, with Citus / single; and each node's CPU per ingested event, with what N workers would give.
 */
import { median } from '../exports/results.js';
import type { HttpFigures, TenantFigures } from '../ingest/run.js';

export interface IngestReport {
  server: string;
  options: { events: number; tenants: number; requestEvents: number; concurrency: number };
  runs: Array<{ http: HttpFigures; copy: number }>;
  median: { copy: number; http: number };
}

interface KpiTenant {
  tenantId: string;
  node: string | null;
  p50: number;
  p99: number;
  rps: number;
}

export interface KpisReport {
  server: string;
  options: { tickets: number; tenants: number; duration: number };
  questions: Array<{
    id: string;
    endpoint: string;
    label: string;
    p50: number;
    p99: number;
    rps: number;
    failures: number;
  }>;
  tenants: KpiTenant[];
  compared: number;
  mismatches: number;
}

const log = (line: string) => console.log(line);
const int = (n: number) => (Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en-US'));
const ms = (n: number) => (Number.isNaN(n) ? '–' : n >= 100 ? int(n) : n.toFixed(n >= 10 ? 1 : 2));
const ratio = (a: number, b: number) => (b > 0 && a > 0 ? `${(a / b).toFixed(2)}×` : '–');

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  log(line(header));
  log(
    `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`,
  );
  for (const r of rows) log(line(r));
}

const shortNode = (node: string | null) => node ?? '-';

function ingestTenantRows(single: TenantFigures[], citus: TenantFigures[]): string[][] {
  return single.map((s, i) => {
    const c = citus[i]!;
    return [
      `tenant ${i + 1} (${shortNode(c.node)})`,
      int(s.rate),
      int(c.rate),
      ratio(c.rate, s.rate),
      `${ms(s.p50)} / ${ms(s.p99)}`,
      `${ms(c.p50)} / ${ms(c.p99)}`,
      ratio(c.p99, s.p99),
      `${s.diffs ?? '-'} / ${c.diffs ?? '-'}`,
    ];
  });
}

/** Each node's µs per event, and what N workers would sustain. */
function printCpu(single: HttpFigures, citus: HttpFigures): void {
  if (single.cpu === null || citus.cpu === null) return;
  const pg = single.cpu.nodes[0]?.us ?? NaN;
  const coordinator = citus.cpu.nodes.find((n) => n.label === 'coordinator')?.us ?? NaN;
  const workers = citus.cpu.nodes.filter((n) => n.label.startsWith('worker'));
  const workerSum = workers.reduce((n, w) => n + w.us, 0);
  log(
    `\nCPU per ingested event (all tenants' events): service ${single.cpu.serviceUs.toFixed(1)} µs on the single server, ${citus.cpu.serviceUs.toFixed(1)} µs on Citus; PostgreSQL ${pg.toFixed(1)} µs on the single server; on Citus the coordinator ${coordinator.toFixed(1)} µs, ${workers.map((w) => `${w.label} ${w.us.toFixed(1)} µs`).join(', ')} (workers together ${workerSum.toFixed(1)} µs).`,
  );
  log(
    `With N workers the workers' ${workerSum.toFixed(1)} µs an event split over them (tenants spread evenly), the coordinator's ${coordinator.toFixed(1)} µs does not: per core, a worker saturates at N × ${int(1e6 / workerSum)} events/s, the coordinator at ${int(1e6 / coordinator)} events/s, the single server at ${int(1e6 / pg)} events/s (the service, ${int(1e6 / citus.cpu.serviceUs)} events/s a core, scales with its own processes).`,
  );
  const rows = [1, 2, 4, 8, 16].map((n) => {
    const perWorker = workerSum / n;
    return [
      `${n} worker(s)`,
      perWorker.toFixed(1),
      int((n * 1e6) / workerSum),
      int(Math.min((n * 1e6) / workerSum, 1e6 / coordinator)),
      perWorker > coordinator ? 'workers' : 'coordinator',
    ];
  });
  table(
    [
      'workers, one core each',
      'µs/event on each worker',
      'workers can take events/s',
      'with one coordinator core',
      'bound by',
    ],
    rows,
  );
}

/**
 * The repeats' medians: of the rate, of each tenant's rate, p50 and p99, and of each CPU figure
 * (over the repeats that measured it); `verify`'s differences are the first repeat's (the only one
 * verified).
 */
export function medianRun(runs: readonly HttpFigures[]): HttpFigures {
  const first = runs[0]!;
  const of = (pick: (r: HttpFigures) => number | undefined) =>
    median(runs.map(pick).filter((v): v is number => v !== undefined && !Number.isNaN(v)));
  const measured = runs.filter((r) => r.cpu !== null);
  const labels = [...new Set(measured.flatMap((r) => r.cpu!.nodes.map((n) => n.label)))];
  return {
    ...first,
    rate: of((r) => r.rate),
    seconds: of((r) => r.seconds),
    tenants: first.tenants.map((t, i) => ({
      ...t,
      rate: of((r) => r.tenants[i]?.rate),
      p50: of((r) => r.tenants[i]?.p50),
      p99: of((r) => r.tenants[i]?.p99),
    })),
    cpu:
      measured.length === 0
        ? null
        : {
            serviceUs: of((r) => r.cpu?.serviceUs),
            nodes: labels.map((label) => ({
              label,
              us: of((r) => r.cpu?.nodes.find((n) => n.label === label)?.us),
            })),
          },
  };
}

export function printIngest(single: IngestReport, citus: IngestReport): void {
  const s = medianRun(single.runs.map((r) => r.http));
  const c = medianRun(citus.runs.map((r) => r.http));
  const o = citus.options;
  log(
    `\nbench/ingest: ${int(o.events)} events over ${o.tenants} tenants (${int(o.events / o.tenants)} each, ${o.concurrency} connection(s) a tenant, ${int(o.requestEvents)} events a request), all at once; Citus with 32 shards a table. Medians of ${single.runs.length} / ${citus.runs.length} repeats (single / Citus); verify after the first.`,
  );
  table(
    ['', 'single server', 'Citus', 'Citus / single'],
    [
      ['HTTP ingest, events/s (all tenants)', int(s.rate), int(c.rate), ratio(c.rate, s.rate)],
      [
        'COPY baseline, events/s',
        int(single.median.copy),
        int(citus.median.copy),
        ratio(citus.median.copy, single.median.copy),
      ],
      [
        'HTTP / COPY',
        (s.rate / single.median.copy).toFixed(3),
        (c.rate / citus.median.copy).toFixed(3),
        '',
      ],
      [
        'verify, differences (all tenants)',
        String(s.tenants.reduce((n, t) => n + (t.diffs ?? 0), 0)),
        String(c.tenants.reduce((n, t) => n + (t.diffs ?? 0), 0)),
        '',
      ],
    ],
  );
  log('');
  table(
    [
      'tenant (Citus node)',
      'single events/s',
      'Citus events/s',
      'Citus / single',
      'single p50 / p99 ms',
      'Citus p50 / p99 ms',
      'p99 Citus / single',
      'verify diffs single / Citus',
    ],
    ingestTenantRows(s.tenants, c.tenants),
  );
  printCpu(s, c);
}

export function printKpis(single: KpisReport, citus: KpisReport): void {
  const o = citus.options;
  log(
    `\nbench/kpis: ${int(o.tickets)} tickets over ${o.tenants} tenants, every question asked of all tenants at once (1 connection a tenant for latency, 2 for throughput), ${o.duration} s a run; API vs naive SQL: ${single.mismatches} / ${citus.mismatches} mismatches of ${single.compared} / ${citus.compared} compared (single / Citus).`,
  );
  table(
    [
      'question',
      'single p50 / p99 ms',
      'Citus p50 / p99 ms',
      'p50 Citus / single',
      'single req/s',
      'Citus req/s',
    ],
    single.questions.map((q, i) => {
      const c = citus.questions[i]!;
      return [
        `${q.endpoint} ${q.label}`,
        `${ms(q.p50)} / ${ms(q.p99)}`,
        `${ms(c.p50)} / ${ms(c.p99)}`,
        ratio(c.p50, q.p50),
        int(q.rps),
        int(c.rps),
      ];
    }),
  );
  log('');
  const rows = single.tenants.map((s, i) => {
    const c = citus.tenants[i]!;
    const within = c.p50 <= 2 * s.p50 && c.p99 <= 2 * s.p99 ? 'yes' : 'NO';
    return [
      `tenant ${i + 1} (${shortNode(c.node)})`,
      `${ms(s.p50)} / ${ms(s.p99)}`,
      `${ms(c.p50)} / ${ms(c.p99)}`,
      ratio(c.p50, s.p50),
      ratio(c.p99, s.p99),
      within,
      int(s.rps),
      int(c.rps),
    ];
  });
  table(
    [
      'tenant (Citus node)',
      'single p50 / p99 ms',
      'Citus p50 / p99 ms',
      'p50 Citus / single',
      'p99 Citus / single',
      'within 2×',
      'single req/s',
      'Citus req/s',
    ],
    rows,
  );
}
