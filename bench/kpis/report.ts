/**
 * What bench/kpis adds with several tenants or on Citus: each tenant's latency (every question's
 * latency runs pooled) and requests/s (its throughput runs), where each tenant lives on Citus,
 * and, with `--json`, the figures for bench/citus.
 */
import { writeFileSync } from 'node:fs';
import type { Server } from '../citus/database.js';
import { describePlacements, placementOf } from '../citus/tenants.js';
import type { Options } from './options.js';
import type { Measured } from './run.js';
import type { Scenario } from './scenarios.js';
import { summarizeTenants, type KpiTenant, type TenantSummary } from './tenants.js';

const fmt = (n: number) => (Number.isNaN(n) ? '–' : n >= 100 ? n.toFixed(0) : n.toFixed(2));

function median(xs: readonly number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function writeReport(input: {
  options: Options;
  server: Server;
  url: string;
  tenants: readonly KpiTenant[];
  scenarios: readonly Scenario[];
  results: Map<string, Measured>;
  log: (line: string) => void;
}): Promise<void> {
  const { tenants, results, log } = input;
  const measured = input.scenarios.map((s) => results.get(s.id)!);
  const summaries: Array<TenantSummary & { node: string | null }> = [];
  const onCitus = input.server.workers !== undefined;
  const latency = measured.flatMap((m) => m.latencyTenants);
  const throughput = measured.flatMap((m) => m.throughputTenants);
  for (const [i, t] of summarizeTenants(tenants, latency, throughput).entries()) {
    const node = onCitus ? (await placementOf(input.url, tenants[i]!.tenantId)).node : null;
    summaries.push({ ...t, node });
  }
  if (tenants.length > 1 || onCitus) {
    log(
      `\nPer tenant, every question pooled: p50/p99 ms of the latency runs (${input.options.latencyConnections} connection(s) each, all tenants at once), req/s of the throughput runs (${input.options.connections} each)`,
    );
    log('  tenant                                node              p50 ms   p99 ms    req/s');
    for (const t of summaries)
      log(
        `  ${t.tenantId}  ${(t.node ?? '-').padEnd(16)} ${fmt(t.p50).padStart(7)}  ${fmt(t.p99).padStart(7)}  ${fmt(t.rps).padStart(7)}`,
      );
  }
  if (onCitus) {
    log('\nWhere the tenants live (their ticket_event shard; the rest of the group with it):');
    for (const line of await describePlacements(input.url, tenants)) log(`  ${line}`);
  }
  if (input.options.json === undefined) return;
  const questions = input.scenarios.map((s, i) => {
    const m = measured[i]!;
    return {
      id: s.id,
      endpoint: s.endpoint,
      label: s.label,
      p50: median(m.latency.map((r) => r.p50)),
      p95: median(m.latency.map((r) => r.p95)),
      p99: median(m.latency.map((r) => r.p99)),
      rps: median(m.throughput.map((r) => r.rps)),
      failures: [...m.latency, ...m.throughput].reduce((n, r) => n + r.failures, 0),
    };
  });
  const mismatches = measured.reduce((n, m) => n + m.mismatches.length, 0);
  const compared = measured.reduce((n, m) => n + m.compared, 0);
  const report = {
    server: onCitus ? 'citus' : 'postgres',
    options: input.options,
    questions,
    tenants: summaries,
    compared,
    mismatches,
  };
  writeFileSync(input.options.json, JSON.stringify(report));
}
