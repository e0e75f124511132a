/**
 * Where one KPI request's time goes: the request answered in this process by the service's own
 * code (reporting/kpis `answerKpi`, the statements of storage/kpi.repository.ts) on a Kysely
 * instance that records every statement with its duration; then `EXPLAIN (ANALYZE, BUFFERS)` of
 * the slowest one with the same parameters.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { answerKpi, type KpiEndpoint } from '../../src/reporting/kpis/index.js';
import type { DB } from '../../src/storage/schema.js';
import { CalendarRegistry } from '../../src/tenant-config/calendar-registry.js';
import type { Params } from './params.js';

interface Statement {
  sql: string;
  parameters: readonly unknown[];
  ms: number;
}

export interface Explained {
  totalMs: number;
  statements: Array<{ sql: string; ms: number }>;
  slowest: { sql: string; parameters: readonly unknown[]; plan: string } | null;
}

const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim();

export async function explainRequest(
  url: string,
  tenantId: string,
  endpoint: string,
  params: Params,
): Promise<Explained> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  let recording: Statement[] = [];
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query') {
        recording.push({
          sql: event.query.sql,
          parameters: event.query.parameters,
          ms: event.queryDurationMillis,
        });
      }
    },
  });
  try {
    const deps = { db, calendars: new CalendarRegistry() };
    const ask = () =>
      answerKpi(deps, tenantId, endpoint as KpiEndpoint, params, { now: Date.now() });
    await ask(); // warm: calendars, plans, pages
    recording = [];
    const t0 = performance.now();
    await ask();
    const totalMs = performance.now() - t0;
    const statements = recording.map((s) => ({ sql: oneLine(s.sql), ms: s.ms }));
    const slowest = [...recording].sort((a, b) => b.ms - a.ms)[0];
    let plan: Explained['slowest'] = null;
    if (slowest !== undefined) {
      const { rows } = await pool.query<{ 'QUERY PLAN': string }>(
        `explain (analyze, buffers) ${slowest.sql}`,
        slowest.parameters as unknown[],
      );
      plan = {
        sql: oneLine(slowest.sql),
        parameters: slowest.parameters,
        plan: rows.map((r) => r['QUERY PLAN']).join('\n'),
      };
    }
    return { totalMs, statements, slowest: plan };
  } finally {
    await db.destroy();
  }
}
