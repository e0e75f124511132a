/**
 * Direct SQL for BI tools (issue 14): the `reporting` views (migration 0014) and the login roles
 * `deskmetrics reporting-role` creates for them.
 *
 * On every database: the views have the HTTP reports' columns (names, order, SQL types) with
 * their descriptions as comments, and the command's mistakes are answered with one sentence —
 * on the embedded database, that it offers no logins.
 *
 * On a PostgreSQL server only (PGlite has no logins to connect as): two tenants ingest events
 * with the same ticket ids; a role created for tenant A, connected as itself, reads exactly A's
 * rows of each view — the rows GET /v1/reports/{name} gives A — and nothing of B's; it cannot read
 * any table, create anything or write; and a leaky function in its own WHERE clause sees only A's
 * rows, though it sees B's through the same view without security_barrier.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { EMBEDDED_HAS_NO_LOGINS, NOT_ON_CITUS } from '../../src/cli/reporting-role.js';
import { describeFailure, ExplainedError, UsageError } from '../../src/failure.js';
import { scramSha256Verifier } from '../../src/storage/reporting-password.js';
import { dropReportingRole } from '../../src/storage/reporting-role.repository.js';
import {
  REPORT_NAMES,
  reportColumns,
  type ReportName,
} from '../../src/storage/reports/statements.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

type Row = Record<string, unknown>;

const testDatabase = inject('testDatabase');
const onServer = testDatabase.mode === 'server';

const VIEWS: Record<ReportName, string> = {
  tickets: 'tickets',
  'sla-instances': 'sla_instances',
  contacts: 'contacts',
  'status-intervals': 'status_intervals',
  'kpi-daily': 'kpi_daily',
};
/** The row key of each report: rows are compared in this order. */
const KEYS: Record<ReportName, string[]> = {
  tickets: ['ticket_id'],
  'sla-instances': ['ticket_id', 'metric', 'cycle'],
  contacts: ['ticket_id', 'n'],
  'status-intervals': ['ticket_id', 'n'],
  'kpi-daily': ['day', 'team', 'priority', 'channel'],
};
const SQL_TYPES = {
  string: 'text',
  int: 'bigint',
  float: 'double precision',
  bool: 'boolean',
  timestamp: 'timestamp with time zone',
};

const byKey = (keys: string[]) => (a: Row, b: Row) => {
  for (const k of keys) {
    const x = String(a[k]);
    const y = String(b[k]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
};

/** bigint as a number and a date as its text, as the HTTP reports' JSON has them. */
const AS_JSON = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): unknown => {
    if (oid === 20) return Number;
    if (oid === 1082) return (text: string) => text;
    return pg.types.getTypeParser(oid, format);
  },
};

/** runCli as a user runs it, with what it printed; a mistake is thrown. */
async function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    expect(await runCli(argv, env)).toBe(0);
    return log.mock.calls.map((c) => c.join(' ')).join('\n');
  } finally {
    log.mockRestore();
  }
}

async function mistake(argv: string[], env: NodeJS.ProcessEnv) {
  const error = await runCli(argv, env).then(
    () => expect.unreachable(`${argv.join(' ')} succeeded`),
    (e: unknown) => e,
  );
  return { error, ...describeFailure(error) };
}

describe('the reporting views', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.close());

  it.each(REPORT_NAMES)(
    '%s: the report’s columns but deleted, in order, typed and described',
    async (report) => {
      const view = `reporting.${VIEWS[report]}`;
      const { rows } = await sql<Row>`
      select a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
        col_description(a.attrelid, a.attnum) as description
      from pg_attribute a
      where a.attrelid = ${view}::regclass and a.attnum > 0 and not a.attisdropped
      order by a.attnum`.execute(database.db);
      const expected = reportColumns(report)
        .filter((c) => c.name !== 'deleted')
        .map((c) =>
          // A local date is a date in SQL (a YYYY-MM-DD string over HTTP), of the tenant's zone.
          report === 'kpi-daily' && c.name === 'day'
            ? {
                name: 'day',
                type: 'date',
                description: 'The local date in the tenant’s time zone (tenant.timezone).',
              }
            : { name: c.name, type: SQL_TYPES[c.type], description: c.description },
        );
      expect(rows).toEqual(expected);
    },
  );

  it('are the only relations of the schema, each a described security barrier', async () => {
    const { rows } = await sql<{ name: string; kind: string; options: string[] | null }>`
      select c.relname as name, c.relkind as kind, c.reloptions as options,
        obj_description(c.oid, 'pg_class') as description
      from pg_class c
      where c.relnamespace = 'reporting'::regnamespace
      order by c.relname`.execute(database.db);
    expect(rows.map((r) => r.name)).toEqual(Object.values(VIEWS).sort());
    for (const r of rows) {
      expect(r).toMatchObject({ kind: 'v', description: expect.stringMatching(/^\S.+\.\)?$/) });
      expect(r.options).toEqual(
        expect.arrayContaining(['security_barrier=true', 'security_invoker=false']),
      );
    }
  });
});

