/**
 * `deskmetrics import servicenow-audit` (src/cli/import.ts) end to end on the first incidents of
 * the UCI ServiceNow log, into the embedded database (PGlite in a data directory) and, when the
 * tests run on a server, into PostgreSQL: the command's own arguments, database and output, then
 * the tenant's `/v1/reports/tickets` read back through an app on the same database.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { ExplainedError, UsageError } from '../../src/failure.js';
import { servicenowAudit } from '../../src/importers/servicenow-audit/index.js';
import { uciCounters } from '../../src/importers/servicenow-audit/uci-rows.js';
import {
  openUciFile,
  uciIncidents,
} from '../../src/importers/servicenow-audit/uci-servicenow-reader.js';
import { importCommand, type ImportIo } from '../../src/cli/import.js';
import { openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrator.js';
import { createApiKey, createTenant } from '../../src/storage/tenant.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { uciFixture, uciLogPresent } from './import-fixture.js';

const INCIDENTS = 150;
let scratch: string;
let fixture: string;
let expectedEvents = 0;
let expectedRows = 0;
const logReopens = new Map<string, number>();

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'dm-import-'));
  if (!uciLogPresent) return;
  fixture = await uciFixture(scratch, INCIDENTS);
  for await (const chunk of servicenowAudit.read(fixture, {})) {
    expectedEvents += chunk.events.length;
    expectedRows = chunk.rowsRead;
  }
  for await (const rows of uciIncidents(openUciFile(fixture))) {
    logReopens.set(rows[0]!.number, uciCounters(rows).reopenCount);
  }
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

interface Run {
  status: number;
  out: string[];
  progress: string[];
}

/** Runs the command with its output captured; `io` adds a signal or a progress interval. */
async function run(config: Config, args: string[], io: Partial<ImportIo> = {}): Promise<Run> {
  const out: string[] = [];
  const progress: string[] = [];
  const status = await importCommand(config, args, {
    out: (line) => out.push(line),
    progress: { write: (text: string) => progress.push(text) },
    env: {},
    ...io,
  });
  return { status, out, progress };
}

type Row = Record<string, unknown>;

