/**
 * bench/cube/backlog-index: the in-memory backlog index (src/reporting/kpis/cube/backlog-index.ts)
 * on synthetic backlog segments of a 1,000,000-ticket tenant over two years: load time, memory,
 * and the time of `groups()` for 1 and 14 instants (median and p95 of random instants).
 *
 *   npx tsx --expose-gc bench/cube/backlog-index.ts [--tickets 1000000] [--queries 1000]
 *   (without --expose-gc the memory figures are taken without a full collection)
 *
 * Tickets are created evenly over 730 days; each has 1–5 backlog segments (2.7 on average)
 * of exponential length (mean 15.6 h) separated by exponential gaps (mean 1 day), 0.5 % stay
 * open forever (their last segment open-ended) and 0.2 % have one segment of 100–730 days. That
 * gives about 6,000 tickets in the backlog at an instant in the middle of the two years.
 * Deterministic (mulberry32). The segments are drawn first and held as columns; `load` is then
 * fed objects in batches of 10,000 made on the fly, with fresh flat ticket-id texts, as a
 * database reader would hand them over (making them is timed alone too). Then the question times
 * (groups by team with the 7 default buckets, for 1 instant and for 14 daily ones; a filtered
 * two-column grouping; no grouping; `tickets()`), and `replace` of 100,000 random tickets; then
 * `groups` again after a churn (the first 30 % of the days trimmed, 30 % of the tickets replaced).
 */
import { DEFAULT_BUCKETS } from '../../src/reporting/kpis/backlog.js';
import { BacklogIndex, type IndexedSegment } from '../../src/reporting/kpis/cube/backlog-index.js';
import { AGENTS, DAYS, mulberry32, START, TEAMS } from './generate.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TICKETS = arg('tickets', 1_000_000);
const QUERIES = arg('queries', 1000);
const DAY = 86_400_000;
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const CHANNELS = ['email', 'web', 'chat', 'phone', 'api'];
const CATEGORIES = Array.from({ length: 30 }, (_, i) => `cat-${i}`);
const POLICIES = ['urgent-24x7', 'high-office', 'standard-office', 'vip'];
const CALENDARS = ['cal-warsaw', 'cal-nyc', 'cal-24x7'];
const LATER = ['open', 'open', 'pending', 'on-hold'];

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const log = (line: string) => console.log(line);

/** A UUID-like ticket id, flat as the database driver hands texts over (a template literal
 * would be a rope of its parts: four times the memory of the flat text). */
function uuid(i: number): string {
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  const text = `${h(i, 8)}-${h((i * 7919) & 0xffff, 4)}-4${h(i & 0xfff, 3)}-8${h((i >>> 12) & 0xfff, 3)}-${h(i * 31, 12)}`;
  return Buffer.from(text, 'latin1').toString('latin1');
}

/** The segments of ticket `i`, drawn from `rand`. */
function ticket(i: number, rand: () => number): IndexedSegment[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const maybe = <T>(p: number, x: T) => (rand() < p ? null : x);
  const exp = (mean: number) => Math.round(-Math.log(1 - rand()) * mean);
  const ticketId = uuid(i);
  const createdAt = START + Math.floor(((i + rand()) / TICKETS) * DAYS * DAY);
  const kind = rand();
  let k = 1;
  for (let j = 0; j < 4; j++) if (rand() < 0.425) k++;
  const base = {
    ticketId,
    createdAt,
    calendarId: pick(CALENDARS),
    team: maybe(0.05, pick(TEAMS)),
    agent: maybe(0.1, pick(AGENTS)),
    priority: pick(PRIORITIES),
    channel: pick(CHANNELS),
    category: maybe(0.2, pick(CATEGORIES)),
    policy: maybe(0.1, pick(POLICIES)),
  };
  const out: IndexedSegment[] = [];
  let at = createdAt;
  for (let j = 0; j < k; j++) {
    const length = kind < 0.002 && j === 0 ? (100 + rand() * 630) * DAY : exp(0.65 * DAY) + 1;
    const from = at;
    const to = kind > 0.995 && j === k - 1 ? null : from + Math.round(length);
    out.push({ ...base, from, to, status: j === 0 ? 'new' : pick(LATER) });
    if (to === null) break;
    at = to + exp(DAY);
    if (rand() < 0.3) base.agent = maybe(0.1, pick(AGENTS));
  }
  return out;
}

