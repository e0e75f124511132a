/**
 * Crash safety under load (issue 17): `kill -9` of the service, five times, while several clients
 * stream NDJSON to `POST /v1/events` at full speed, loses no acknowledged event, stores none
 * twice, and leaves derived data that `deskmetrics verify` finds consistent with the events.
 *
 * Input: CLIENTS concurrent loops, each streaming its own realistic help desk (tickets created,
 * assigned, answered, escalated, put on pending, solved, reopened, closed; contacts) as NDJSON
 * requests of 20–600 lines against the real service process, which commits them in transactions
 * of NDJSON_BATCH lines (so a kill often lands between the transactions of one request). The
 * service is killed with SIGKILL KILLS times at random moments of the load and restarted each time
 * on the same database and port. A client counts a batch as acknowledged only on a 200 whose body
 * accounts for every line as accepted or duplicate; anything else (reset connection, no answer) it
 * sends again, unchanged, until it is — ids make that safe. After the last restart each client
 * finishes its batch in hand and stops, so every batch ever sent has been acknowledged.
 * Expected: the stored event ids are exactly the acknowledged ones (none missing, none extra, none
 * twice, each under its ticket and type), the service started cleanly after every kill (the
 * embedded data directory opened every time), and `verify` run as its own process reports
 * 0 differences.
 *
 * crash-durability.test.ts covers one kill of one long stream (exactly whole batches survive);
 * this covers repeated kills under concurrent load and the derived data. Runs on the embedded
 * database (a PGlite data directory) always, and on PostgreSQL when the run has a server
 * (TEST_DATABASE_URL or a container). Randomness (events, batch sizes, kill moments)
 * comes from one seed, printed; replay with CRASH_SEED=<seed>. Kill moments are offsets from the
 * load resuming, so timing still varies from run to run.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { pick, rng, type Random } from '../../src/demo/random.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { createTestDatabase } from '../support/database.js';
import { freePort, killHard, startServer, type ServerProcess } from '../support/server-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KEY = 'crash-load-admin-key-0123456789';
const SEED = process.env.CRASH_SEED
  ? Number.parseInt(process.env.CRASH_SEED, 10) >>> 0
  : Math.floor(Math.random() * 2 ** 32);

const CLIENTS = 4;
const KILLS = 5;
/** Lines per transaction in the service: most requests span several. */
const NDJSON_BATCH = 100;
const MIN_LINES = 20;
const MAX_LINES = 600;
/** A kill comes this long (uniform, seeded) after the first acknowledgement since the start. */
const KILL_DELAY_MS = { min: 100, max: 1500 };
/** An answer slower than this counts as none (and is reported): the batch is sent again. */
const REQUEST_TIMEOUT_MS = 60_000;
/** Open tickets a client's help desk works on at once. */
const OPEN_TICKETS = 16;

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// A help desk's event stream, deterministic per seed and client.

interface WireEvent {
  id: string;
  type: string;
  ticket_id: string;
  occurred_at: string;
  actor: { type: string; id?: string };
  data: Record<string, unknown>;
}

const PRIORITIES = ['low', 'normal', 'normal', 'normal', 'high', 'urgent'] as const;
const CHANNELS = ['email', 'email', 'web', 'chat', 'phone'] as const;
const GROUPS = ['support', 'billing', 'technical'] as const;
const CATEGORIES = ['access', 'invoice', 'bug', 'how-to', 'outage'] as const;
const MINUTE = 60_000;
/** Tickets whose life is to be deleted as spam: read back only the others. */
const spam = new Set<string>();

