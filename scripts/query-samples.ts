/**
 * What scripts/generate-queries.ts renders into queries/, and how: the sample arguments each
 * exported function of a repository is called with ({@link SAMPLES}), and which SQL outside the
 * repositories it leaves out.
 *
 * SAMPLES is keyed by function name, not by module: a function moving between repositories keeps
 * its samples. Every exported function of a repository is listed — with sample calls, or as
 * `{ skip: reason }` when it runs no SQL (one that takes a database cannot be skipped).
 */
import type { CopyIn } from '../src/storage/database.js';
import {
  REPORT_NAMES,
  reportStatement,
  type ReportParams,
} from '../src/storage/reports/statements.js';
import { ROLLUPS } from '../src/storage/rollup.repository.js';

export type Row = Record<string, unknown>;

/** What a sample's arguments may use besides plain values. */
export interface SampleContext {
  /** Records the COPY statement: the server's bulk path. */
  copyIn: CopyIn;
  /** Records the COPY statement, then fails as a duplicate key would (SQLSTATE 23505). */
  copyInDuplicate: CopyIn;
}

export interface SampleCall {
  /** Names the call after the function's name; required when a function has several calls. */
  label?: string;
  /** The arguments after the database (which the renderer passes first). */
  args: (ctx: SampleContext) => unknown[];
  /** The rows each statement answers, by its index in the call (default: none). */
  rows?: Row[] | ((index: number) => Row[]);
}

export type Sample = SampleCall[] | { skip: string };
export type SampleTable = Readonly<Record<string, Sample>>;

const TENANT = '00000000-0000-4000-8000-000000000001';
const JOB = '00000000-0000-4000-8000-000000000002';
const EPOCH = new Date(0);
const one = (label: string, args: SampleCall['args'], rows?: SampleCall['rows']): SampleCall =>
  rows === undefined ? { label, args } : { label, args, rows };

/** A ticket write with one row of each derived table; `previous` as the cache would hold it. */
function ticketWrite(ticketId: string, extra: Row = {}): Row {
  return {
    ticketId,
    state: { last: { occurredAt: 0, seq: 1 } },
    derived: {
      ticket: { exists: true, status: 'open', created_at: 0, deleted: false, group: 'tier1' },
      clocks: [{ metric: 'first_response', cycle: 0, status: 'active', started_at: 0 }],
      contacts: [{ ended_at: 0, started_at: 0, handle_seconds: 60 }],
      backlog_segments: [{ from: 0, to: null, status: 'open', calendar_id: 'office' }],
    },
    contributions: [],
    configRevision: 1,
    ...extra,
  };
}

/**
 * Two existing tickets: one whose stored rows are unknown (all replaced), one whose cached rows
 * include rows no longer derived (deleted by key).
 */
const TICKET_WRITES = [
  ticketWrite('T-1'),
  ticketWrite('T-2', {
    previous: {
      clocks: 'T-2\tnext_response\t1\t',
      contacts: 'T-2\t0\t\nT-2\t1\t',
      segments: 'T-2\t0\t\nT-2\t1\t',
    },
  }),
];

/** One contribution of every rollup kind, each with a non-zero measure. */
const CONTRIBUTIONS = (
  [
    ['sla', 'achieved'],
    ['fcr', 'solved'],
    ['volume', 'created'],
    ['handle_time', 'contacts'],
    ['escalation', 'escalations'],
    ['reassignment', 'reassignments'],
    ['backlog_flow', 'entered'],
  ] as const
).map(([kind, measure]) => ({ kind, bucket: 0, dims: {}, measures: { [measure]: 1 } }));

/**
 * A ledger row as compactRollups' delete returns it, with the columns of every ledger, and the
 * count of the ledger's rows (and the data version, for the statement that bumps it).
 */
const LEDGER_ROW: Row = {
  bucket: EPOCH,
  metric: 'first_response',
  team: 'tier1',
  agent: 'A-1',
  priority: 'high',
  channel: 'email',
  category: '',
  policy: '',
  from_tier: '1',
  bin: 0,
  ...Object.fromEntries(Object.values(ROLLUPS).flatMap((s) => s.measures.map((m) => [m, '1']))),
  ledger_rows: '3',
  version: '9',
};

