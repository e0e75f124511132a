/**
 * Several tenants at once (`--tenants N`): each question's runs go to every tenant at the same
 * time, each tenant with its own API key, parameter stream and `connections` connections; the
 * tenants' results are kept apart (per-tenant latency) and pooled (the question's figures). With
 * one tenant this is exactly one load run.
 */
import pg from 'pg';
import { loadRun, quantile, type LoadResult } from './http-load.js';
import { keyOf } from './load.js';
import type { ParamSource } from './params.js';

export interface KpiTenant {
  index: number;
  tenantId: string;
  key: string;
}

export interface TenantsResult {
  total: LoadResult;
  perTenant: LoadResult[];
}

/** The bench database's tenants in name order, with their keys (load.ts `keyOf`). */
export async function tenantsOf(url: string, expected: number): Promise<KpiTenant[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ tenant_id: string }>(
      'select tenant_id from tenant order by name',
    );
    if (rows.length !== expected)
      throw new Error(`expected ${expected} tenant(s) in the bench database, found ${rows.length}`);
    return rows.map((r, index) => ({ index, tenantId: r.tenant_id, key: keyOf(index) }));
  } finally {
    await client.end();
  }
}

/** Several runs' results as one: latencies pooled, requests/s added (the runs were concurrent). */
export function pooled(results: readonly LoadResult[]): LoadResult {
  if (results.length === 1) return results[0]!;
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return {
    requests: latencies.length,
    failures: results.reduce((n, r) => n + r.failures, 0),
    timeouts: results.reduce((n, r) => n + r.timeouts, 0),
    seconds: Math.max(...results.map((r) => r.seconds)),
    rps: results.reduce((n, r) => n + r.rps, 0),
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    latencies,
  };
}

/** One run of `endpoint` against every tenant at once. */
export async function loadTenants(options: {
  baseUrl: string;
  tenants: readonly KpiTenant[];
  endpoint: string;
  /** One parameter stream per tenant. */
  params: readonly ParamSource[];
  /** Per tenant. */
  connections: number;
  seconds?: number;
  /** Per tenant. */
  amount?: number;
}): Promise<TenantsResult> {
  const perTenant = await Promise.all(
    options.tenants.map((t, i) =>
      loadRun({
        baseUrl: options.baseUrl,
        apiKey: t.key,
        endpoint: options.endpoint,
        params: options.params[i]!,
        connections: options.connections,
        ...(options.amount !== undefined ? { amount: options.amount } : {}),
        ...(options.seconds !== undefined ? { seconds: options.seconds } : {}),
      }),
    ),
  );
  return { total: pooled(perTenant), perTenant };
}

export interface TenantSummary {
  tenantId: string;
  /** Over every question's latency runs of every repeat. */
  p50: number;
  p99: number;
  /** Requests / seconds over every question's throughput runs. */
  rps: number;
}

/** Each tenant's latency (all questions pooled) and throughput, from the per-tenant results. */
export function summarizeTenants(
  tenants: readonly KpiTenant[],
  latency: ReadonlyArray<readonly LoadResult[]>,
  throughput: ReadonlyArray<readonly LoadResult[]>,
): TenantSummary[] {
  return tenants.map((t, i) => {
    const lat = pooled(latency.map((runs) => runs[i]!));
    const runs = throughput.map((r) => r[i]!);
    const requests = runs.reduce((n, r) => n + r.requests, 0);
    const seconds = runs.reduce((n, r) => n + r.seconds, 0);
    return { tenantId: t.tenantId, p50: lat.p50, p99: lat.p99, rps: requests / seconds };
  });
}
