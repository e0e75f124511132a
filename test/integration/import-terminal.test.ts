/**
 * `deskmetrics import` as its users meet it: the real CLI (`node --import tsx src/cli/index.ts`)
 * as a child process, its progress on a pseudo-terminal (util-linux `script`) against plain lines
 * when its output is piped; and `--url` / `--key` into a service listening on a real socket, with
 * the failures of that path (a wrong key, a closed port, a missing key) answered in one sentence.
 *
 * The database is the run's: a clone of the template on PostgreSQL (TEST_DATABASE_URL, or a
 * container), else the embedded PGlite — in a data directory for the child processes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { readBatches } from '../../src/cli/import-batches.js';
import { importCommand } from '../../src/cli/import.js';
import { loadConfig } from '../../src/config.js';
import { describeFailure, ExplainedError, UsageError } from '../../src/failure.js';
import { servicenowAudit } from '../../src/importers/servicenow-audit/index.js';
import { openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrator.js';
import { createApiKey, createTenant } from '../../src/storage/tenant.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/server-process.js';
import { uciFixture, uciLogPresent } from './import-fixture.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = ['--import', 'tsx', 'src/cli/index.ts'];
const ESC = '\u001b';
const ERASE = `${ESC}[K`;
const server = inject('testDatabase').mode !== 'pglite';

/** util-linux `script` (BSD's takes other flags), or undefined: the terminal tests then skip. */
const SCRIPT = (() => {
  const found = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.includes('util-linux') ? 'script' : undefined;
})();
if (SCRIPT === undefined) {
  console.warn('skipping the import progress bar tests: util-linux `script` is not on PATH');
}

/**
 * Incidents of the fixtures: 2,040 rows, 1,562 events, 7 batches of --batch 200 — as plain CSV
 * for the child processes, gzipped for `--url`.
 */
const INCIDENTS = 300;
const BATCH = 200;
/**
 * A child's run takes 5–15 s (tsx and the database's start are most of it) on a quiet machine;
 * a loaded one can take several times that, so the limits are far above it.
 */
const CHILD_TIMEOUT = 170_000;
const CHILD_TESTS = { timeout: 180_000 };

const n = (value: number) => value.toLocaleString('en-US');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

let scratch: string;
/**
 * The child processes' fixture is plain CSV: the progress shows the share of the file's bytes
 * read, and the source reads 256 KiB at a time (src/importers/source-file.ts). A gzipped fixture
 * of this size (36 KB) is read whole before its first batch is committed, so its bar would say
 * 100 % from the first draw; this one (670 KB) shows the share grow.
 */
let fixture: string;
let urlFixture: string;
/** What the source yields: totals, and each batch's cumulative rows and events as sent. */
const expected = { rows: 0, events: 0, batches: [] as Array<{ rows: number; events: number }> };
const expectedUrl = { rows: 0, events: 0, incidents: new Set<string>() };
/** The service on a real socket (both groups: `--url`, and a slow service for piped progress). */
let service: Service | undefined;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'dm-import-terminal-'));
  if (!uciLogPresent) return;
  fixture = await uciFixture(scratch, INCIDENTS, { gzip: false });
  urlFixture = await uciFixture(scratch, INCIDENTS);
  // The batches the command sends (import-batches.ts, on this thread instead of a worker).
  const reader = readBatches({
    source: 'servicenow-audit',
    file: fixture,
    options: {},
    size: BATCH,
    start: { position: undefined, rows: 0, bytes: undefined },
  });
  let events = 0;
  for (;;) {
    const batch = await reader.next();
    events += batch.events;
    expected.batches.push({ rows: batch.rows, events });
    if (batch.last) break;
  }
  await reader.close();
  for await (const chunk of servicenowAudit.read(fixture, {})) {
    expected.events += chunk.events.length;
    expected.rows = chunk.rowsRead;
  }
  expect(expected.batches.at(-1)).toEqual({ rows: expected.rows, events: expected.events });
  for await (const chunk of servicenowAudit.read(urlFixture, {})) {
    expectedUrl.events += chunk.events.length;
    expectedUrl.rows = chunk.rowsRead;
    for (const event of chunk.events) expectedUrl.incidents.add(event.ticket_id);
  }
  service = await startService();
});