describe('deskmetrics reporting-role mistakes', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'dm-reporting-'));
  });
  afterAll(async () => rm(scratch, { recursive: true, force: true }));
  const tenant = '00000000-0000-4000-8000-000000000001';

  it.each([
    [['reporting-role'], 'reporting-role needs an action: create, drop or list'],
    [['reporting-role', 'grant'], 'unknown reporting-role action "grant" (create, drop or list)'],
    [
      ['reporting-role', 'create', '--name', 'bi'],
      'reporting-role create needs --tenant <id> and --name <role>',
    ],
    [['reporting-role', 'drop'], 'reporting-role drop needs --name <role>'],
    [['reporting-role', 'list', '--name', 'bi'], 'reporting-role list takes no --name'],
    [
      ['reporting-role', 'create', '--tenant', tenant, '--name', 'Robert"; drop table ticket; --'],
      '--name takes a role name of 1 to 63 lower-case letters, digits and underscores, not starting with a digit; got "Robert"; drop table ticket; --"',
    ],
    [
      ['reporting-role', 'create', '--tenant', tenant, '--name', 'pg_monitor'],
      '"pg_monitor" is reserved by PostgreSQL: choose another --name',
    ],
    [
      ['reporting-role', 'create', '--tenant', tenant, '--name', 'bi', '--password', 'short'],
      '--password must be 12 to 128 printable ASCII characters without spaces (leave it out to have one generated)',
    ],
    [
      ['reporting-role', 'create', '--tenant', 'acme', '--name', 'bi'],
      '--tenant takes a tenant id (a UUID; "deskmetrics tenants list" shows them), got "acme"',
    ],
  ])('%j is a usage mistake: exit 2', async (argv, sentence) => {
    const { error, text, exitCode } = await mistake(argv, { DATABASE_URL: 'postgres://nowhere/x' });
    expect(error).toBeInstanceOf(UsageError);
    expect({ text, exitCode }).toEqual({ text: sentence, exitCode: 2 });
  });

  it('on the embedded database: one sentence, exit 1, and no database is opened', async () => {
    const dataDir = path.join(scratch, 'data');
    for (const argv of [
      ['reporting-role', 'create', '--tenant', tenant, '--name', 'bi'],
      ['reporting-role', 'drop', '--name', 'bi'],
      ['reporting-role', 'list'],
    ]) {
      const { error, text, exitCode } = await mistake(argv, { DESKMETRICS_DATA_DIR: dataDir });
      expect(error).toBeInstanceOf(ExplainedError);
      expect({ text, exitCode }).toEqual({ text: EMBEDDED_HAS_NO_LOGINS, exitCode: 1 });
    }
    await expect(stat(dataDir)).rejects.toThrow(/ENOENT/);
  });
});

