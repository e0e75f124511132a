/**
 * The soak itself: ingest and KPI reads together, open loop — each request is scheduled on a
 * timer at the soak's rate and its latency runs from that scheduled instant to its last byte, so
 * a service that falls behind shows it in the latencies rather than slowing the load down. Ingest
 * bodies go round the lanes; a lane's body waits for the lane's previous request (each ticket's
 * events stay in order), and that wait is part of its latency. The soak's help desk is generated
 * in full before the clock starts (events.ts), so the bench's own work during it is the HTTP
 * client's. One line a minute.
 */
import { loadavg } from 'node:os';
import { memoryOf } from '../exports/service.js';
import { agent, describeFailure, getPath, postEvents } from './client.js';
import { now, recordFailure, sleep, type Context } from './context.js';
import { BYTES_PER_EVENT, EVENTS_PER_TICKET, EventFeed, spoolDirectory } from './events.js';
import { QUESTIONS, questionStream } from './questions.js';
import { cpuSecondsOf, databaseGb, postgresCpuSeconds } from './probe.js';
import { metricsMemoryOf } from './service.js';
import { fmtInt, minuteHeader, minuteLine, newMinute, type Minute } from './stats.js';
import { ingestPhases, Trace } from './trace.js';

const MINUTE = 60_000;
/** Tickets generated beyond what the soak is expected to send. */
const MARGIN = 1.15;
/** How long the requests scheduled before the end may take to answer after it. */
const DRAIN_MS = 130_000;

export interface QuestionStats {
  latencies: number[];
  errors: number;
  cube: number;
  timed: number;
}

export interface SoakResult {
  /** The minutes run to their end (all of them unless stopped early). */
  minutes: Minute[];
  ingestRequests: number;
  reads: number;
  questions: QuestionStats[];
  /** The generated help desk ran out of events (more events/s than planned for). */
  exhausted: boolean;
  /** `--trace`'s summary lines. */
  trace: string[];
  tickets: number;
  /**
   * Seconds after the end until the ingest requests, and the reads, scheduled before it had all
   * answered: the last minute counts them, its rates over 60 s + these.
   */
  drain: Drain;
}

export interface Drain {
  events: number;
  reads: number;
}

export interface Rates {
  events: number;
  reads: number;
}

/** Waits until `at` (performance.now() ms) or a stop. */
async function until(ctx: Context, at: number): Promise<void> {
  while (ctx.stopped === null && now() < at) await sleep(Math.min(500, at - now()));
}

/** Calls `fire(due)` for every `intervalMs` from `start` until `over(due)`. */
function pace(
  start: number,
  intervalMs: number,
  over: (due: number) => boolean,
  fire: (due: number) => void,
): Promise<void> {
  return new Promise((resolve) => {
    let j = 0;
    const tick = () => {
      for (;;) {
        const due = start + j * intervalMs;
        if (over(due)) return resolve();
        const wait = due - now();
        if (wait > 0) {
          setTimeout(tick, wait);
          return;
        }
        fire(due);
        j++;
      }
    };
    tick();
  });
}

/**
 * The months the soak's help desk spans. Its clock (the latest event sent) must run through every
 * question's window before the minutes compared: the longest, 90 days against the previous 90,
 * reads 180 days. At 45 desk days a soak minute they are full by minute 4, and from then on each
 * read asks about as much data as the last, so latencies measure the service, not the windows
 * filling up (six months over 30 minutes filled the 90-day windows only at minute 15).
 */
export function soakMonths(minutes: number): number {
  return Math.max(6, Math.ceil(minutes * 1.5));
}