afterAll(async () => {
  await service?.close();
  await rm(scratch, { recursive: true, force: true });
});

interface ProcessRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` in the repository's root with `env` only (no inherited DATABASE_URL). */
function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: CHILD_TIMEOUT,
      killSignal: 'SIGKILL',
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.once('error', reject);
    child.once('close', (status) =>
      resolve({
        status,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
}

/**
 * `shell` on a pseudo-terminal: `script -q` (no banner) `-f` (flush each write) `-e` (the
 * command's exit status) `-c`, typescript to /dev/null. The terminal's output — the command's
 * stdout and stderr, newlines as CR LF — is script's stdout.
 */
function onTerminal(shell: string, env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  return runProcess(SCRIPT!, ['-qfec', shell, '/dev/null'], { TERM: 'xterm', ...env });
}

/** The summary's two lines for `rows` and `events` of `file` (import-summary.ts). */
function summary(file: string, rows: number, accepted: number, duplicates: number): RegExp {
  const events = accepted + duplicates;
  return new RegExp(
    `^imported ${escape(file)} \\(servicenow-audit\\): ${n(rows)} rows in \\d+:\\d\\d \\([\\d,]+ rows/s\\), ${n(events)} events sent\n` +
      `  events: ${n(accepted)} accepted, ${n(duplicates)} duplicates, 0 rejected; rows rejected by the source: 0\n$`,
  );
}

/** A bar as import-progress.ts draws it on a terminal, between its `\r` and its erase. */
const BAR =
  /^\[(#*)(-*)\] +(\d+)% ([\d,]+) rows, ([\d,]+) accepted, ([\d,]+) duplicates, ([\d,]+) rejected {2}([\d,]+) rows\/s ETA (\d+):(\d\d)$/;
/** A line of the same progress off a terminal. */
const PLAIN =
  /^import: (\d+\.\d) % — ([\d,]+) rows, ([\d,]+) accepted, ([\d,]+) duplicates, ([\d,]+) rejected — ([\d,]+) rows\/s, ETA (\d+):(\d\d)$/;
const int = (text: string) => Number(text.replaceAll(',', ''));

describe.skipIf(!uciLogPresent)('deskmetrics import as a child process', CHILD_TESTS, () => {
  let database: TestDatabase | undefined;
  let dataDir: string;
  const tenant = { tty: '', piped: '' };
  /** The child's database: the server's clone, or the embedded one in a data directory. */
  const dbEnv = (): NodeJS.ProcessEnv =>
    database?.url !== undefined
      ? { DATABASE_URL: database.url }
      : { DESKMETRICS_DATA_DIR: dataDir };

  beforeAll(async () => {
    if (server) {
      database = await createTestDatabase();
      tenant.tty = await createTenant(database.db, 'terminal');
      tenant.piped = await createTenant(database.db, 'piped');
      return;
    }
    // The data directory is one process's at a time: closed here before a child opens it.
    dataDir = path.join(scratch, 'data');
    const embedded = await openDatabase({ dataDir });
    try {
      await migrate(embedded.db);
      tenant.tty = await createTenant(embedded.db, 'terminal');
      tenant.piped = await createTenant(embedded.db, 'piped');
    } finally {
      await embedded.close();
    }
  });
  afterAll(() => database?.close());

  const importArgs = (id: string) => [
    ...CLI,
    'import',
    'servicenow-audit',
    fixture,
    '--tenant',
    id,
    '--batch',
    String(BATCH),
    '--checkpoint',
    path.join(scratch, `checkpoint-${id}.json`),
  ];

  /** The terminal's output of the import, CR LF as LF (the bar's own CRs stay). */
  let terminal: string | undefined;

  it.skipIf(SCRIPT === undefined)(
    'redraws a bar in place on a terminal, then prints the summary',
    async () => {
      // A terminal 200 columns wide: `script` without a terminal of its own gives its pty no size.
      const command = [process.execPath, ...importArgs(tenant.tty)].map(quote).join(' ');
      const run = await onTerminal(`stty cols 200 rows 50 && exec ${command}`, dbEnv());
      expect(run.stderr).toBe('');
      expect(run.status, run.stdout).toBe(0);
      terminal = run.stdout.replaceAll('\r\n', '\n');
      const lines = terminal.split('\n');

      // Line 1 is only the bar: each draw returns to the line's start, writes the bar and erases
      // what is left of the line before it, so the terminal shows one line redrawn in place.
      const [line, ...rest] = lines;
      expect(line!.startsWith('\r')).toBe(true);
      const draws = line!.split('\r').slice(1);
      for (const draw of draws) expect(draw.endsWith(ERASE), JSON.stringify(draw)).toBe(true);
      const bars = draws.map((draw) => {
        const match = BAR.exec(draw.slice(0, -ERASE.length));
        expect(match, JSON.stringify(draw)).not.toBeNull();
        const [, filled, empty, percent, rows, accepted, duplicates, rejected, rate, min, sec] =
          match!;
        return {
          text: draw.slice(0, -ERASE.length),
          filled: filled!.length,
          width: filled!.length + empty!.length,
          percent: Number(percent),
          rows: int(rows!),
          accepted: int(accepted!),
          duplicates: int(duplicates!),
          rejected: int(rejected!),
          rate: int(rate!),
          eta: Number(min) * 60 + Number(sec),
        };
      });

      // Not a flaky count: on a terminal every committed batch redraws the bar at once (the
      // 250 ms timer only adds draws between batches), and stop() draws it once more. The
      // fixture makes 7 batches of --batch 200 events, whatever the machine's speed.
      expect(expected.batches.length).toBeGreaterThanOrEqual(5);
      expect(bars.length).toBeGreaterThanOrEqual(expected.batches.length + 1);
      // Each batch's cumulative counts were drawn, in the order of the batches.
      let at = 0;
      for (const batch of expected.batches) {
        const tally = `${n(batch.rows)} rows, ${n(batch.events)} accepted, 0 duplicates, 0 rejected`;
        const found = bars.findIndex((bar, i) => i >= at && bar.text.includes(`% ${tally}  `));
        expect(found, `no bar shows "${tally}"`).toBeGreaterThanOrEqual(at);
        at = found;
      }
      for (const [i, bar] of bars.entries()) {
        expect(bar.width).toBe(24);
        // 24 cells for 100 %: the filled ones are the share rounded, the percentage its own
        // rounding of the same share.
        expect(Math.abs(bar.filled - (bar.percent * 24) / 100)).toBeLessThanOrEqual(0.62);
        expect(bar.duplicates + bar.rejected).toBe(0);
        expect(bar.rate).toBeGreaterThan(0);
        if (i > 0) {
          expect(bar.rows).toBeGreaterThanOrEqual(bars[i - 1]!.rows);
          expect(bar.percent).toBeGreaterThanOrEqual(bars[i - 1]!.percent);
        }
      }
      // The share is of the file's bytes read: the first batch (335 rows) is committed when at
      // most two 256 KiB reads of the 670 KB file are done (the one it came from and the one
      // read ahead), so it is short of 100 % and has an ETA to go.
      expect(bars[0]!.percent).toBeLessThan(100);
      expect(bars[0]!.eta).toBeGreaterThan(0);
      const last = bars.at(-1)!;
      expect(last.text).toMatch(
        new RegExp(
          `^\\[#{24}\\] 100% ${n(expected.rows)} rows, ${n(expected.events)} accepted, 0 duplicates, 0 rejected {2}[\\d,]+ rows/s ETA 0:00$`,
        ),
      );

      // Then the summary, on lines of its own, with the file's rows and events.
      expect(`${rest.slice(0, 2).join('\n')}\n`).toMatch(
        summary(fixture, expected.rows, expected.events, 0),
      );
    },
  );

  // Regression: importCommand stops the progress before the summary and again in `finally`;
  // the second stop must not draw the bar again below the summary.
  it.skipIf(SCRIPT === undefined)('prints nothing after the summary on a terminal', () => {
    expect(terminal).toBeDefined();
    expect(terminal!.endsWith('rows rejected by the source: 0\n')).toBe(true);
  });

  /** A bar drawn by createProgress on process.stderr of a pty nobody sized (below). */
  let unsized: string | undefined;

  it.skipIf(SCRIPT === undefined)('draws a bar on a terminal whose size is unknown', async () => {
    const probe = path.join(scratch, 'bar-probe.mts');
    const progress = pathToFileURL(path.join(ROOT, 'src/cli/import-progress.ts')).href;
    await writeFile(
      probe,
      `import { createProgress } from ${JSON.stringify(progress)};
const progress = createProgress(process.stderr, { totalBytes: 100 });
progress.update({ rowsRead: 1234, rowsBefore: 0, bytesRead: 50, events: 1000, accepted: 1000,
  duplicates: 0, rejectedEvents: 0, rejectedRows: 0, batches: 1, refoldPending: 0 });
progress.stop();
console.log('columns', String(process.stderr.columns));
`,
    );
    const run = await onTerminal(
      `stty cols 0 rows 0 && exec ${quote(process.execPath)} --import tsx ${quote(probe)}`,
      {},
    );
    expect(run.status, run.stdout + run.stderr).toBe(0);
    // A terminal (the bar's CR and erase), whose size node reads as 0 columns.
    expect(run.stdout).toMatch(new RegExp(`\\r[^\\r]+${ERASE.replace('[', '\\[')}`));
    expect(run.stdout).toContain('columns 0');
    unsized = run.stdout;
  });

  // Regression: a terminal whose size is unknown has `columns` 0 (a pty nobody sized: `script`
  // run without a terminal, some CI runners), which must be read as 80 columns, not as a line of
  // nothing.
  it.skipIf(SCRIPT === undefined)('shows the counts on that terminal', () => {
    expect(unsized).toContain('50% 1,234 rows, 1,000 accepted');
  });

  /**
   * The three runs with piped output, started together on first use: most of their time is the
   * child's start and the slow service's wait, which they can spend side by side.
   */
  let piped: Record<'tenant' | 'slow' | 'unreachable', Promise<ProcessRun>> | undefined;
  let closedUrl: string;
  const pipedRuns = async () => {
    if (piped === undefined) {
      closedUrl = `http://127.0.0.1:${await freePort()}`;
      piped = {
        tenant: runProcess(process.execPath, importArgs(tenant.piped), dbEnv()),
        slow: slowServiceRun(),
        unreachable: runProcess(
          process.execPath,
          [...CLI, 'import', 'servicenow-audit', fixture, '--url', closedUrl, '--key', 'k'],
          {},
        ),
      };
      // Awaited by their own tests; a test that fails first must not leave them unhandled.
      for (const run of Object.values(piped)) run.catch(() => undefined);
    }
    return piped;
  };

  /**
   * The import piped into a service whose first answer takes 5.5 s (a front on 127.0.0.1 before
   * the in-process service). The command's progress clock starts before its first batch is sent,
   * so when that batch is committed 5 s have passed and no line has been printed (the 5 s timer
   * found no batch to show): update() prints one at once, with exactly the first batch's counts.
   * Certain whatever the machine's speed, not a race.
   */
  async function slowServiceRun(): Promise<ProcessRun> {
    const { database, app } = service!;
    const tenantId = await createTenant(database.db, 'slow');
    const { key } = await createApiKey(database.db, {
      tenantId,
      name: 'importer',
      scopes: ['events:write'],
    });
    let first = true;
    const front = createServer((req, res) => {
      const body: Buffer[] = [];
      req.on('data', (d: Buffer) => body.push(d));
      req.on('end', () => {
        void (async () => {
          if (first) {
            first = false;
            await new Promise((resolve) => setTimeout(resolve, 5_500));
          }
          const answer = await app.inject({
            method: 'POST',
            url: req.url!,
            headers: req.headers,
            payload: Buffer.concat(body),
          });
          res.writeHead(answer.statusCode, { 'content-type': 'application/json' });
          res.end(answer.body);
        })();
      });
    });
    try {
      const url = await listen(front);
      return await runProcess(
        process.execPath,
        [
          ...CLI,
          'import',
          'servicenow-audit',
          fixture,
          '--url',
          url,
          '--key',
          key,
          '--batch',
          String(BATCH),
          '--checkpoint',
          path.join(scratch, 'checkpoint-slow.json'),
        ],
        {},
      );
    } finally {
      await new Promise((resolve) => front.close(resolve));
    }
  }

  it('prints no carriage returns or escapes when its output is piped', async () => {
    const run = await (await pipedRuns()).tenant;
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(summary(fixture, expected.rows, expected.events, 0));
    for (const output of [run.stdout, run.stderr]) {
      expect(output).not.toContain('\r');
      expect(output).not.toContain(ESC);
    }
    // Off a terminal a line is printed every 5 s (an interval the command line cannot set), so
    // this import of a few seconds may print none; any it prints is a plain one. The next test
    // makes one certain.
    for (const line of run.stderr.split('\n').filter((l) => l !== '')) {
      expect(line).toMatch(PLAIN);
    }
  });

  it('prints a plain progress line every 5 s when piped, with the counts so far', async () => {
    const run = await (await pipedRuns()).slow;
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(summary(fixture, expected.rows, expected.events, 0));
    expect(run.stderr).not.toContain('\r');
    expect(run.stderr).not.toContain(ESC);
    expect(run.stderr.endsWith('\n'), JSON.stringify(run.stderr)).toBe(true);
    const lines = run.stderr.slice(0, -1).split('\n');
    for (const line of lines) expect(line).toMatch(PLAIN);
    const [, percent, rows, accepted, duplicates, rejected, rate] = PLAIN.exec(lines[0]!)!;
    const batch = expected.batches[0]!;
    expect([int(rows!), int(accepted!), int(duplicates!), int(rejected!)]).toEqual([
      batch.rows,
      batch.events,
      0,
      0,
    ]);
    expect(Number(percent)).toBeGreaterThan(0);
    expect(Number(percent)).toBeLessThan(100);
    // Its rows in more than 5.5 s.
    expect(int(rate!)).toBeLessThanOrEqual(Math.ceil(batch.rows / 5.5));
  });

  it('fails in one sentence on stderr, no stack, when the service cannot be reached', async () => {
    const run = await (await pipedRuns()).unreachable;
    expect(run).toEqual({
      status: 1,
      stdout: '',
      stderr: `deskmetrics: cannot reach ${closedUrl} (ECONNREFUSED)\n`,
    });
  });
});