interface Target {
  name: string;
  config: Config;
  setup(): Promise<void>;
  /** Runs `work` on the target's database, closed after (the embedded one is one process's). */
  withDb<T>(work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T>;
  teardown(): Promise<void>;
}

function pgliteTarget(): Target {
  const dir = () => path.join(scratch, 'pglite');
  return {
    name: 'the embedded database',
    get config() {
      return loadConfig({ DESKMETRICS_DATA_DIR: dir(), LOG_LEVEL: 'warn' });
    },
    setup: () => Promise.resolve(),
    async withDb(work) {
      const database = await openDatabase({ dataDir: dir() });
      try {
        await migrate(database.db);
        return await work(database);
      } finally {
        await database.close();
      }
    },
    teardown: () => Promise.resolve(),
  };
}

function serverTarget(): Target {
  let database: TestDatabase;
  return {
    name: 'PostgreSQL',
    get config() {
      return loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
    },
    async setup() {
      database = await createTestDatabase();
    },
    withDb: (work) => work(database),
    teardown: () => database.close(),
  };
}

const server = inject('testDatabase').mode !== 'pglite';
const targets = server ? [pgliteTarget(), serverTarget()] : [pgliteTarget()];

/** The tenant's tickets report (every column), ordered by ticket. */
async function tickets(target: Target, tenantId: string): Promise<Row[]> {
  return target.withDb(async (database) => {
    const app = await buildApp({ db: database.db, transaction: database.transaction });
    try {
      const { key } = await createApiKey(database.db, {
        tenantId,
        name: 'test',
        scopes: ['reports:read'],
      });
      const res = await app.inject({
        url: '/v1/reports/tickets?format=ndjson',
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.statusCode, res.body).toBe(200);
      const rows = res.body
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Row)
        .filter((r) => r._trailer !== true);
      return rows.sort((a, b) => String(a.ticket_id).localeCompare(String(b.ticket_id)));
    } finally {
      await app.close();
    }
  });
}

describe.skipIf(!uciLogPresent).each(targets)('import servicenow-audit into $name', (target) => {
  const tenant: Record<'whole' | 'resumed' | 'bad', string> = { whole: '', resumed: '', bad: '' };

  beforeAll(async () => {
    await target.setup();
    await target.withDb(async (database) => {
      tenant.whole = await createTenant(database.db, 'whole');
      tenant.resumed = await createTenant(database.db, 'resumed');
      tenant.bad = await createTenant(database.db, 'bad');
    });
  });
  afterAll(() => target.teardown());

  const args = (id: string, ...more: string[]) => [
    'servicenow-audit',
    fixture,
    '--tenant',
    id,
    '--checkpoint',
    path.join(scratch, `${target.name}-${id}.json`),
    ...more,
  ];

  it('imports every row and event, with progress lines when not on a terminal', async () => {
    const result = await run(target.config, args(tenant.whole, '--batch', '300'), {
      progressIntervalMs: 0,
    });
    expect(result.out.join('\n')).toContain(
      `events: ${expectedEvents.toLocaleString('en-US')} accepted, 0 duplicates, 0 rejected; rows rejected by the source: 0`,
    );
    expect(result.out[0]).toContain(`${expectedRows.toLocaleString('en-US')} rows`);
    expect(result.status).toBe(0);
    expect(result.progress.length).toBeGreaterThan(0);
    for (const line of result.progress) {
      expect(line).toMatch(
        /^import: (\d+\.\d %|100\.0 %) — [\d,]+ rows, [\d,]+ accepted, [\d,]+ duplicates, 0 rejected — [\d,]+ rows\/s(, ETA \d+:\d\d)?\n$/,
      );
    }
  });

  it('finds the log’s own reopen_count in every imported incident', async () => {
    const rows = await tickets(target, tenant.whole);
    expect(rows).toHaveLength(INCIDENTS);
    const ours = new Map(rows.map((r) => [String(r.ticket_id), r.reopens]));
    expect(ours).toEqual(logReopens);
    // Not a vacuous comparison: the fixture has reopened incidents.
    expect([...logReopens.values()].some((n) => n > 0)).toBe(true);
  });

  it('imports the same file again as duplicates only', async () => {
    const result = await run(target.config, args(tenant.whole));
    expect(result.out[1]).toContain(
      `events: 0 accepted, ${expectedEvents.toLocaleString('en-US')} duplicates, 0 rejected`,
    );
    expect(result.status).toBe(0);
  });

  it('resumes an interrupted import to the state of an uninterrupted one', async () => {
    const stop = new AbortController();
    let batches = 0;
    const interrupted = await run(target.config, args(tenant.resumed, '--batch', '200'), {
      signal: stop.signal,
      progress: {
        isTTY: true,
        columns: 200,
        // A terminal's bar is drawn on each committed batch: stop after the second.
        write: (text: string) => {
          if (text.startsWith('\r') && ++batches === 2) stop.abort();
        },
      },
    });
    expect(interrupted.status).toBe(130);
    expect(interrupted.out.join('\n')).toMatch(/run again with --resume/);
    const checkpoint = JSON.parse(
      await readFile(path.join(scratch, `${target.name}-${tenant.resumed}.json`), 'utf8'),
    ) as { complete: boolean; rows: number };
    expect(checkpoint.complete).toBe(false);
    expect(checkpoint.rows).toBeGreaterThan(0);
    expect(checkpoint.rows).toBeLessThan(expectedRows);

    const resumed = await run(target.config, args(tenant.resumed, '--resume', '--batch', '200'));
    expect(resumed.out[0]).toBe(`resuming ${fixture} after row ${checkpoint.rows}`);
    expect(resumed.status).toBe(0);
    // Whole incidents are resumed after the checkpoint: nothing is sent twice.
    expect(resumed.out.join('\n')).toMatch(/events: [\d,]+ accepted, 0 duplicates, 0 rejected/);
    expect(await tickets(target, tenant.resumed)).toEqual(await tickets(target, tenant.whole));

    const again = await run(target.config, args(tenant.resumed, '--resume'));
    expect(again.out).toEqual([
      `nothing to resume: the import of ${fixture} into tenant ${tenant.resumed} completed`,
    ]);
  });

  it('names the row and column of rows it rejects, and exits 1 unless --max-rejects allows', async () => {
    const lines = gunzipSync(await readFile(fixture))
      .toString()
      .split('\n');
    const header = lines[0]!.split(',');
    const state = header.indexOf('incident_state');
    const openedAt = header.indexOf('opened_at');
    const bad = lines.slice(0, 12).map((line, i) => {
      const fields = line.split(',');
      if (i === 3) fields[openedAt] = '31/2/2016 10:00';
      if (i === 5) fields[state] = 'Sleeping';
      return fields.join(',');
    });
    const file = path.join(scratch, 'bad.csv');
    await writeFile(file, `${bad.join('\n')}\n`);
    const base = ['servicenow-audit', file, '--tenant', tenant.bad];
    const refused = await run(target.config, base);
    expect(refused.status).toBe(1);
    expect(refused.out).toContain(
      '  rejected row 4 opened_at: opened_at "31/2/2016 10:00" is not a d/m/yyyy HH:MM date',
    );
    expect(refused.out).toContain(
      '  rejected row 6 incident_state: unknown incident_state "Sleeping"',
    );
    expect(refused.out).toContain('  2 rejections, more than --max-rejects 0 allows');
    expect((await run(target.config, [...base, '--max-rejects', '2'])).status).toBe(0);
    expect((await run(target.config, [...base, '--max-rejects', '1'])).status).toBe(1);
  });
});

describe('a file the source cannot read', () => {
  // The source runs on the import's worker thread: its error must come back as one sentence
  // naming the file, exactly as it was thrown there.
  it('stops the import with the reading error, naming the file and the line', async () => {
    const dir = path.join(scratch, 'broken');
    const config = loadConfig({ DESKMETRICS_DATA_DIR: dir, LOG_LEVEL: 'warn' });
    const database = await openDatabase({ dataDir: dir });
    let tenantId: string;
    try {
      await migrate(database.db);
      tenantId = await createTenant(database.db, 'broken');
    } finally {
      await database.close();
    }
    const file = path.join(scratch, 'broken.xes');
    const event = (at: string) =>
      `<event><string key="concept:name" value="Queued"/><string key="lifecycle:transition" value="Awaiting Assignment"/><date key="time:timestamp" value="${at}"/></event>`;
    await writeFile(
      file,
      `<?xml version="1.0"?>\n<log>\n<trace><string key="concept:name" value="1-1"/>${event('2012-01-02T10:00:00+01:00')}</trace>\n<trace><string key="concept:name" value="1-2"/>\n<event><string key="concept:name" value="Queued/>\n`,
    );
    const attempt = run(config, ['xes', file, '--tenant', tenantId]);
    await expect(attempt).rejects.toThrow(ExplainedError);
    await expect(attempt).rejects.toThrow(
      `${file}: XML line 5: markup not closed at the end of the input`,
    );
  });
});

describe('import arguments', () => {
  const config = loadConfig({ DESKMETRICS_DATA_DIR: '/nonexistent/never-opened' });
  const mistakes: Array<[string[], RegExp]> = [
    [[], /import needs a source \(servicenow-audit/],
    [['zendesk-classic', 'x.json'], /unknown import source "zendesk-classic"/],
    [['servicenow-audit'], /import servicenow-audit needs a file/],
    [['servicenow-audit', 'x.csv'], /import needs --tenant <id>/],
    [['servicenow-audit', 'x.csv', '--url', 'http://h:1'], /--url needs --key/],
    [['servicenow-audit', 'x.csv', '--tenant', 'acme'], /--tenant takes a tenant id/],
    [
      ['servicenow-audit', 'x.csv', '--timezone', 'Mars/Olympus', '--tenant', crypto.randomUUID()],
      /--timezone takes an IANA time zone/,
    ],
    [
      ['servicenow-audit', 'x.csv', '--timezone', '+02:00', '--tenant', crypto.randomUUID()],
      /--timezone takes an IANA time zone/,
    ],
    [['servicenow-audit', 'x.csv', '--max-rejects', 'many'], /--max-rejects takes a whole number/],
    [
      [
        'servicenow-audit',
        path.join(tmpdir(), 'no-such-file.csv'),
        '--tenant',
        crypto.randomUUID(),
      ],
      /cannot read .*no-such-file\.csv \(ENOENT\)/,
    ],
  ];
  it.each(mistakes)('answers %j with one sentence', async (args, message) => {
    const attempt = run(config, args);
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(message);
  });
});
