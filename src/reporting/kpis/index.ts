/**
 * The KPI API's one entry point (api.md `/v1/kpis/*`): parses the query, derives the answer's
 * ETag, and answers — or says the caller's copy is current.
 *
 * The ETag is derived from the tenant's data version (every ingest, recomputation, compaction or
 * rebuild adds one to it), the endpoint, the query as parsed (with the tenant's default zone
 * resolved) and, for answers that change with the clock alone, the query time: an SLA range
 * reaching past now (a running clock becomes breached at `due_at` with no event), an FCR range
 * whose reopen windows are still open, a backlog as of now. Such answers never match an older
 * ETag; every other answer keeps its ETag until the data changes, and is never stale.
 */
import { createHash } from 'node:crypto';
import { comparisonShift } from '../../core/time/periods.js';
import { readKpiContext } from '../../storage/data-version.repository.js';
import { FCR_WINDOW_DAYS } from '../../tenant-config/fold-context.js';
import type { BacklogDeps } from './backlog.js';
import { backlogKpi, backlogTrendKpi } from './backlog-kpis.js';
import { runRangeKpi, type RangeKpi } from './grouped.js';
import { parseKpiQuery, type KpiQuery, type RawKpiQuery } from './query.js';
import {
  fcrKpi,
  handleTimeKpi,
  RANGE_GROUPS,
  SLA_GROUPS,
  slaKpi,
  volumeKpi,
  type KpiDeps,
} from './range-kpis.js';

export { KpiParamError } from './query.js';

export const KPI_ENDPOINTS = [
  'sla',
  'fcr',
  'handle-time',
  'volume',
  'backlog',
  'backlog-trend',
] as const;
export type KpiEndpoint = (typeof KPI_ENDPOINTS)[number];

export type KpiServiceDeps = KpiDeps & BacklogDeps;

const RANGE: Record<string, { kpi: RangeKpi<KpiDeps>; groups: typeof SLA_GROUPS }> = {
  sla: { kpi: slaKpi, groups: SLA_GROUPS },
  fcr: { kpi: fcrKpi, groups: RANGE_GROUPS },
  'handle-time': { kpi: handleTimeKpi, groups: RANGE_GROUPS },
  volume: { kpi: volumeKpi, groups: RANGE_GROUPS },
};

/** Where an answer's sums came from: the in-memory cube, or SQL over the rollups. */
export type KpiSource = 'cube' | 'sql';

export type KpiAnswer =
  | { notModified: true; etag: string }
  | { notModified: false; etag: string; body: unknown; source: KpiSource; ms: number };

/** Whether the answer can change with the clock alone, for a query with `to` (or none). */
function clockDependent(endpoint: KpiEndpoint, raw: RawKpiQuery, to: number | null, now: number) {
  if (endpoint === 'sla') return to === null || to > now;
  if (endpoint === 'fcr') return to === null || to + FCR_WINDOW_DAYS * 86_400_000 > now;
  if (endpoint === 'backlog') return raw.as_of === undefined;
  return false;
}

function etagOf(parts: readonly unknown[]): string {
  return `"${createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 27)}"`;
}

/** Whether an `If-None-Match` header value names `etag` (a list, weak forms, or `*`). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/** The first instant a range KPI reads: its `from`, or its comparison window's. */
function earliestOf(q: KpiQuery): number {
  if (q.compare === undefined) return q.from;
  return Math.min(q.from, comparisonShift(q.from, q.to, q.compare, q.timezone)(q.from));
}

async function compute(
  deps: KpiServiceDeps,
  tenantId: string,
  endpoint: KpiEndpoint,
  raw: RawKpiQuery,
  context: { now: number; tenantZone: string; version: string },
): Promise<{
  parsed: unknown;
  to: number | null;
  /** The answer, and the data version it holds (the cube's may be later than the one read). */
  run: () => Promise<{ body: unknown; source: KpiSource; version: string }>;
}> {
  if (endpoint === 'backlog' || endpoint === 'backlog-trend') {
    const answer = endpoint === 'backlog' ? backlogKpi : backlogTrendKpi;
    const run = async () => {
      const cube = await deps.cubes?.at(tenantId, context.version);
      let sql = cube === undefined;
      const onSql = () => (sql = true);
      const body = await answer(deps, tenantId, raw, { ...context, cube, onSql });
      const version = sql ? context.version : cube!.version;
      return { body, source: sql ? ('sql' as const) : ('cube' as const), version };
    };
    return { parsed: raw, to: null, run };
  }
  const { kpi, groups } = RANGE[endpoint]!;
  const q = parseKpiQuery(raw, context.tenantZone, groups);
  const run = async () => {
    const held = await deps.cubes?.at(tenantId, context.version);
    // A range reaching before the cube's horizon (tenant-cube.ts) is answered from SQL.
    const cube = held?.holds(earliestOf(q)) === true ? held : undefined;
    const version = cube?.version ?? context.version;
    const body = await runRangeKpi(kpi, deps, tenantId, q, { now: context.now, cube });
    return { body, source: cube === undefined ? ('sql' as const) : ('cube' as const), version };
  };
  return { parsed: q, to: q.to, run };
}

/** Answers one KPI request; with `ifNoneMatch` naming the current ETag, answers "not modified". */
export async function answerKpi(
  deps: KpiServiceDeps,
  tenantId: string,
  endpoint: KpiEndpoint,
  raw: RawKpiQuery,
  options: { now: number; ifNoneMatch?: string | undefined },
): Promise<KpiAnswer> {
  const { version, timezone } = await readKpiContext(deps.db, tenantId);
  const context = { now: options.now, tenantZone: timezone, version };
  const { parsed, to, run } = await compute(deps, tenantId, endpoint, raw, context);
  const clock = clockDependent(endpoint, raw, to, options.now) ? options.now : null;
  // The tenant is part of it: two tenants with the same data version must never share a tag.
  const tag = (v: string) => etagOf([tenantId, v, endpoint, parsed, timezone, clock]);
  const etag = tag(version);
  if (matchesEtag(options.ifNoneMatch, etag)) return { notModified: true, etag };
  const started = performance.now();
  const answered = await run();
  const { body, source } = answered;
  // A cube that took later commits answers for its own version: the tag names what was sent.
  const sent = answered.version === version ? etag : tag(answered.version);
  return { notModified: false, etag: sent, body, source, ms: performance.now() - started };
}