const DIM_VALUES = [TEAMS, AGENTS, PRIORITIES, CHANNELS, CATEGORIES, POLICIES];
const DIM_NAMES = ['team', 'agent', 'priority', 'channel', 'category', 'policy'] as const;
const STATUSES = ['new', 'open', 'pending', 'on-hold'];

/** The generated segments as columns (values as indexes into the lists above, -1 for null). */
interface Columns {
  length: number;
  ticket: Int32Array;
  from: Float64Array;
  /** NaN: open-ended. */
  to: Float64Array;
  created: Float64Array;
  status: Int8Array;
  calendar: Int8Array;
  dims: Int16Array[];
}

/** Every ticket's segments, drawn once, held as columns (not objects) until loaded. */
function generate(): Columns {
  const cap = Math.ceil(TICKETS * 3.2);
  const c: Columns = {
    length: 0,
    ticket: new Int32Array(cap),
    from: new Float64Array(cap),
    to: new Float64Array(cap),
    created: new Float64Array(cap),
    status: new Int8Array(cap),
    calendar: new Int8Array(cap),
    dims: DIM_NAMES.map(() => new Int16Array(cap)),
  };
  const codes = (values: readonly string[]) => new Map(values.map((v, k) => [v, k]));
  const dimCodes = DIM_VALUES.map(codes);
  const statusCodes = codes(STATUSES);
  const calendarCodes = codes(CALENDARS);
  const rand = mulberry32(20261201);
  for (let i = 0; i < TICKETS; i++) {
    for (const s of ticket(i, rand)) {
      const n = c.length++;
      c.ticket[n] = i;
      c.from[n] = s.from;
      c.to[n] = s.to ?? NaN;
      c.created[n] = s.createdAt;
      c.status[n] = statusCodes.get(s.status)!;
      c.calendar[n] = calendarCodes.get(s.calendarId)!;
      DIM_NAMES.forEach((d, k) => {
        const v = s[d];
        c.dims[k]![n] = v === null ? -1 : dimCodes[k]!.get(v)!;
      });
    }
  }
  return c;
}

/**
 * The segments as a database reader would hand them over: objects in batches of `size`, each
 * ticket id a fresh flat text (the index then holds the only reference to it).
 */
function* batches(c: Columns, size = 10_000): Generator<IndexedSegment[]> {
  let id = '';
  let last = -1;
  for (let start = 0; start < c.length; start += size) {
    const batch: IndexedSegment[] = [];
    for (let n = start; n < Math.min(c.length, start + size); n++) {
      if (c.ticket[n] !== last) {
        last = c.ticket[n]!;
        id = uuid(last);
      }
      const dim = (k: number) => DIM_VALUES[k]![c.dims[k]![n]!] ?? null;
      batch.push({
        ticketId: id,
        from: c.from[n]!,
        to: Number.isNaN(c.to[n]) ? null : c.to[n]!,
        status: STATUSES[c.status[n]!]!,
        createdAt: c.created[n]!,
        calendarId: CALENDARS[c.calendar[n]!]!,
        team: dim(0),
        agent: dim(1),
        priority: dim(2),
        channel: dim(3),
        category: dim(4),
        policy: dim(5),
      });
    }
    yield batch;
  }
}

/** Memory after full collections (array buffers are released after a collection, not in it). */
async function memory() {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, buffers: m.arrayBuffers };
}

function timed(runs: number, f: (i: number) => unknown): string {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return `median ${(at(0.5) * 1000).toFixed(0)} µs, p95 ${(at(0.95) * 1000).toFixed(0)} µs`;
}

