/**
 * The KPI reads' query plans (spec README principle 3: "a KPI read never rescans history";
 * storage/kpi.repository.ts: "Never the event table"). Each statement a function of
 * kpi.repository.ts issues is captured through Kysely's query log, then EXPLAINed with the same
 * parameters on a migrated PostgreSQL database holding a few tickets:
 *
 * - no plan touches `ticket_event`;
 * - with `enable_seqscan` off (so the planner shows the index it would choose on a small table),
 *   each read goes through the index its migration made for it: the rollup ledgers'
 *   `<table>_bucket_idx` (0006, 0012), the open-clock `sla_clock_open_due_idx` (0003), the
 *   backlog's `backlog_segment_span_idx` (0012) and `ticket_first_solved_idx` (0012);
 * - the KPI cube's snapshot reads (storage/ledger-snapshot.repository.ts) page through the
 *   ledgers by their bucket indexes, the segments by their key, the running clocks by
 *   `sla_clock_open_due_idx`.
 */
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ContributionKind } from '../../src/core/aggregate/index.js';
import {
  backlogAt,
  countOverdueClocks,
  listPendingFcr,
  sumRollup,
  sumSketch,
  type GroupedQuery,
} from '../../src/storage/kpi.repository.js';
import {
  ledgerSpan,
  readLedgerPage,
  readOpenClockPage,
  readSegmentPage,
} from '../../src/storage/ledger-snapshot.repository.js';
import { ROLLUPS } from '../../src/storage/rollup.repository.js';
import type { DB } from '../../src/storage/schema.js';
import { createTestApp, type TestApp } from '../support/app.js';

const server = inject('testDatabase').mode === 'server';

let t: TestApp;
let pool: pg.Pool;
let logged: Kysely<DB>;
const captured: CompiledQuery[] = [];

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

/** The statements `read` issues, each EXPLAINed with its parameters: their plan nodes. */
async function plansOf(read: (db: Kysely<DB>) => Promise<unknown>) {
  captured.length = 0;
  await read(logged);
  expect(captured.length, 'the read issued a statement').toBeGreaterThan(0);
  const plans: Array<{ sql: string; nodes: PlanNode[] }> = [];
  for (const query of captured.splice(0)) {
    const { rows } = await pool.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
      `explain (format json) ${query.sql}`,
      query.parameters as unknown[],
    );
    plans.push({ sql: query.sql, nodes: nodesOf(rows[0]!['QUERY PLAN'][0]!.Plan) });
  }
  return plans;
}

/** Asserts the plans never read ticket_event, and read `table` only through `index`. */
function expectIndexRead(
  plans: Awaited<ReturnType<typeof plansOf>>,
  table: string,
  index: string,
): void {
  for (const { sql, nodes } of plans) {
    const relations = nodes.flatMap((n) => (n['Relation Name'] ? [n['Relation Name']] : []));
    expect(relations, sql).not.toContain('ticket_event');
    expect(relations, sql).toContain(table);
    const indexes = nodes.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : []));
    expect(indexes, `${table} read through ${index}: ${sql}`).toContain(index);
    const seq = nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === table);
    expect(seq, `no sequential scan of ${table}: ${sql}`).toEqual([]);
  }
}

const FROM = Date.parse('2026-11-16T00:00:00Z');
const TO = Date.parse('2026-11-23T00:00:00Z');
const NOW = Date.parse('2026-11-20T00:00:00Z');

/** Query shapes: one period or days; no groups or several; no filters or some. */
const QUERIES: Array<[string, GroupedQuery]> = [
  ['one period', { from: FROM, to: TO, periodStarts: null, groupBy: [], filters: [] }],
  [
    'days, grouped, filtered',
    {
      from: FROM,
      to: TO,
      periodStarts: Array.from({ length: 7 }, (_, i) => FROM + i * 86_400_000),
      groupBy: ['team', 'priority'],
      filters: [{ column: 'channel', values: ['email', 'phone'] }],
    },
  ],
];

const ROLLUP_KINDS = (Object.keys(ROLLUPS) as ContributionKind[]).filter(
  (k) => k !== 'sla_sketch' && k !== 'handle_sketch',
);

const event = (id: string, type: string, ticket: string, at: string, data: object) => ({
  id,
  type,
  ticket_id: ticket,
  occurred_at: at,
  actor: { type: 'agent', id: 'a-1' },
  data,
});

beforeAll(async () => {
  if (!server) return;
  t = await createTestApp({ now: () => NOW, logger: { level: 'error' } });
  await t.configure('/v1/sla-policies', {
    effective_from: '2020-01-01T00:00:00Z',
    policies: [
      {
        id: 'all',
        match: {},
        calendar_id: '24x7',
        targets: { first_response: 900, resolution: 14400 },
      },
    ],
  });
  // A few tickets of every kind of figure: solved with a touch (FCR, pending at NOW), answered
  // late, still open past due (overdue clocks), a contact (handle time), a reassignment.
  const events: object[] = [];
  for (let i = 0; i < 6; i++) {
    const ticket = `X${i}`;
    const day = `2026-11-1${6 + (i % 3)}`;
    events.push(
      event(`${ticket}-1`, 'ticket.created', ticket, `${day}T08:00:00Z`, {
        priority: i % 2 ? 'urgent' : 'normal',
        channel: i % 2 ? 'phone' : 'email',
        group: i % 2 ? 'L2' : 'L1',
        assignee_id: 'a-1',
      }),
    );
    if (i < 4) {
      events.push(
        event(`${ticket}-2`, 'ticket.message', ticket, `${day}T08:${10 + i * 5}:00Z`, {
          direction: 'outbound',
        }),
        event(`${ticket}-3`, 'contact.completed', ticket, `${day}T09:00:00Z`, {
          agent_id: 'a-1',
          talk_seconds: 120,
        }),
        event(`${ticket}-4`, 'ticket.updated', ticket, `${day}T09:10:00Z`, {
          assignee_id: 'a-2',
          tier: 2,
        }),
        event(`${ticket}-5`, 'ticket.status_changed', ticket, `${day}T10:00:00Z`, {
          status: 'solved',
        }),
      );
    }
  }
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: t.auth('events:write'),
    payload: events,
  });
  expect(res.json()).toMatchObject({ rejected: 0 });
  pool = new pg.Pool({
    connectionString: t.database.url!,
    max: 1,
    options: '-c enable_seqscan=off',
  });
  // Statistics, as autovacuum would gather them: the planner's choice between two usable
  // indexes is then the one it makes on a live database.
  await pool.query('analyze');
  logged = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => {
      if (e.level === 'query') captured.push(e.query);
    },
  });
});
afterAll(async () => {
  if (!server) return;
  await logged.destroy();
  await t.close();
});