/** One ticket's whole life, in occurred_at order. */
function ticketLife(random: Random, client: number, n: number, start: number): WireEvent[] {
  const ticketId = `c${client}-t${n}`;
  const events: WireEvent[] = [];
  let t = start;
  const wait = (minMinutes: number, maxMinutes: number) => {
    t += Math.round((minMinutes + random() * (maxMinutes - minMinutes)) * MINUTE);
  };
  const push = (type: string, actor: WireEvent['actor'], data: Record<string, unknown>) => {
    events.push({
      id: `${ticketId}-e${events.length + 1}`,
      type,
      ticket_id: ticketId,
      occurred_at: new Date(t).toISOString(),
      actor,
      data,
    });
  };
  const agentId = () => `a-${client}-${1 + Math.floor(random() * 6)}`;
  let agent = agentId();
  const asAgent = () => ({ type: 'agent', id: agent });
  const customer = { type: 'customer', id: `u-${client}-${Math.floor(random() * 400)}` };
  const channel = pick(random, CHANNELS);
  const reply = () => push('ticket.message', asAgent(), { direction: 'outbound', public: true });
  const customerWrites = () => push('ticket.message', customer, { direction: 'inbound' });
  const status = (s: string) => push('ticket.status_changed', asAgent(), { status: s });

  push('ticket.created', customer, {
    priority: pick(random, PRIORITIES),
    channel,
    group: pick(random, GROUPS),
    requester_id: customer.id,
    organization_id: `org-${client}-${Math.floor(random() * 30)}`,
    category: pick(random, CATEGORIES),
    tier: 1,
    tags: random() < 0.3 ? ['vip'] : [],
  });
  if (random() < 0.03) {
    spam.add(ticketId);
    wait(1, 30);
    push('ticket.deleted', { type: 'system' }, { reason: 'spam' });
    return events;
  }
  wait(1, 60);
  push('ticket.updated', asAgent(), { assignee_id: agent });
  wait(0, 10);
  status('open');
  wait(1, 240);
  reply();
  let tier = 1;
  for (let round = Math.floor(random() * 4); round > 0; round -= 1) {
    const r = random();
    wait(5, 600);
    if (r < 0.35) {
      status('pending');
      wait(10, 1440);
      customerWrites();
      wait(0, 5);
      status('open');
    } else if (r < 0.5) {
      push('ticket.message', asAgent(), { direction: 'outbound', public: false });
    } else if (r < 0.65) {
      tier += 1;
      agent = agentId();
      push('ticket.updated', asAgent(), { tier, assignee_id: agent });
    } else if (r < 0.75) {
      status('on_hold');
      wait(30, 2880);
      status('open');
    } else {
      customerWrites();
      wait(1, 300);
      reply();
    }
  }
  const solve = () => {
    wait(5, 480);
    const talk = Math.round(60 + random() * 1800);
    push('contact.completed', asAgent(), {
      agent_id: agent,
      channel,
      started_at: new Date(t - talk * 1000).toISOString(),
      talk_seconds: talk,
      hold_seconds: Math.round(random() * 120),
      wrap_seconds: Math.round(random() * 300),
    });
    wait(0, 5);
    status('solved');
  };
  solve();
  if (random() < 0.15) {
    wait(60, 4320);
    customerWrites();
    wait(0, 30);
    status('open');
    wait(5, 240);
    reply();
    solve();
  }
  if (random() < 0.7) {
    wait(1440, 4320);
    push('ticket.status_changed', { type: 'system' }, { status: 'closed' });
  }
  return events;
}

/** A client's help desk: OPEN_TICKETS tickets in progress at once, events in occurred_at order. */
function* helpDesk(random: Random, client: number): Generator<WireEvent> {
  let clock = Date.UTC(2026, 0, 5, 8);
  let created = 0;
  const open: WireEvent[][] = [];
  for (;;) {
    while (open.length < OPEN_TICKETS) {
      clock += Math.round(random() * 20 * MINUTE);
      open.push(ticketLife(random, client, ++created, clock));
    }
    let next = 0;
    for (let i = 1; i < open.length; i += 1) {
      if (open[i]![0]!.occurred_at < open[next]![0]!.occurred_at) next = i;
    }
    const event = open[next]!.shift()!;
    clock = Math.max(clock, Date.parse(event.occurred_at));
    if (open[next]!.length === 0) open.splice(next, 1);
    yield event;
  }
}

// ---------------------------------------------------------------------------------------------
// The clients.

interface Shared {
  baseUrl: string;
  /** Acknowledged requests, all clients. */
  acks: number;
  /** Set after the last restart: finish the batch in hand, then stop. */
  stopping: boolean;
  /** Set when the test fails: stop at once. */
  aborted: boolean;
}

interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors?: unknown[];
  refold_pending?: string[];
}

class Client {
  readonly acknowledged = new Map<string, WireEvent>();
  /** The newest acknowledged ticket.created of a ticket that stays. */
  lastCreated: string | undefined;
  readonly stats = {
    requests: 0,
    ackedRequests: 0,
    /** No answer: the service was down (connection refused). */
    refused: 0,
    /** No answer: the request was cut off (the kill) or timed out. */
    cutOff: 0,
    timeouts: 0,
    accepted: 0,
    /** Events an acknowledgement called duplicates: committed by a request whose answer was lost. */
    duplicates: 0,
    statuses: {} as Record<number, number>,
  };
  /** 200 answers that did not account for the whole batch, and 4xx answers: never expected. */
  readonly anomalies: string[] = [];
  readonly refoldPending: string[] = [];
  inFlight = false;
  private readonly events: Generator<WireEvent>;
  private readonly random: Random;