describe.skipIf(testDatabase.mode !== 'citus')('a reporting role on Citus', () => {
  it('is refused with one sentence, and no role is made', async () => {
    const t = await createTestApp({ logger: { level: 'error' } });
    try {
      const role = `${testDatabase.mode === 'citus' ? testDatabase.prefix : 'none'}_bi_citus`;
      const argv = ['reporting-role', 'create', '--tenant', t.tenantId, '--name', role];
      const { error, text, exitCode } = await mistake(argv, { DATABASE_URL: t.database.url! });
      expect(error).toBeInstanceOf(ExplainedError);
      expect({ text, exitCode }).toEqual({ text: NOT_ON_CITUS, exitCode: 1 });
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_roles where rolname = ${role}`.execute(t.database.db);
      expect(rows[0]!.n).toBe(0);
    } finally {
      await t.close();
    }
  });
});

describe.skipIf(!onServer)(
  'a reporting role (a PostgreSQL server only: the embedded database has no logins; refused on Citus)',
  { timeout: 120_000 },
  () => {
    // Roles are cluster-wide: named after this run, dropped in afterAll.
    const run = testDatabase.mode !== 'pglite' ? testDatabase.prefix : 'none';
    const roleA = `${run}_bi_a`;
    const roleB = `${run}_bi_b`;
    let t: TestApp;
    let tenantB: { tenantId: string; adminKey: string };
    let env: NodeJS.ProcessEnv;
    let urlA: string;
    const clients: pg.Client[] = [];

    // Ten days ago at midnight UTC: every open clock is long breached, whatever the clock says.
    const base = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 10 * 86_400_000;
    const at = (hours: number) => new Date(base + hours * 3_600_000).toISOString();

    function events(team: string, priority: string): object[] {
      const agent = { type: 'agent', id: `${team}-ag` };
      const ev = (id: string, type: string, ticket: string, hours: number, data: object) => ({
        id,
        type,
        ticket_id: ticket,
        occurred_at: at(hours),
        actor: agent,
        data,
      });
      const created = (ticket: string, hours: number) =>
        ev(`${ticket}-c`, 'ticket.created', ticket, hours, {
          priority,
          channel: 'email',
          group: team,
          assignee_id: `${team}-ag`,
          requester_id: `${team}-customer`,
          tier: 1,
        });
      return [
        // T1: answered, a call, solved, closed.
        created('T1', 9),
        ev('T1-r', 'ticket.message', 'T1', 9.5, { direction: 'outbound' }),
        ev('T1-k', 'contact.completed', 'T1', 10, {
          agent_id: `${team}-ag`,
          talk_seconds: 300,
          hold_seconds: 20,
          wrap_seconds: 45,
        }),
        ev('T1-s', 'ticket.status_changed', 'T1', 11, { status: 'solved' }),
        ev('T1-x', 'ticket.status_changed', 'T1', 30, { status: 'closed' }),
        // T2: created at 02:00 UTC (the day before in Bogotá, UTC−5), never answered, pending.
        created('T2', 26),
        ev('T2-p', 'ticket.status_changed', 'T2', 28, { status: 'pending' }),
        // T3: created and deleted: in no view.
        created('T3', 12),
        ev('T3-d', 'ticket.deleted', 'T3', 13, { reason: 'spam' }),
      ];
    }

    async function post(authorization: string, body: object[]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization },
        payload: body,
      });
      expect(res.json()).toMatchObject({ rejected: 0 });
    }

    async function connectAs(url: string): Promise<{ client: pg.Client; notices: string[] }> {
      const client = new pg.Client({ connectionString: url, types: AS_JSON });
      const notices: string[] = [];
      client.on('notice', (n) => notices.push(n.message ?? ''));
      await client.connect();
      clients.push(client);
      return { client, notices };
    }

    /** The SQLSTATE `statement` fails with. */
    async function refusal(client: pg.Client, statement: string): Promise<string | undefined> {
      return client.query(statement).then(
        () => undefined,
        (e: { code?: string }) => e.code,
      );
    }

    const policies = {
      effective_from: '2020-01-01T00:00:00Z',
      policies: [
        {
          id: 'std',
          calendar_id: '24x7',
          targets: { first_response: 3600, resolution: 86400 },
        },
      ],
    };

    beforeAll(async () => {
      t = await createTestApp({ logger: { level: 'error' } });
      env = { DATABASE_URL: t.database.url! };
      tenantB = await t.addTenant('B');
      const bearer = (key: string) => `Bearer ${key}`;
      for (const [key, zone] of [
        [t.keys.admin, 'America/Bogota'],
        [tenantB.adminKey, 'UTC'],
      ] as const) {
        for (const [url, body] of [
          ['/v1/tenant', { timezone: zone }],
          ['/v1/sla-policies', policies],
        ] as const) {
          const res = await t.app.inject({
            method: 'PUT',
            url,
            headers: { authorization: bearer(key) },
            payload: body,
          });
          expect(res.statusCode, res.body).toBe(200);
        }
      }
      await t.app.services.jobs.runUntilIdle();
      await post(bearer(t.keys['events:write']), events('A-team', 'high'));
      await post(bearer(tenantB.adminKey), [
        ...events('B-team', 'low'),
        { ...events('B-team', 'low')[0]!, id: 'T9-c', ticket_id: 'T9' },
      ]);
      const printed = await cli(
        ['reporting-role', 'create', '--tenant', t.tenantId, '--name', roleA],
        env,
      );
      urlA = /^url +(\S+)$/m.exec(printed)![1]!;
    });

    afterAll(async () => {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      for (const role of [roleA, roleB]) await dropReportingRole(t.database.db, role);
      await t.close();
    });

    it('create prints the role, its tenant, its password and a URL to connect with', async () => {
      const printed = await cli(
        ['reporting-role', 'create', '--tenant', tenantB.tenantId, '--name', roleB],
        env,
      );
      const password = /^password +(\S+)$/m.exec(printed)![1]!;
      expect(password).toMatch(/^[\w-]{32}$/);
      const url = new URL(/^url +(\S+)$/m.exec(printed)![1]!);
      expect({ user: url.username, password: url.password, path: url.pathname }).toEqual({
        user: roleB,
        password,
        path: new URL(env.DATABASE_URL!).pathname,
      });
      expect(printed).toContain(`role      ${roleB} (created)\ntenant    ${tenantB.tenantId}`);
      expect(await cli(['reporting-role', 'list', '--tenant', tenantB.tenantId], env)).toMatch(
        new RegExp(`^${roleB}\t${tenantB.tenantId}\t\\d{4}-.+Z$`),
      );
    });

    it.each(REPORT_NAMES)('%s: exactly tenant A’s rows of GET /v1/reports', async (report) => {
      const { client } = await connectAs(urlA);
      const view = (await client.query<Row>(`select * from reporting.${VIEWS[report]}`)).rows;
      const res = await t.app.inject({
        url: `/v1/reports/${report}?format=json`,
        headers: t.auth('reports:read'),
      });
      expect(res.statusCode, res.body).toBe(200);
      const http = res.json<{ rows: Row[] }>().rows.map(({ deleted: _deleted, ...row }) => row);
      const asJson = view.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
        ),
      );
      expect(view.length).toBeGreaterThan(0);
      expect(asJson.sort(byKey(KEYS[report]))).toEqual(http.sort(byKey(KEYS[report])));
      const b = new Set(['B-team', 'B-team-ag', 'B-team-customer', 'low', 'T9']);
      expect(view.filter((row) => Object.values(row).some((v) => b.has(v as string)))).toEqual([]);
    });

    it('reads local days of the tenant’s zone in kpi_daily', async () => {
      const { client } = await connectAs(urlA);
      const { rows } = await client.query<Row>(
        'select day, day_start, created from reporting.kpi_daily where created > 0 order by day',
      );
      const day = (hours: number) =>
        new Date(base + hours * 3_600_000 - 5 * 3_600_000).toISOString().slice(0, 10);
      // T1 at 09:00 UTC; T2 at 02:00 UTC the next day, still the day before in Bogotá.
      expect(rows.map((r) => [r.day, r.created])).toEqual([[day(9), 2]]);
      expect((rows[0]!.day_start as Date).toISOString()).toBe(
        new Date(base + 5 * 3_600_000).toISOString(),
      );
    });

    it('cannot read any table', async () => {
      const { client } = await connectAs(urlA);
      const { rows } = await client.query<{ name: string }>(
        `select n.nspname || '.' || c.relname as name
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm')`,
      );
      expect(rows.map((r) => r.name)).toEqual(
        expect.arrayContaining(['public.ticket', 'public.ticket_event', 'public.reporting_role']),
      );
      for (const { name } of rows) {
        expect(await refusal(client, `select * from ${name} limit 1`), name).toBe('42501');
      }
    });

    it('is read-only, and cannot write or create anything in a read-write transaction', async () => {
      const { client } = await connectAs(urlA);
      const readOnly = await client.query<Row>('show default_transaction_read_only');
      expect(readOnly.rows[0]).toEqual({ default_transaction_read_only: 'on' });
      expect(await refusal(client, 'create temporary table scratch (a int)')).toBe('25006');
      for (const statement of [
        `delete from reporting.contacts`,
        `insert into reporting.contacts (ticket_id, agent_id) values ('X', 'me')`,
        `update reporting.status_intervals set team = 'x'`,
        'create table public.mine (a int)',
        'create schema mine',
        'create view reporting.mine as select 1',
      ]) {
        await client.query('begin read write');
        expect(await refusal(client, statement), statement).toBe('42501');
        await client.query('rollback');
      }
    });

    it('a leaky function in its own WHERE clause sees only its tenant’s rows', async () => {
      const { client, notices } = await connectAs(urlA);
      // It may create temporary objects (TEMP is PUBLIC's by default) once it asks for a
      // read-write transaction; a function that reports its argument, as cheap as can be, so
      // that the planner would run it first; and no index, so that every ticket row is read.
      await client.query('begin read write');
      await client.query(`create function pg_temp.leak(text, text) returns boolean
        language plpgsql cost 0.0000001
        as $$ begin raise notice '% %', $1, coalesce($2, '-'); return true; end $$`);
      await client.query('set local enable_indexscan = off');
      await client.query('set local enable_bitmapscan = off');
      const leak = (view: string) =>
        `select count(*) from ${view} where pg_temp.leak(ticket_id, team)`;
      await client.query(leak('reporting.tickets'));
      expect(notices.sort()).toEqual(['T1 A-team', 'T2 A-team']);

      // The same view without security_barrier leaks B's rows to the same query.
      const admin = t.database.db;
      const { rows } = await sql<{ def: string }>`
        select pg_get_viewdef('reporting.tickets'::regclass) as def`.execute(admin);
      await sql.raw(`create view reporting.tickets_no_barrier as ${rows[0]!.def}`).execute(admin);
      try {
        await sql.raw(`grant select on reporting.tickets_no_barrier to ${roleA}`).execute(admin);
        notices.length = 0;
        await client.query(leak('reporting.tickets_no_barrier'));
        expect(notices).toEqual(expect.arrayContaining(['T1 B-team', 'T9 B-team']));
      } finally {
        await client.query('rollback');
        await sql.raw('drop view reporting.tickets_no_barrier').execute(admin);
      }
    });

    it('stores the printed password as PostgreSQL’s own SCRAM verifier of it', async () => {
      const admin = t.database.db;
      const stored = async (role: string) =>
        (
          await sql<{ secret: string }>`
            select rolpassword as secret from pg_authid where rolname = ${role}`.execute(admin)
        ).rows[0]!.secret;
      const verifies = (secret: string, password: string) => {
        const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(secret)!;
        return scramSha256Verifier(password, Buffer.from(salt!, 'base64'), Number(iterations));
      };
      // PostgreSQL's verifier of a password it hashed itself, recomputed here.
      const probe = `${run}_probe`;
      await sql.raw(`set password_encryption = 'scram-sha-256'`).execute(admin);
      await sql.raw(`create role ${probe} password 'correct-horse-battery'`).execute(admin);
      try {
        const secret = await stored(probe);
        expect(verifies(secret, 'correct-horse-battery')).toBe(secret);
      } finally {
        await sql.raw(`drop role ${probe}`).execute(admin);
      }
      const printed = await cli(
        [
          'reporting-role',
          'create',
          '--tenant',
          t.tenantId,
          '--name',
          roleA,
          '--password',
          'Tr0ub4dor&3-but-longer',
        ],
        env,
      );
      expect(printed).toContain(`role      ${roleA} (new password)`);
      const secret = await stored(roleA);
      expect(verifies(secret, 'Tr0ub4dor&3-but-longer')).toBe(secret);
      expect(secret).not.toContain('Tr0ub4dor');
    });

    it('refuses names that are not its own to take, and drops only reporting roles', async () => {
      const other = await mistake(
        ['reporting-role', 'create', '--tenant', t.tenantId, '--name', roleB],
        env,
      );
      expect(other.text).toBe(
        `"${roleB}" is the reporting role of tenant ${tenantB.tenantId}: drop it first, or choose another --name`,
      );
      const server = new URL(env.DATABASE_URL!).username || 'postgres';
      const taken = await mistake(
        ['reporting-role', 'create', '--tenant', t.tenantId, '--name', server],
        env,
      );
      expect(taken).toMatchObject({
        text: `a role "${server}" already exists on the server and is not a reporting role of this database: choose another --name`,
        exitCode: 1,
      });
      expect((await mistake(['reporting-role', 'drop', '--name', server], env)).text).toBe(
        `there is no reporting role ${server} ("deskmetrics reporting-role list" shows them)`,
      );
      expect(
        (await mistake(['reporting-role', 'list', '--tenant', randomUUID()], env)).text,
      ).toMatch(/^there is no tenant /);
    });

    it('drop revokes and drops the login', async () => {
      expect(await cli(['reporting-role', 'drop', '--name', roleB], env)).toBe(`dropped ${roleB}`);
      const url = new URL(urlA);
      url.username = roleB;
      await expect(connectAs(url.toString())).rejects.toMatchObject({ code: '28000' });
      const listed = await cli(['reporting-role', 'list'], env);
      expect(listed.split('\n').map((l) => l.split('\t')[0])).toEqual([roleA]);
    });
  },
);
