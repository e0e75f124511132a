/**
 * bench/ingest/core-cpu: the service's CPU work per event on the ingest path, without the
 * database in the loop — the same functions the NDJSON route and the ticket updater run (parse,
 * validate and hash, the event COPY text, fold, derive, contributions, the derived rows' COPY
 * text, the new tickets' rows, the rollup deltas and their COPY text), in the same batches, on
 * the events and configuration of bench/ingest. Tickets continue from the state the previous
 * batch left, as the ticket cache makes them in the service.
 *
 * A tool for comparing two versions of that code: unlike the HTTP benchmark it does not depend
 * on PostgreSQL or on the other core, so differences of a few percent are visible. It needs a
 * PostgreSQL server only to store the configuration the fold context is read from.
 *
 *   node --import tsx --max-semi-space-size=128 \
 *     bench/ingest/core-cpu.ts [--events 200000] [--repeats 5] [--batch 20000]
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { bootstrapTenant } from '../../src/bootstrap.js';
import { createServices } from '../../src/services.js';
import { openDatabase } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrator.js';
import { prepareBatch } from '../../src/ingest/prepare.js';
import { eventsCopyText } from '../../src/storage/ticket-event.repository.js';
import { toCoreEvent } from '../../src/ingest/to-core-event.js';
import { compareEvents, type TicketEvent } from '../../src/core/events.js';
import {
  canApplyAfter,
  deriveTicket,
  foldTicket,
  type TicketState,
} from '../../src/core/ticket/index.js';
import { applyInPlace } from '../../src/core/ticket/apply.js';
import {
  keyedTicketContributions,
  RollupDeltas,
  type Contribution,
  type ContributionKind,
} from '../../src/core/aggregate/index.js';
import {
  ticketCopyLine,
  type StoredRowTexts,
  type TicketWrite,
} from '../../src/storage/derived-rows.js';
import { planTicketWrites } from '../../src/storage/ticket-write.repository.js';
import { ROLLUPS, rollupCopyText } from '../../src/storage/rollup.repository.js';
import { generateEvents } from './generate.js';
import { BENCH_CALENDAR, BENCH_POLICIES } from './config.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    repeats: { type: 'string', default: '5' },
    batch: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '4' },
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const EVENTS = Number(values.events);
const BATCH = Number(values.batch);
const CONCURRENCY = Number(values.concurrency);
const KEY = 'bench-admin-key-0123456789abcdef';

async function foldContext() {
  const name = `dm_bench_${randomBytes(4).toString('hex')}`;
  const server = values['database-url'];
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(server);
  u.pathname = `/${name}`;
  const database = await openDatabase({ url: u.toString(), poolSize: 2 });
  try {
    await migrate(database.db);
    const tenantId = (await bootstrapTenant(database.db, KEY))!.tenantId;
    const services = createServices(database.db);
    const app = await buildApp({ db: database.db, transaction: database.transaction, services });
    const headers = { authorization: `Bearer ${KEY}` };
    for (const [url, payload] of [
      ['/v1/calendars/office', BENCH_CALENDAR],
      ['/v1/sla-policies', BENCH_POLICIES],
    ] as const) {
      const res = await app.inject({ method: 'PUT', url, headers, payload });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    }
    const context = await services.contexts.forUpdate(database.db, tenantId);
    await app.close();
    return { tenantId: tenantId, context };
  } finally {
    await database.close();
    await admin.query(`drop database ${name} with (force)`);
    await admin.end();
  }
}

/** The NDJSON lines of each connection, as bench/ingest sends them. */
function connectionLines(): string[][] {
  const parts: string[][] = Array.from({ length: CONCURRENCY }, () => []);
  for (const e of generateEvents({ events: EVENTS, late: 0 })) {
    let h = 0;
    for (let i = 0; i < e.ticket_id.length; i += 1) h = (h * 31 + e.ticket_id.charCodeAt(i)) | 0;
    parts[Math.abs(h) % CONCURRENCY]!.push(JSON.stringify(e));
  }
  return parts;
}

const { tenantId, context } = await foldContext();
const streams = connectionLines();
const stages = [
  'parse',
  'prepare',
  'event copy text',
  'fold',
  'derive + contributions',
  'rollup deltas',
  'derived rows',
  'new ticket rows',
  'rollup copy text',
] as const;
type Stage = (typeof stages)[number];