  constructor(
    readonly index: number,
    private readonly shared: Shared,
  ) {
    this.random = rng((SEED ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0);
    this.events = helpDesk(rng((SEED + index * 7919) >>> 0), index);
  }

  async run(): Promise<void> {
    while (!this.shared.stopping && !this.shared.aborted) {
      const size = MIN_LINES + Math.floor(this.random() * (MAX_LINES - MIN_LINES + 1));
      const batch = Array.from({ length: size }, () => this.events.next().value as WireEvent);
      await this.deliver(batch);
    }
  }

  /** Sends `batch` until a 200 acknowledges every line of it. */
  private async deliver(batch: WireEvent[]): Promise<void> {
    const body = batch.map((e) => `${JSON.stringify(e)}\n`).join('');
    while (!this.shared.aborted) {
      this.stats.requests += 1;
      this.inFlight = true;
      let status: number;
      let text: string;
      try {
        const response = await fetch(`${this.shared.baseUrl}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-ndjson' },
          body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        status = response.status;
        text = await response.text();
      } catch (error) {
        const code = ((error as Error).cause as { code?: string } | undefined)?.code;
        if (code === 'ECONNREFUSED') {
          this.stats.refused += 1;
          // The service is starting again: leave it the CPU.
          await sleep(200);
          continue;
        }
        if ((error as Error).name === 'TimeoutError') this.stats.timeouts += 1;
        this.stats.cutOff += 1;
        await sleep(50);
        continue;
      } finally {
        this.inFlight = false;
      }
      this.stats.statuses[status] = (this.stats.statuses[status] ?? 0) + 1;
      if (status === 200) {
        const answer = JSON.parse(text) as IngestAnswer;
        if (answer.rejected === 0 && answer.accepted + answer.duplicates === batch.length) {
          for (const e of batch) {
            this.acknowledged.set(e.id, e);
            if (e.type === 'ticket.created' && !spam.has(e.ticket_id))
              this.lastCreated = e.ticket_id;
          }
          this.stats.ackedRequests += 1;
          this.stats.accepted += answer.accepted;
          this.stats.duplicates += answer.duplicates;
          this.refoldPending.push(...(answer.refold_pending ?? []));
          this.shared.acks += 1;
          return;
        }
        this.anomalies.push(`200 for ${batch.length} lines from ${batch[0]!.id}: ${text}`);
        return;
      }
      if (status >= 400 && status < 500 && status !== 429) {
        this.anomalies.push(`${status} for ${batch.length} lines from ${batch[0]!.id}: ${text}`);
        return;
      }
      await sleep(status === 429 ? 1000 : 100);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Storage, the service, the CLI.

interface Storage {
  name: string;
  env: Record<string, string>;
  /** Opens the database for reading back, once the service is stopped. */
  open: () => Promise<Database>;
}

async function postgres(): Promise<Storage> {
  const db = await createTestDatabase();
  cleanups.push(() => db.close());
  return { name: 'PostgreSQL', env: { DATABASE_URL: db.url! }, open: async () => db };
}

async function embedded(): Promise<Storage> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dm-crash-load-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return {
    name: `PGlite (${dir})`,
    env: { DATABASE_URL: '', DESKMETRICS_DATA_DIR: dir },
    open: async () => {
      const db = await openDatabase({ dataDir: dir });
      cleanups.push(() => db.close());
      return db;
    },
  };
}

/** `deskmetrics <args>` as a process of its own, on the service's database. */
function runCli(
  env: Record<string, string>,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function stopGracefully(server: ServerProcess): Promise<number | null> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) {
    return server.child.exitCode;
  }
  const exited = new Promise<number | null>((resolve) =>
    server.child.once('exit', (code) => resolve(code)),
  );
  server.child.kill('SIGTERM');
  return exited;
}

async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const sample = (ids: Iterable<string>) => [...ids].slice(0, 20).join(', ');

// ---------------------------------------------------------------------------------------------

async function crashUnderLoad(store: Storage): Promise<void> {
  const began = Date.now();
  const tag = `[crash-under-load ${store.name}, seed ${SEED}]`;
  console.log(`${tag} replay with CRASH_SEED=${SEED}`);
  const random = rng(SEED);
  const port = await freePort();
  const env = {
    ...store.env,
    DESKMETRICS_BOOTSTRAP_KEY: KEY,
    DESKMETRICS_NDJSON_BATCH: String(NDJSON_BATCH),
    // This test is about crashes, not about the per-key ingest budget.
    DESKMETRICS_RATE_LIMIT_WRITES: '0',
  };
  const starts: number[] = [];
  const start = async () => {
    const t = Date.now();
    const server = await startServer(env, undefined, port);
    starts.push(Date.now() - t);
    return server;
  };
  let server = await start();
  cleanups.push(() => killHard(server));
  const shared: Shared = { baseUrl: server.baseUrl, acks: 0, stopping: false, aborted: false };
  const clients = Array.from({ length: CLIENTS }, (_, i) => new Client(i, shared));
  const running = clients.map((c) => c.run());
  const kills: string[] = [];
  let ackedAtKill = 0;
  const outputs: string[] = [];
  try {
    for (let k = 1; k <= KILLS; k += 1) {
      const acksAtStart = shared.acks;
      const startedAt = Date.now();
      await until(`load after start ${k}`, () => shared.acks > acksAtStart, 60_000);
      const firstAck = Date.now() - startedAt;
      const delay = Math.round(
        KILL_DELAY_MS.min + random() * (KILL_DELAY_MS.max - KILL_DELAY_MS.min),
      );
      await sleep(delay);
      const inFlight = clients.filter((c) => c.inFlight).length;
      const acked = clients.reduce((n, c) => n + c.acknowledged.size, 0);
      // One client's newest ticket (a read waits behind the ingest on the embedded database).
      const known = clients[k % CLIENTS]!.lastCreated;
      await killHard(server);
      outputs.push(server.output());
      kills.push(
        `kill ${k}: first acknowledgement ${firstAck} ms after the checks of the start, kill ${delay} ms later with ${inFlight}/${CLIENTS} requests in flight; ${acked - ackedAtKill} events acknowledged since the previous kill, ${acked} in all`,
      );
      ackedAtKill = acked;
      // The same database and port: the clients keep retrying the address they know.
      server = await start().catch((error: unknown) => {
        const why = error instanceof Error ? error.message : String(error);
        throw new Error(`${tag} the service did not start again after kill ${k}: ${why}`);
      });
      const ready = await fetch(`${server.baseUrl}/readyz`);
      expect(ready.status, `${tag} /readyz after restart ${k}: ${await ready.text()}`).toBe(200);
      // Read it back through the API: the service answers from what survived the kill.
      if (known !== undefined) {
        const response = await fetch(`${server.baseUrl}/v1/tickets/${known}`, {
          headers: { authorization: `Bearer ${KEY}` },
        });
        const text = await response.text();
        expect(response.status, `${tag} ticket ${known} after restart ${k}: ${text}`).toBe(200);
        expect((JSON.parse(text) as { ticket_id: string }).ticket_id).toBe(known);
      }
    }
    // Some load on the last life too, then every client finishes the batch in hand.
    const acksAtStart = shared.acks;
    await until('load after the last restart', () => shared.acks >= acksAtStart + CLIENTS, 60_000);
    shared.stopping = true;
    await Promise.all(running);
  } catch (error) {
    shared.aborted = true;
    await Promise.allSettled(running);
    console.log([`${tag} failed after`, ...kills].join('\n  '));
    throw error;
  }
  const loadSeconds = (Date.now() - began) / 1000;
  const exitCode = await stopGracefully(server);
  outputs.push(server.output());

  const acknowledged = new Map<string, WireEvent>();
  for (const c of clients) for (const [id, e] of c.acknowledged) acknowledged.set(id, e);

  const verifyStarted = Date.now();
  const verify = await runCli(store.env, ['verify']);
  const verifySeconds = (Date.now() - verifyStarted) / 1000;

  const { db } = await store.open();
  const rows = await db
    .selectFrom('ticket_event')
    .select(['event_id', 'ticket_id', 'type'])
    .execute();
  const twice = await db
    .selectFrom('ticket_event')
    .select('event_id')
    .groupBy('event_id')
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  const stored = new Map(rows.map((r) => [r.event_id, r]));
  const missing = [...acknowledged.keys()].filter((id) => !stored.has(id));
  const extra = [...stored.keys()].filter((id) => !acknowledged.has(id));
  const misplaced = rows.filter((r) => {
    const sent = acknowledged.get(r.event_id);
    return sent !== undefined && (sent.ticket_id !== r.ticket_id || sent.type !== r.type);
  });

  type Counter = Exclude<keyof Client['stats'], 'statuses'>;
  const total = (key: Counter) => clients.reduce((n, c) => n + c.stats[key], 0);
  const statuses: Record<number, number> = {};
  for (const c of clients) {
    for (const [s, n] of Object.entries(c.stats.statuses)) {
      statuses[Number(s)] = (statuses[Number(s)] ?? 0) + n;
    }
  }
  const refoldPending = clients.flatMap((c) => c.refoldPending);
  const anomalies = clients.flatMap((c) => c.anomalies);
  console.log(
    [
      `${tag} done in ${((Date.now() - began) / 1000).toFixed(1)} s (load ${loadSeconds.toFixed(1)} s, verify ${verifySeconds.toFixed(1)} s)`,
      ...kills,
      `starts (ms): ${starts.join(', ')}; last life stopped by SIGTERM, exit code ${exitCode}`,
      `requests ${total('requests')}: ${total('ackedRequests')} acknowledged, ${total('cutOff')} cut off (${total('timeouts')} timeouts), ${total('refused')} refused while down, statuses ${JSON.stringify(statuses)}`,
      `events acknowledged ${acknowledged.size}, stored ${rows.length}, of which ${total('duplicates')} committed by requests whose answer was lost (acknowledged later as duplicates)`,
      `accepted ${total('accepted')} + duplicates ${total('duplicates')}; refold_pending ${refoldPending.length}; unexpected answers ${anomalies.length}`,
      `verify (exit ${verify.code}): ${verify.stdout.trim()}${verify.stderr ? `\n${verify.stderr}` : ''}`,
    ].join('\n  '),
  );

  expect(anomalies, `${tag} unexpected answers`).toEqual([]);
  expect(missing, `${tag} acknowledged events not stored: ${sample(missing)}`).toEqual([]);
  expect(extra, `${tag} stored events never acknowledged: ${sample(extra)}`).toEqual([]);
  expect(twice, `${tag} events stored twice`).toEqual([]);
  expect(rows.length, `${tag} stored rows`).toBe(acknowledged.size);
  expect(misplaced, `${tag} events stored under another ticket or type`).toEqual([]);
  expect(refoldPending, `${tag} tickets that could not be folded`).toEqual([]);
  // Nothing went wrong that the service noticed (pino levels 50 and 60: error, fatal).
  const logged = outputs.flatMap((o, i) =>
    o
      .split('\n')
      .filter(
        (line) => /"level":(50|60)\b/.test(line) || /^(Error|RuntimeError|Aborted)/.test(line),
      )
      .map((line) => `life ${i + 1}: ${line}`),
  );
  // The lines themselves in the message: an array of them is elided in the assertion's output.
  expect(
    logged.length,
    `${tag} errors logged by the service:\n${logged.slice(0, 5).join('\n')}`,
  ).toBe(0);
  expect(kills).toHaveLength(KILLS);
  expect(starts).toHaveLength(KILLS + 1);
  // Every client was acknowledged batches, and the kills cut requests off.
  for (const c of clients) expect(c.stats.ackedRequests).toBeGreaterThan(0);
  expect(total('cutOff')).toBeGreaterThan(0);
  expect(
    verify.code,
    `${tag} verify failed:\n${verify.stdout}\n${verify.stderr}\n${outputs.join('\n')}`,
  ).toBe(0);
  expect(verify.stdout).not.toContain('DIFF');
  expect(verify.stdout.trim()).toMatch(/^tenant [0-9a-f-]{36}: 0 difference\(s\)$/);
}

const onServer = inject('testDatabase').mode !== 'pglite';

describe('kill -9, five times, while clients stream events', () => {
  it.skipIf(!onServer)(
    'on PostgreSQL: every acknowledged event is stored once and verify finds no difference',
    { timeout: 180_000 },
    async () => crashUnderLoad(await postgres()),
  );

  it(
    'on the embedded database: the data directory opens after every kill, nothing acknowledged is lost',
    { timeout: 300_000 },
    async () => crashUnderLoad(await embedded()),
  );
});