async function main() {
  let t0 = performance.now();
  const columns = generate();
  log(`${TICKETS.toLocaleString()} tickets, ${columns.length.toLocaleString()} segments`);
  log(`generation: ${((performance.now() - t0) / 1000).toFixed(2)} s (not timed below)`);
  t0 = performance.now();
  let objects = 0;
  for (const b of batches(columns)) objects += b.length;
  const objectsMs = performance.now() - t0;

  const before = await memory();
  const index = new BacklogIndex();
  t0 = performance.now();
  await index.load(batches(columns));
  const loadMs = performance.now() - t0;
  const after = await memory();
  log(
    `load: ${(loadMs / 1000).toFixed(2)} s, of which making the ${objects.toLocaleString()} segment ` +
      `objects and ticket ids about ${(objectsMs / 1000).toFixed(2)} s (timed alone)`,
  );
  log(
    `memory: bytes() ${mb(index.bytes())}; process after − before: heap ${mb(after.heap - before.heap)}, ` +
      `array buffers ${mb(after.buffers - before.buffers)}, rss ${mb(after.rss - before.rss)}` +
      (globalThis.gc ? '' : ' — run with --expose-gc for figures after a full GC'),
  );

  const rand = mulberry32(7);
  const lo = START + 30 * DAY;
  const span = (DAYS - 60) * DAY;
  const instants = Array.from({ length: QUERIES }, () => lo + Math.floor(rand() * span));
  const sizes = instants.map((t) => index.tickets([t], [], []).length).sort((a, b) => a - b);
  log(
    `backlog at the query instants: median ${sizes[sizes.length >> 1]}, ` +
      `min ${sizes[0]}, max ${sizes[sizes.length - 1]}`,
  );
  const byTeam = { groupBy: ['team'], filters: [], bounds: DEFAULT_BUCKETS };
  const days14 = (t: number) => Array.from({ length: 14 }, (_, d) => t - (13 - d) * DAY);
  for (let w = 0; w < 50; w++) index.groups(days14(instants[w]!), byTeam); // warm-up
  log(
    `groups, 1 instant, by team, 7 buckets: ${timed(QUERIES, (i) => index.groups([instants[i]!], byTeam))}`,
  );
  log(
    `groups, 14 daily instants, by team:    ${timed(QUERIES, (i) => index.groups(days14(instants[i]!), byTeam))}`,
  );
  const two = {
    groupBy: ['team', 'priority'],
    filters: [{ column: 'channel', values: ['email', 'chat'] }],
    bounds: DEFAULT_BUCKETS,
  };
  log(
    `groups, 1 instant, team × priority, channel filter: ${timed(QUERIES, (i) => index.groups([instants[i]!], two))}`,
  );
  const none = { groupBy: [], filters: [], bounds: DEFAULT_BUCKETS };
  log(
    `groups, 1 instant, no group-by: ${timed(QUERIES, (i) => index.groups([instants[i]!], none))}`,
  );
  log(
    `tickets, 1 instant, by agent: ${timed(QUERIES, (i) => index.tickets([instants[i]!], ['agent'], []))}`,
  );

  const replaceRand = mulberry32(11);
  const n = 100_000;
  const fresh = Array.from({ length: n }, () => {
    const i = Math.floor(replaceRand() * TICKETS);
    return [uuid(i), ticket(i, replaceRand).map((s) => ({ ...s, ticketId: uuid(i) }))] as const;
  });
  t0 = performance.now();
  for (const [id, segments] of fresh) index.replace(id, segments);
  const replaceMs = performance.now() - t0;
  log(
    `replace: ${n.toLocaleString()} tickets in ${replaceMs.toFixed(0)} ms (${((replaceMs / n) * 1000).toFixed(2)} µs each); ` +
      `segments ${index.segments.toLocaleString()}, bytes() ${mb(index.bytes())}`,
  );

  // A live index is never laid out afresh: the horizon frees old segments' slots and every
  // replace reuses freed slots wherever they are, so a list's segments end up scattered over
  // the store (the soak's first 20 minutes: 0.12 → 0.64 ms a question at the same backlog).
  // Trim the first 30 % of the days, replace 30 % of the tickets, and ask again.
  t0 = performance.now();
  const dropped = index.trimBefore(START + Math.floor(0.3 * DAYS) * DAY);
  const churn = Array.from({ length: Math.floor(TICKETS * 0.3) }, () => {
    const i = Math.floor(replaceRand() * TICKETS);
    return [uuid(i), ticket(i, replaceRand).map((s) => ({ ...s, ticketId: uuid(i) }))] as const;
  });
  for (const [id, segments] of churn) index.replace(id, segments);
  log(
    `churn: ${dropped.toLocaleString()} segments trimmed and ${churn.length.toLocaleString()} tickets ` +
      `replaced in ${((performance.now() - t0) / 1000).toFixed(2)} s`,
  );
  const late = instants.map((t) => Math.max(t, START + Math.ceil(0.3 * DAYS + 1) * DAY));
  log(
    `groups after the churn, 1 instant, by team: ${timed(QUERIES, (i) => index.groups([late[i]! + i], byTeam))}`,
  );
}

await main();