const DAY_MS = 86_400_000;
const PRIORITY_FILTER = [{ column: 'priority', values: ['high', 'urgent'] }];
/** KPI ranges: a day as one period, and two days by day, team and metric. */
const WHOLE_DAY = { from: 0, to: DAY_MS, periodStarts: null, groupBy: [], filters: [] };
const BY_DAY_AND_TEAM = {
  from: 0,
  to: 2 * DAY_MS,
  periodStarts: [0, DAY_MS],
  groupBy: ['team', 'metric'],
  filters: PRIORITY_FILTER,
};

/** An event as ingest stores it (ticket-event.repository's EventRow). */
const EVENT_ROW = {
  eventId: 'E-1',
  ticketId: 'T-1',
  type: 'ticket.created',
  occurredAt: 0,
  actorType: 'agent',
  actorId: 'A-1',
  dataJson: '{}',
  contentHash: '00',
};

const JOB_ROW = {
  tenant_id: TENANT,
  job_id: JOB,
  scope: 'all',
  scope_from: null,
  cursor: null,
  started_at: null,
  total: 10,
  done: 0,
};

/** A SCRAM verifier as reporting-password.ts computes it (fixed, so queries/ does not change). */
const VERIFIER =
  'SCRAM-SHA-256$4096:c2FtcGxlLXNhbHQtMTYtYg==$MmZCb3ZzUkVzMG5ENnN4UjJEVjBRRE1vbm1NR0VrZz0=:c2VydmVyLWtleS1zYW1wbGUtMzItYnl0ZXMtbG9uZyE=';
const REPORTING_ROLE = { tenantId: TENANT, roleName: 'acme_bi', passwordVerifier: VERIFIER };
/** What reporting-role.repository's first statement finds: the database, the role, its tenant. */
const roleState = (roleExists: boolean, tenantId: string | null) => [
  { database: 'deskmetrics', role_exists: roleExists, tenant_id: tenantId },
];

const REPORTING_ROLE_SAMPLES: SampleTable = {
  reportingRoleNameProblem: { skip: 'checks a name in memory' },
  createReportingRole: [
    one('a new role', () => [REPORTING_ROLE], roleState(false, null)),
    one('a new password for an existing one', () => [REPORTING_ROLE], roleState(true, TENANT)),
    one(
      'refused: a role that is not a reporting role',
      () => [REPORTING_ROLE],
      roleState(true, null),
    ),
  ],
  dropReportingRole: [
    one(
      'a reporting role',
      () => ['acme_bi'],
      (i) => (i === 0 ? [{ tenant_id: TENANT }] : roleState(true, null)),
    ),
    one('not a reporting role', () => ['postgres']),
  ],
  listReportingRoles: [one('every tenant', () => []), one('one tenant', () => [TENANT])],
  onCitus: [{ args: () => [], rows: [{ citus: false }] }],
};

/** cluster.repository (`deskmetrics doctor`, issue 18): catalog reads, with and without Citus. */
const CLUSTER_SAMPLES: SampleTable = {
  readServerInfo: [{ args: () => [], rows: [{ version: '15.20', database: 'deskmetrics' }] }],
  findCitusExtension: [
    one('without the extension', () => [], [{ installed: null, available: null }]),
    one(
      'with the extension',
      () => [],
      (i) => (i === 0 ? [{ installed: '13.2-1', available: '13.2-1' }] : [{ coordinator: true }]),
    ),
  ],
  listClusterNodes: [{ args: () => [] }],
  listNodeWalLevels: [{ args: () => [] }],
  listColocationGroups: [{ args: () => [] }],
  findLatestRebalance: [{ args: () => [] }],
  listPublicTables: [
    one('plain PostgreSQL', () => [{ citus: false }]),
    one('on Citus', () => [{ citus: true }]),
  ],
};