describe.skipIf(!server)('KPI reads: plans on PostgreSQL with enable_seqscan off', () => {
  it('the session has enable_seqscan off and the reads return the stored figures', async () => {
    const { rows } = await pool.query<{ enable_seqscan: string }>('show enable_seqscan');
    expect(rows[0]!.enable_seqscan).toBe('off');
    // Not vacuous: the tables the plans read hold this tenant's rows.
    const volume = await sumRollup(logged, t.tenantId, 'volume', ['created'], QUERIES[0]![1]);
    expect(volume.reduce((n, r) => n + r.sums.created!, 0)).toBe(6);
    expect(await backlogAt(logged, t.tenantId, [NOW], [], [])).toHaveLength(2);
    captured.length = 0;
  });

  for (const [shape, q] of QUERIES) {
    for (const kind of ROLLUP_KINDS) {
      const { table, measures } = ROLLUPS[kind];
      it(`sumRollup(${kind}), ${shape}: ${table} through ${table}_bucket_idx`, async () => {
        const plans = await plansOf((db) => sumRollup(db, t.tenantId, kind, measures, q));
        expectIndexRead(plans, table, `${table}_bucket_idx`);
      });
    }
    for (const kind of ['sla_sketch', 'handle_sketch'] as const) {
      const { table } = ROLLUPS[kind];
      it(`sumSketch(${kind}), ${shape}: ${table} through ${table}_bucket_idx`, async () => {
        const plans = await plansOf((db) => sumSketch(db, t.tenantId, kind, 'x', q));
        expectIndexRead(plans, table, `${table}_bucket_idx`);
      });
    }
    it(`countOverdueClocks, ${shape}: sla_clock through sla_clock_open_due_idx`, async () => {
      const grouped = { ...q, groupBy: [...q.groupBy, 'metric'] };
      const plans = await plansOf((db) => countOverdueClocks(db, t.tenantId, NOW, grouped));
      expectIndexRead(plans, 'sla_clock', 'sla_clock_open_due_idx');
    });
  }

  it('backlogAt: backlog_segment through backlog_segment_span_idx', async () => {
    for (const [instants, groupBy, filters] of [
      [[NOW], [], []],
      [
        Array.from({ length: 7 }, (_, i) => FROM + (i + 1) * 86_400_000),
        ['team', 'policy'],
        [{ column: 'priority', values: ['urgent'] }],
      ],
    ] as const) {
      const plans = await plansOf((db) => backlogAt(db, t.tenantId, instants, groupBy, filters));
      expectIndexRead(plans, 'backlog_segment', 'backlog_segment_span_idx');
    }
  });

  it('control: backlog_segment_span_idx serves a containment predicate on the same session', async () => {
    // The index is usable here: the statement shape decides whether the planner can use it.
    const { rows } = await pool.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
      `explain (format json)
       select s.ticket_id from unnest($1::timestamptz[]) with ordinality as e(t, k)
       join backlog_segment s on s.tenant_id = $2::uuid and tstzrange(s.valid_from, s.valid_to) @> e.t`,
      [[new Date(NOW).toISOString()], t.tenantId],
    );
    const indexes = nodesOf(rows[0]!['QUERY PLAN'][0]!.Plan).map((n) => n['Index Name']);
    expect(indexes).toContain('backlog_segment_span_idx');
  });

  it('listPendingFcr: ticket through ticket_first_solved_idx', async () => {
    const plans = await plansOf((db) =>
      listPendingFcr(db, t.tenantId, FROM, TO, NOW, 7 * 86_400_000),
    );
    expectIndexRead(plans, 'ticket', 'ticket_first_solved_idx');
  });

  it('the KPI cube snapshot reads: ledger pages by bucket index, segments and open clocks by key', async () => {
    for (const kind of Object.keys(ROLLUPS) as ContributionKind[]) {
      const table = ROLLUPS[kind].table;
      expectIndexRead(
        await plansOf((db) => ledgerSpan(db, t.tenantId, kind)),
        table,
        `${table}_bucket_idx`,
      );
      const page = await plansOf((db) => readLedgerPage(db, t.tenantId, kind, FROM, TO));
      expectIndexRead(page, table, `${table}_bucket_idx`);
    }
    for (const after of [null, ['T0', 3] as const]) {
      const plans = await plansOf((db) => readSegmentPage(db, t.tenantId, after, 1000));
      expectIndexRead(plans, 'backlog_segment', 'backlog_segment_pkey');
    }
    for (const after of [null, ['T0', 'resolution', 0] as const]) {
      const plans = await plansOf((db) => readOpenClockPage(db, t.tenantId, after, 1000));
      expectIndexRead(plans, 'sla_clock', 'sla_clock_open_due_idx');
    }
  });
});