interface Cached {
  state: TicketState;
  contributions: Contribution[];
  rows: StoredRowTexts;
}

function run(): Record<Stage | 'total', number> {
  const spent = Object.fromEntries(stages.map((s) => [s, 0])) as Record<Stage, number>;
  let clock = performance.now();
  const lap = (stage: Stage) => {
    const now = performance.now();
    spent[stage] += now - clock;
    clock = now;
  };
  const started = clock;
  const cache = new Map<string, Cached>();
  let seq = 0;
  const longest = Math.max(...streams.map((s) => s.length));
  // The connections' batches interleave, as the service's four requests do.
  for (let offset = 0; offset < longest; offset += BATCH) {
    for (const lines of streams) {
      const slice = lines.slice(offset, offset + BATCH);
      if (slice.length === 0) continue;
      const items = slice.map((text, i) => ({
        position: { line: offset + i + 1 },
        raw: JSON.parse(text) as unknown,
      }));
      lap('parse');
      const prepared = prepareBatch(items, 'envelope');
      lap('prepare');
      const seqs = prepared.events.map(() => ++seq);
      const copy = eventsCopyText(
        tenantId,
        prepared.events.map((e) => e.row),
        seqs,
      );
      if (copy.length === 0) throw new Error('no copy text');
      lap('event copy text');
      const byTicket = new Map<string, TicketEvent[]>();
      prepared.events.forEach(({ event }, i) => {
        const list = byTicket.get(event.ticketId) ?? [];
        list.push(toCoreEvent(event, seqs[i]!));
        byTicket.set(event.ticketId, list);
      });
      const states = new Map<string, TicketState>();
      for (const [id, events] of byTicket) {
        events.sort(compareEvents);
        const entry = cache.get(id);
        if (entry && events.every((e) => canApplyAfter(entry.state, e))) {
          for (const e of events) applyInPlace(entry.state, e, context.ctx);
          states.set(id, entry.state);
        } else states.set(id, foldTicket(events, context.ctx));
      }
      lap('fold');
      const folded = [...states].map(([id, state]) => {
        const derived = deriveTicket(state, context.ctx, { segments: false });
        return { id, state, derived, contributions: keyedTicketContributions(derived) };
      });
      lap('derive + contributions');
      const deltas = new RollupDeltas();
      const writes: TicketWrite[] = folded.map(({ id, state, derived, contributions }) => {
        const entry = cache.get(id);
        deltas.addTicket(entry?.contributions ?? [], contributions);
        return {
          ticketId: id,
          state,
          derived,
          contributions: contributions.rows,
          configRevision: context.revision,
          previous: entry?.rows,
          created: entry === undefined,
        };
      });
      lap('rollup deltas');
      const plan = planTicketWrites(writes, true);
      for (const [, table] of plan.tables) if (table.lines.length > 0) table.lines.join('\n');
      lap('derived rows');
      const created = writes.filter((w) => w.created);
      const text = created.map((w) => ticketCopyLine(w, '1')).join('\n');
      if (created.length > 0 && text.length === 0) throw new Error('no rows');
      lap('new ticket rows');
      const byKind = new Map<ContributionKind, Contribution[]>();
      for (const row of deltas.unsortedRows()) {
        const list = byKind.get(row.kind) ?? [];
        list.push(row);
        byKind.set(row.kind, list);
      }
      for (const [kind, rows] of byKind) rollupCopyText(ROLLUPS[kind], tenantId, rows);
      lap('rollup copy text');
      for (const w of writes) {
        cache.set(w.ticketId, {
          state: w.state,
          contributions: w.contributions,
          rows: plan.written.get(w.ticketId)!.rows,
        });
      }
    }
  }
  return { ...spent, total: performance.now() - started };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const runs: Array<Record<Stage | 'total', number>> = [];
run(); // warm-up
for (let r = 0; r < Number(values.repeats); r += 1) runs.push(run());
console.log(
  `core-cpu: ${EVENTS.toLocaleString('en-US')} events, batches of ${BATCH}, ${runs.length} runs; µs per event, median (min–max)`,
);
for (const stage of [...stages, 'total'] as const) {
  const xs = runs.map((r) => (r[stage] * 1000) / EVENTS);
  console.log(
    `  ${stage.padEnd(24)} ${median(xs).toFixed(2).padStart(6)}  (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`,
  );
}