/** table-maintenance.repository: the service's own autovacuum (catalog reads, VACUUM, ANALYZE). */
const MAINTENANCE_SAMPLES: SampleTable = {
  readMaintenanceSettings: [{ args: () => [] }],
  readTableActivity: [{ args: () => [] }],
  dueWork: { skip: "applies autovacuum's thresholds in memory" },
  maintainTable: [
    one('vacuum, throttled', () => ['ticket', 'vacuum', 2], [{ pid: 42 }]),
    one('analyze, not throttled', () => ['ticket', 'analyze', 0], [{ pid: 42 }]),
    one('both', () => ['sla_clock', 'vacuum analyze', 0], [{ pid: 42 }]),
  ],
  cancelBackend: [{ args: () => [42], rows: [{ cancelled: true }] }],
};

/**
 * Every exported function of every repository, by name: sample calls, or why it runs no SQL.
 * A function with branches in its SQL has a call per branch worth reviewing.
 */
/** A report read of one day, filtered by team (statements.ts inlines every value). */
const REPORT_PARAMS: ReportParams = {
  tenantId: TENANT,
  now: DAY_MS,
  zone: 'Europe/Warsaw',
  from: 0,
  to: DAY_MS,
  filters: { team: ['L1'] },
};

export const SAMPLES: SampleTable = {
  // calendar.repository
  insertCalendarVersion: [
    {
      args: () => [TENANT, 'office', 0, { timezone: 'UTC', week: {} }],
      rows: [
        {
          calendar_id: 'office',
          version: 1,
          effective_from: EPOCH,
          definition: {},
          created_at: EPOCH,
        },
      ],
    },
  ],
  listCalendarVersions: [
    one('every calendar', () => [TENANT]),
    one('one calendar', () => [TENANT, 'office']),
  ],

  // data-version.repository
  bumpDataVersion: [{ args: () => [TENANT], rows: [{ version: '8' }] }],
  readKpiContext: [{ args: () => [TENANT], rows: [{ version: '3', timezone: 'UTC' }] }],

  // kpi.repository
  sumRollup: [
    one('one period, not grouped', () => [TENANT, 'sla', ['achieved', 'breached'], WHOLE_DAY]),
    one('by period and group, filtered', () => [
      TENANT,
      'sla',
      ['achieved', 'breached'],
      BY_DAY_AND_TEAM,
    ]),
  ],
  sumSketch: [
    one('one period, not grouped', () => [TENANT, 'sla_sketch', 'elapsed', WHOLE_DAY]),
    // Handle sketches have no metric column: grouped by team alone, as the KPI API groups them.
    one('by period and group, filtered', () => [
      TENANT,
      'handle_sketch',
      'handle',
      { ...BY_DAY_AND_TEAM, groupBy: ['team'] },
    ]),
  ],
  countOverdueClocks: [
    one('one period, not grouped', () => [TENANT, DAY_MS, WHOLE_DAY]),
    one('by period and group, filtered', () => [TENANT, DAY_MS, BY_DAY_AND_TEAM]),
  ],
  backlogAt: [
    one('not grouped', () => [TENANT, [0, DAY_MS], [], []]),
    one('grouped, filtered', () => [TENANT, [0, DAY_MS], ['team', 'policy'], PRIORITY_FILTER]),
  ],

  listPendingFcr: [{ args: () => [TENANT, 0, 2 * DAY_MS, DAY_MS, 7 * DAY_MS] }],

  // ledger-snapshot.repository
  openLedgerSnapshot: [{ args: () => [TENANT], rows: [{ version: '7' }] }],
  ledgerSpan: [{ args: () => [TENANT, 'sla_sketch'] }],
  readLedgerPage: [{ args: () => [TENANT, 'sla', 0, 28 * DAY_MS] }],
  readOpenClockPage: [
    one('first page', () => [TENANT, null, 20_000]),
    one('next page', () => [TENANT, ['ticket-1', 'resolution', 0], 20_000]),
  ],
  readSegmentPage: [
    one('first page', () => [TENANT, null, 20_000]),
    one('next page', () => [TENANT, ['ticket-1', 2], 20_000]),
    one('next page, from a horizon', () => [TENANT, ['ticket-1', 2], 20_000, 400 * DAY_MS]),
  ],

  // report.repository
  readReportSnapshot: [
    one('full pull', () => [TENANT, null], [{ snapshot: '10:10:', rebuilt: null }]),
    one('incremental pull', () => [TENANT, '10:12:11'], [{ snapshot: '12:12:', rebuilt: false }]),
  ],
  declareReportCursor: REPORT_NAMES.flatMap((name) => [
    one(`${name}, full`, () => [reportStatement(name, REPORT_PARAMS, 'rows')]),
    one(`${name}, full, as CSV (COPY on a server)`, () => [
      reportStatement(name, REPORT_PARAMS, 'csv'),
    ]),
    one(`${name}, incremental`, () => [
      reportStatement(
        name,
        { ...REPORT_PARAMS, filters: {}, since: { snapshot: '10:12:11', now: 0 } },
        'rows',
      ),
    ]),
  ]),
  fetchReportRows: [{ args: () => [] }],
  openReportRead: { skip: 'holds a connection; begins the read on it' },
  closeReportRead: { skip: 'ends the read openReportRead began' },
  reportRows: { skip: 'runs declareReportCursor / fetchReportRows, or COPY of the same statement' },
  reportCsv: { skip: 'runs COPY of the statement declareReportCursor renders as CSV' },

  // report-change.repository
  recordRollupChanges: [{ args: () => [TENANT, CONTRIBUTIONS] }],

  // agent-activity.repository
  countAgentResponses: [{ args: () => [TENANT, { from: 0, to: DAY_MS, periodStarts: [0] }] }],

  // rebuild.repository
  listAllTicketIds: [{ args: () => [TENANT] }],
  loadStoredRows: (['ticket', 'sla_clock', 'contact', 'backlog_segment'] as const).map((table) =>
    one(table, () => [TENANT, table, ['T-1', 'T-2']]),
  ),

  // recompute-job.repository
  createRecomputeJob: [
    one('every ticket, nothing to do', () => [TENANT, 'calendar changed', { kind: 'all' }]),
    one('tickets active since', () => [TENANT, 'policy changed', { kind: 'activity', from: 0 }], [
      { n: '3' },
    ]),
    one('tickets created since', () => [TENANT, 'policy changed', { kind: 'created', from: 0 }], [
      { n: '3' },
    ]),
  ],
  findRecomputeJob: [{ args: () => [TENANT, JOB] }],
  nextPendingRecomputeJob: [{ args: () => [] }],
  markRecomputeJobFailed: [{ args: () => [TENANT, JOB, 'boom'] }],
  lockRecomputeJob: [{ args: () => [TENANT, JOB], rows: [JOB_ROW] }],
  nextRecomputeBatch: [
    one('first batch, every ticket', () => [JOB_ROW, 500]),
    one('after the cursor, tickets active since', () => [
      { ...JOB_ROW, scope: 'activity', scope_from: EPOCH, cursor: 'T-1' },
      500,
    ]),
    one('after the cursor, tickets created since', () => [
      { ...JOB_ROW, scope: 'created', scope_from: EPOCH, cursor: 'T-1' },
      500,
    ]),
  ],
  recordRecomputeBatch: [
    one('first batch', () => [JOB_ROW, 5, 'T-5', false]),
    one('last batch', () => [{ ...JOB_ROW, started_at: EPOCH, done: 5 }, 5, 'T-10', true]),
  ],

  // rollup.repository
  applyRollupDeltas: [
    one('by insert', () => [TENANT, CONTRIBUTIONS]),
    one('by COPY (server)', ({ copyIn }) => [TENANT, CONTRIBUTIONS, copyIn]),
  ],
  // Each ledger's delete returns two rows of one key, whose sum is inserted back.
  compactRollups: [
    one('whole ledger', () => [TENANT], [LEDGER_ROW, LEDGER_ROW]),
    one('from a bucket on', () => [TENANT, { since: 400 * DAY_MS }], [LEDGER_ROW, LEDGER_ROW]),
  ],
  readRollups: [{ args: () => [TENANT] }],
  summed: { skip: 'builds the statement readRollups and readLedgerPage run' },
  contributionOf: { skip: 'converts a row readRollups and readLedgerPage read' },
  clearDerived: [{ args: () => [TENANT], rows: (i) => (i === 1 ? [{ version: '9' }] : []) }],
  rollupRowsJson: { skip: 'serialises rows as JSON (tests compare rollupCopyText with it)' },
  hasNonZero: { skip: 'tests a contribution in memory' },
  rollupCopyText: { skip: 'serialises rows for applyRollupDeltas' },

  // sla-policy.repository
  insertPolicyVersion: [
    {
      args: () => [TENANT, 0, []],
      rows: [{ version: 1, effective_from: EPOCH, policies: [], created_at: EPOCH }],
    },
  ],
  listPolicyVersions: [{ args: () => [TENANT] }],

  // tenant.repository
  createTenant: [{ args: () => ['default'] }],
  countTenants: [{ args: () => [], rows: [{ n: '1' }] }],
  findTenant: [{ args: () => [TENANT] }],
  listTenants: [{ args: () => [] }],
  listTenantIds: [{ args: () => [] }],
  lockFirstTenantCreation: [{ args: () => [] }],
  createApiKey: [
    { args: () => [{ tenantId: TENANT, name: 'admin', scopes: ['admin'], key: 'dm_sample' }] },
  ],
  findApiKey: [{ args: () => ['dm_sample', EPOCH] }],
  touchApiKey: [{ args: () => [{ tenantId: TENANT, keyId: 'abcdefgh' }, EPOCH] }],
  listApiKeys: [one('every tenant', () => []), one('one tenant', () => [TENANT])],
  revokeApiKey: [
    one('any tenant', () => ['abcdefgh']),
    one('one tenant', () => ['abcdefgh', TENANT]),
  ],

  // audit.repository
  insertAudit: [
    {
      args: () => [
        {
          tenantId: TENANT,
          actor: { kind: 'key', keyId: 'abcdefgh', keyName: 'admin', requestId: 'req-1' },
          action: 'calendar.changed',
          target: 'office',
          details: { effective_from: '2026-01-01T00:00:00.000Z' },
        },
      ],
    },
  ],
  listAudit: [
    one('all', () => [TENANT, { limit: 1000 }]),
    one('filtered', () => [
      TENANT,
      { from: 0, to: 86_400_000, actions: ['key.created'], after: '10', limit: 100 },
    ]),
  ],
  findTenantSettings: [
    {
      args: () => [TENANT],
      rows: [
        { tenant_id: TENANT, name: 'default', timezone: 'UTC', default_calendar_id: 'office' },
      ],
    },
  ],
  updateTenantSettings: [
    {
      args: () => [
        TENANT,
        { name: 'Acme', timezone: 'Europe/Paris', default_calendar_id: 'office' },
      ],
      rows: [{ default_calendar_id: 'office' }],
    },
  ],
  readConfigRevision: [
    one('plain read', () => [TENANT, false]),
    one('share-locked', () => [TENANT, true]),
  ],
  bumpConfigRevision: [{ args: () => [TENANT] }],
  lockTenantConfig: [
    one('shared', () => [TENANT, 'shared']),
    one('exclusive', () => [TENANT, 'exclusive']),
  ],
  hashKey: { skip: 'hashes a key in memory' },
  generateKey: { skip: 'generates a key in memory' },
  keyIdOf: { skip: 'reads the key id off a key' },
  keyIdArgument: { skip: 'reads the key id off what a user typed' },
  isScope: { skip: 'a type guard' },
  hasScope: { skip: 'compares scopes in memory' },

  // ticket-event.repository
  insertEvents: [{ args: () => [TENANT, [EVENT_ROW]] }],
  findContentHashes: [{ args: () => [TENANT, ['E-1', 'E-2']] }],
  countEvents: [{ args: () => [TENANT], rows: [{ n: '0' }] }],
  allocateSeqs: [{ args: () => [2], rows: [{ s: '1,2' }] }],
  copyEvents: [
    one('all new', ({ copyIn }) => [TENANT, [EVENT_ROW], [1], copyIn]),
    one('an id already stored', ({ copyInDuplicate }) => [
      TENANT,
      [EVENT_ROW],
      [1],
      copyInDuplicate,
    ]),
  ],
  loadTicketEvents: [{ args: () => [TENANT, ['T-1', 'T-2']] }],
  eventsCopyText: { skip: 'serialises events as COPY text (COPY_EVENTS_STATEMENT)' },
  coreEventData: { skip: 'converts stored event data in memory' },
  storedEventToCore: { skip: 'converts a stored event in memory' },

  // ticket-fold-failure.repository
  recordFoldFailures: [{ args: () => [TENANT, new Map([['T-1', 'boom']])] }],
  clearFoldFailures: [{ args: () => [TENANT, ['T-1']] }],
  listFoldFailures: [{ args: () => [TENANT] }],

  // ticket-read.repository
  findDerivedTicket: [{ args: () => [TENANT, 'T-1'] }],
  listTicketClocks: [{ args: () => [TENANT, 'T-1'] }],

  // ticket-lock.repository, ticket-write.repository
  lockTickets: [
    one('stored tickets', () => [TENANT, ['T-2', 'T-1']], [
      {
        ticket_id: 'T-1',
        exists: true,
        rev: '1',
        config_revision: 1,
        fold_failed: false,
        xid: '2',
      },
    ]),
    one(
      'only new tickets',
      () => [TENANT, ['T-3']],
      (i) => (i === 0 ? [] : [{ xid: '2' }]),
    ),
  ],
  loadContributions: [{ args: () => [TENANT, ['T-1', 'T-2']] }],
  insertTickets: [
    one('by insert', () => [TENANT, TICKET_WRITES, '2']),
    one('by COPY (server)', ({ copyIn }) => [TENANT, TICKET_WRITES, '2', copyIn]),
    one('by COPY, another transaction created one of them', ({ copyInDuplicate }) => [
      TENANT,
      TICKET_WRITES,
      '2',
      copyInDuplicate,
    ]),
  ],
  writeTickets: [
    one('by upsert', () => [TENANT, TICKET_WRITES]),
    one('by COPY (server)', ({ copyIn }) => [TENANT, TICKET_WRITES, copyIn]),
  ],
  planTicketWrites: { skip: 'plans the rows writeTickets sends, in memory' },

  // work-queue.repository
  listQueueClocks: [
    one('first page', () => [TENANT, { limit: 50 }, EPOCH]),
    one('breached, one metric, after a key', () => [
      TENANT,
      {
        slaStatus: 'breached',
        metric: 'first_response',
        after: {
          due: '1970-01-01T00:00:00.000Z',
          ticketId: 'T-1',
          metric: 'first_response',
          cycle: 0,
        },
        limit: 50,
      },
      EPOCH,
    ]),
    one('at risk', () => [TENANT, { slaStatus: 'at_risk', limit: 50 }, EPOCH]),
    one('active', () => [TENANT, { slaStatus: 'active', limit: 50 }, EPOCH]),
    one('paused', () => [TENANT, { slaStatus: 'paused', limit: 50 }, EPOCH]),
    one('at risk of one team and priority', () => [
      TENANT,
      { slaStatus: 'at_risk', filters: { team: ['L1'], priority: ['high', 'urgent'] }, limit: 50 },
      EPOCH,
    ]),
    one('decided in a week, one metric and channel (dashboard drill-down)', () => [
      TENANT,
      {
        metric: 'first_response',
        filters: { channel: ['email'] },
        decided: { from: EPOCH, to: new Date(EPOCH.getTime() + 7 * 86_400_000) },
        limit: 50,
      },
      EPOCH,
    ]),
    one('breached in a week', () => [
      TENANT,
      {
        slaStatus: 'breached',
        decided: { from: EPOCH, to: new Date(EPOCH.getTime() + 7 * 86_400_000) },
        limit: 50,
      },
      EPOCH,
    ]),
  ],

  // ---------------------------------------------------------------------------------------------
  // reporting-role.repository (direct SQL for BI tools, issue 14): kept together at the end.
  ...REPORTING_ROLE_SAMPLES,
  // cluster.repository (deskmetrics doctor, issue 18)
  ...CLUSTER_SAMPLES,
  ...MAINTENANCE_SAMPLES,
};

/**
 * Modules (relative to src/, `/`-separated) whose SQL is not about tenant data: not rendered.
 */
export const NOT_TENANT_DATA: Readonly<Record<string, string>> = {
  'storage/migrator.ts': 'migrations: the schema, not tenant data (migrations/ is their record)',
  'storage/readiness.ts': 'the readiness probe (select 1)',
  'storage/time-zones.ts': 'a probe of the time zone names the database knows',
};