export async function runSoak(ctx: Context, rates: Rates): Promise<SoakResult> {
  const { options } = ctx;
  const planned = rates.events * options.minutes * 60;
  const tickets = Math.ceil((planned * MARGIN) / EVENTS_PER_TICKET) + options.lanes * options.batch;
  const spool = spoolDirectory(tickets * EVENTS_PER_TICKET * BYTES_PER_EVENT);
  const months = soakMonths(options.minutes);
  ctx.log(
    `soak: generating its help desk first: the demo desk of the ${months} months up to now, ${fmtInt(tickets)} tickets (about ${fmtInt(planned)} events to send, ${Math.round((MARGIN - 1) * 100)} % more generated), into ${spool}`,
  );
  const t0 = now();
  const feed = new EventFeed({
    deskNow: Date.now(),
    months,
    tickets,
    seed: options.seed,
    prefix: '',
    lanes: options.lanes,
    batch: options.batch,
    spool,
  });
  const result: SoakResult = {
    minutes: [],
    ingestRequests: 0,
    reads: 0,
    questions: QUESTIONS.map(() => ({ latencies: [], errors: 0, cube: 0, timed: 0 })),
    exhausted: false,
    trace: [],
    tickets: 0,
    drain: { events: 0, reads: 0 },
  };
  try {
    await feed.generateAll(() =>
      ctx.log(`  generating: ${fmtInt(feed.generated)} events of ${fmtInt(feed.tickets)} tickets`),
    );
    ctx.log(
      `  ${fmtInt(feed.generated)} events (${fmtInt(feed.bytes / 2 ** 20)} MB) generated in ${((now() - t0) / 1000).toFixed(1)} s; the soak runs ${options.minutes} minutes`,
    );
    if (ctx.stopped !== null) return result;
    ctx.log(minuteHeader());
    const trace =
      options.trace === null
        ? undefined
        : new Trace(options.trace, ctx.databaseUrl, ctx.service.baseUrl);
    try {
      await soakLoop(ctx, rates, feed, result, trace);
    } finally {
      await trace?.end();
    }
    result.trace = trace?.summary() ?? [];
  } finally {
    await feed.close();
  }
  return result;
}