interface Service {
  url: string;
  app: FastifyInstance;
  database: TestDatabase;
  tenantId: string;
  /** An `events:write` key of the tenant. */
  key: string;
  close(): Promise<void>;
}

async function listen(http: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', resolve);
  });
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

/** The service on a fresh test database, listening on 127.0.0.1 (port 0), as main.ts starts it. */
async function startService(): Promise<Service> {
  const database = await createTestDatabase();
  const app = await buildApp({
    db: database.db,
    transaction: database.transaction,
    reserve: database.reserve,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const tenantId = await createTenant(database.db, 'remote');
  const { key } = await createApiKey(database.db, {
    tenantId,
    name: 'importer',
    scopes: ['events:write'],
  });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    app,
    database,
    tenantId,
    key,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

describe.skipIf(!uciLogPresent)('deskmetrics import --url --key (a running service)', () => {
  // The configured database is never opened with --url: a path that cannot be one shows it.
  const config = loadConfig({ DESKMETRICS_DATA_DIR: '/nonexistent/never-opened' });

  const args = (url: string, ...more: string[]) => [
    'servicenow-audit',
    urlFixture,
    '--url',
    url,
    '--checkpoint',
    path.join(scratch, 'checkpoint-url.json'),
    ...more,
  ];

  async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
    const out: string[] = [];
    const status = await importCommand(config, argv, {
      out: (line) => out.push(line),
      progress: { write: () => true },
      env,
    });
    return { status, out: `${out.join('\n')}\n` };
  }

  /** The error an import fails with, and what the CLI prints for it (failure.ts). */
  async function refusal(attempt: Promise<unknown>) {
    const error = await attempt.then(
      () => expect.unreachable('the import succeeded'),
      (e: unknown) => e,
    );
    const failure = describeFailure(error, 'info');
    // One sentence: no stack, not even the hint that LOG_LEVEL=debug would show one.
    expect(failure.text).not.toContain('\n');
    expect(failure.text).not.toContain('LOG_LEVEL');
    return { error, failure };
  }

  /** The service's own error message for a POST /v1/events with `key`. */
  async function serviceMessage(key: string): Promise<string> {
    const res = await fetch(`${service!.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      body: '',
    });
    const body = (await res.json()) as { error: { message: string } };
    return `${res.status}: ${body.error.message}`;
  }

  it('sends every event of the file to the service', async () => {
    const result = await run(args(service!.url, '--key', service!.key, '--batch', String(BATCH)));
    expect(result.out).toMatch(summary(urlFixture, expectedUrl.rows, expectedUrl.events, 0));
    expect(result.status).toBe(0);
  });

  it('shows the file’s incidents in the tenant’s tickets report', async () => {
    const { key } = await createApiKey(service!.database.db, {
      tenantId: service!.tenantId,
      name: 'reader',
      scopes: ['reports:read'],
    });
    const res = await fetch(`${service!.url}/v1/reports/tickets?format=ndjson`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const body = await res.text();
    expect(res.status, body).toBe(200);
    const rows = body
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r._trailer !== true);
    expect(expectedUrl.incidents.size).toBe(INCIDENTS);
    expect(rows).toHaveLength(INCIDENTS);
    expect(new Set(rows.map((r) => r.ticket_id))).toEqual(expectedUrl.incidents);
  });

  it('sends the same file again as duplicates only', async () => {
    const result = await run(args(service!.url, '--key', service!.key));
    expect(result.out).toMatch(summary(urlFixture, expectedUrl.rows, 0, expectedUrl.events));
    expect(result.status).toBe(0);
  });

  it('answers a wrong key with the service’s status and message', async () => {
    const wrong = 'dm_not_a_key';
    const { error, failure } = await refusal(run(args(service!.url, '--key', wrong)));
    expect(error).toBeInstanceOf(ExplainedError);
    const unauthorized = await serviceMessage(wrong);
    expect(unauthorized).toMatch(/^401: /);
    expect(failure).toEqual({
      text: `${service!.url}/v1/events answered ${unauthorized}`,
      exitCode: 1,
    });

    // A key of the tenant without events:write: 403, named the same way.
    const { key: reader } = await createApiKey(service!.database.db, {
      tenantId: service!.tenantId,
      name: 'no events:write',
      scopes: ['reports:read'],
    });
    const forbidden = await serviceMessage(reader);
    expect(forbidden).toMatch(/^403: .*events:write/);
    expect((await refusal(run(args(service!.url, '--key', reader)))).failure).toEqual({
      text: `${service!.url}/v1/events answered ${forbidden}`,
      exitCode: 1,
    });
  });

  it('answers a URL nothing listens on with "cannot reach"', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const { error, failure } = await refusal(run(args(closed, '--key', service!.key)));
    expect(error).toBeInstanceOf(ExplainedError);
    expect(failure).toEqual({ text: `cannot reach ${closed} (ECONNREFUSED)`, exitCode: 1 });
  });

  const mistakes: Array<[string, string, string[], string]> = [
    ['--url without --key', 'service', [], '--url needs --key <api key> (or DESKMETRICS_API_KEY)'],
    [
      '--url with --tenant',
      'service',
      ['--key', 'k', '--tenant', crypto.randomUUID()],
      '--tenant is for the database, not with --url',
    ],
    [
      'a --url that is not a URL',
      '127.0.0.1:9',
      ['--key', 'k'],
      '--url "127.0.0.1:9" is not a URL',
    ],
  ];
  it.each(mistakes)('answers %s with one sentence (exit status 2)', async (_, url, more, text) => {
    const { error, failure } = await refusal(
      run(args(url === 'service' ? service!.url : url, ...more)),
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(failure).toEqual({ text, exitCode: 2 });
  });

  it('answers --key without --url with one sentence (exit status 2)', async () => {
    const { error, failure } = await refusal(
      run(['servicenow-audit', urlFixture, '--key', service!.key]),
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(failure).toEqual({ text: '--key goes with --url', exitCode: 2 });
  });

  it('takes the key from DESKMETRICS_API_KEY when --key is not given', async () => {
    const result = await run(args(service!.url), { DESKMETRICS_API_KEY: service!.key });
    expect(result.out).toMatch(summary(urlFixture, expectedUrl.rows, 0, expectedUrl.events));
    expect(result.status).toBe(0);
  });
});