async function soakLoop(
  ctx: Context,
  rates: Rates,
  feed: EventFeed,
  result: SoakResult,
  trace: Trace | undefined,
): Promise<void> {
  const { options } = ctx;
  const minutes = Array.from({ length: options.minutes }, newMinute);
  const start = now();
  await trace?.begin(start);
  const endAt = start + options.minutes * MINUTE;
  const minuteOf = (t: number) =>
    minutes[Math.min(options.minutes - 1, Math.max(0, Math.floor((t - start) / MINUTE)))]!;
  const over = (due: number) => ctx.stopped !== null || due >= endAt;
  const sampler = setInterval(() => {
    const rss = memoryOf(ctx.service.pid)?.rss;
    if (rss !== undefined && !Number.isNaN(rss)) minuteOf(now()).rss.push(rss);
  }, 1000);

  const lastAnswer: Drain = { events: 0, reads: 0 };

  // Ingest: a body every batch / rate seconds, round the lanes.
  const ingestAgent = agent(options.lanes);
  const tails = Array.from({ length: options.lanes }, () => Promise.resolve());
  let nextLane = 0;
  const sendIngest = async (lane: number, due: number) => {
    // Every request scheduled in the soak is sent, also after its end; only a stop skips them.
    if (ctx.stopped !== null) return;
    const batch = await feed.next(lane);
    if (batch === null) return void (result.exhausted = true);
    const sent = now();
    const answer = await postEvents(ctx.target, ingestAgent, batch.body);
    const at = now();
    const m = minuteOf(at);
    lastAnswer.events = at;
    result.ingestRequests++;
    if (answer.counts === null) {
      m.errors++;
      return recordFailure(ctx, `ingest HTTP ${answer.status}`, describeFailure('ingest', answer));
    }
    if (answer.counts.rejected > 0) {
      m.rejected += answer.counts.rejected;
      recordFailure(ctx, 'ingest rejected events', describeFailure('ingest', answer));
    }
    m.events += answer.counts.accepted + answer.counts.duplicates;
    m.ingest.push(at - due);
    trace?.request(
      'ingest',
      `ingest/${lane}`,
      due,
      at - due,
      ingestPhases(sent - due, answer.timing),
    );
    if (batch.lastAt > ctx.deskNow) ctx.deskNow = batch.lastAt;
    result.tickets = Math.max(result.tickets, batch.tickets);
  };
  const ingest = pace(start, (options.batch / rates.events) * 1000, over, (due) => {
    const lane = nextLane;
    nextLane = (nextLane + 1) % options.lanes;
    tails[lane] = tails[lane]!.then(() => sendIngest(lane, due)).catch((error: Error) => {
      ctx.stopped ??= `ingest failed: ${error.message}`;
    });
  });

  // KPI reads: one every 1 / rate seconds, each as soon as it is due.
  const readAgent = agent(256);
  const next = questionStream(options.seed + 3);
  const inFlight = new Set<Promise<void>>();
  const reads = pace(start, 1000 / rates.reads, over, (due) => {
    const question = next();
    const stats = result.questions[question.index]!;
    const request = getPath(ctx.target, readAgent, question.path(ctx.deskNow)).then((answer) => {
      const at = now();
      const m = minuteOf(at);
      lastAnswer.reads = at;
      result.reads++;
      if (answer.status < 200 || answer.status >= 300) {
        m.errors++;
        stats.errors++;
        const id = QUESTIONS[question.index]!.id;
        return recordFailure(ctx, `read HTTP ${answer.status}`, describeFailure(id, answer));
      }
      m.kpi.push(at - due);
      m.kpiOk++;
      trace?.request('read', QUESTIONS[question.index]!.id.replace(/\s+/g, '_'), due, at - due);
      stats.latencies.push(at - due);
      if (answer.source !== null) {
        m.kpiTimed++;
        stats.timed++;
      }
      if (answer.source === 'cube') {
        m.cube++;
        stats.cube++;
      }
    });
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
  });

  // One line a minute; the last after the requests still in flight have answered.
  let cpu = process.cpuUsage();
  let serviceCpu = cpuSecondsOf(ctx.service.pid);
  let pgCpu = postgresCpuSeconds();
  let cpuAt = now();
  const close = async (index: number, seconds: Drain = { events: 60, reads: 60 }) => {
    const m = minutes[index]!;
    const used = process.cpuUsage(cpu);
    const elapsed = now() - cpuAt;
    const [serviceNow, pgNow] = [cpuSecondsOf(ctx.service.pid), postgresCpuSeconds()];
    m.benchCpu = ((used.user + used.system) / 1000 / elapsed) * 100;
    m.serviceCpu = ((serviceNow - serviceCpu) * 1000 * 100) / elapsed;
    m.pgCpu = ((pgNow - pgCpu) * 1000 * 100) / elapsed;
    [cpu, serviceCpu, pgCpu, cpuAt] = [process.cpuUsage(), serviceNow, pgNow, now()];
    m.dbGb = await databaseGb(ctx.databaseUrl);
    Object.assign(m, await metricsMemoryOf(ctx.service.baseUrl));
    m.tickets = result.tickets;
    m.load = loadavg()[0]!;
    ctx.log(minuteLine(index, m, seconds));
    result.minutes.push(m);
  };
  for (let index = 0; index < options.minutes - 1; index++) {
    await until(ctx, start + (index + 1) * MINUTE);
    if (ctx.stopped !== null) break;
    await close(index);
  }
  await Promise.all([ingest, reads]);
  const drained = Promise.all([...tails, ...inFlight]).then(() => true);
  if (!(await Promise.race([drained, sleep(DRAIN_MS).then(() => false)]))) {
    ctx.stopped ??= `requests still unanswered ${DRAIN_MS / 1000} s after the end`;
  }
  const after = (t: number) => Math.max(0, (t - endAt) / 1000);
  result.drain = { events: after(lastAnswer.events), reads: after(lastAnswer.reads) };
  clearInterval(sampler);
  ingestAgent.destroy();
  readAgent.destroy();
  if (ctx.stopped !== null) return;
  const { events, reads: readsDrain } = result.drain;
  await close(options.minutes - 1, { events: 60 + events, reads: 60 + readsDrain });
  if (Math.max(events, readsDrain) >= 1) {
    ctx.log(
      `  (minute ${options.minutes} counts the answers after the end to the requests scheduled before it, ingest until +${events.toFixed(1)} s and reads until +${readsDrain.toFixed(1)} s: its events/s are over ${(60 + events).toFixed(0)} s, its reads/s over ${(60 + readsDrain).toFixed(0)} s)`,
    );
  }
}
