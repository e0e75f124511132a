/**
 * The calibration: the service's capacity at full speed, closed loop (each connection sends its
 * next request as soon as the last one answered), for `--calibration` seconds a step of which the
 * first fifth is a warm-up not counted: ingest alone, KPI reads alone, then **both at once**.
 * The soak runs at `--share` of what the node achieved with both at once: its capacity for this
 * mix, with the KPI cube loaded and kept current by every commit, as in the soak. (Ingest alone
 * runs before any read has loaded the cube, and reads alone see no commit: half of each measured
 * alone overstated the node by half, which the first soaks showed.)
 *
 * Ingest sends help desks of its own — the demo desk of the six months before the soak's, ticket
 * ids prefixed `C` (alone) and `D` (together), generated in full before the clock starts, so
 * generating them costs the measurement nothing — in the soak's request shape (`--batch` events
 * a request over `--lanes` connections, each ticket on one of them). Their tickets stay in the
 * tenant: the later reads find them there.
 */
import type http from 'node:http';
import { agent, describeFailure, getPath, postEvents } from './client.js';
import { recordFailure, now, type Context } from './context.js';
import { EVENTS_PER_TICKET, EventFeed } from './events.js';
import { QUESTIONS, questionStream } from './questions.js';
import { fmtInt, fmtMs, fmtRate, quantile } from './stats.js';

/** Events generated for an ingest step, per second of it: above any 2-core machine's rate. */
const CAP_PER_SECOND = 16_000;

export interface Capacity {
  /** Events/s (ingest) or answers/s (KPI reads). */
  rate: number;
  line: string;
}

interface Completion {
  at: number;
  n: number;
}

/** One step's clock: the warm-up ends at `warmEnd`; nothing is sent after `end`. */
interface Window {
  start: number;
  warmEnd: number;
  end: number;
}

/** What one load of a step did. */
interface Tally {
  done: Completion[];
  latencies: number[];
  /** When the load stopped sending (its events ran out, or `end`). */
  stopAt: number;
  units: number;
  cube: number;
  timed: number;
}

const tally = (w: Window): Tally => ({
  done: [],
  latencies: [],
  stopAt: w.end,
  units: 0,
  cube: 0,
  timed: 0,
});

function windowOf(seconds: number): Window {
  const start = now();
  return { start, warmEnd: start + (seconds / 5) * 1000, end: start + seconds * 1000 };
}

/** Units per second over the completions in `(from, to]`. */
function rateOf(done: readonly Completion[], from: number, to: number): number {
  const n = done.filter((c) => c.at > from && c.at <= to).reduce((s, c) => s + c.n, 0);
  return n / ((to - from) / 1000);
}

function progress(ctx: Context, started: number, what: () => string): NodeJS.Timeout {
  return setInterval(
    () => ctx.log(`  ${Math.round((now() - started) / 1000)} s: ${what()}`),
    10_000,
  );
}

/** A calibration desk (six months before the soak's), generated in full into memory. */
async function calibrationFeed(ctx: Context, prefix: string, deskNow: number) {
  const { options } = ctx;
  const tickets = Math.ceil((options.calibrationSeconds * CAP_PER_SECOND) / EVENTS_PER_TICKET);
  const t0 = now();
  const feed = new EventFeed({
    deskNow,
    months: 6,
    tickets,
    seed: options.seed + prefix.charCodeAt(0),
    prefix,
    lanes: options.lanes,
    batch: options.batch,
    spool: null,
  });
  await feed.generateAll(() => ctx.log(`  generating: ${fmtInt(feed.generated)} events`));
  ctx.log(
    `  ${fmtInt(feed.generated)} events (${fmtInt(tickets)} tickets over six months, ids ${prefix}…) generated in ${((now() - t0) / 1000).toFixed(1)} s`,
  );
  return feed;
}

/** Sends the feed's bodies on `--lanes` connections until `w.end` or the events run out. */
async function sendIngest(ctx: Context, feed: EventFeed, w: Window, t: Tally): Promise<void> {
  const lanes = ctx.options.lanes;
  const connections = agent(lanes);
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      while (now() < w.end && ctx.stopped === null) {
        const batch = await feed.next(lane);
        if (batch === null) {
          t.stopAt = Math.min(t.stopAt, now());
          return;
        }
        const sent = now();
        const answer = await postEvents(ctx.target, connections, batch.body);
        const at = now();
        if (answer.counts === null) {
          recordFailure(ctx, `ingest HTTP ${answer.status}`, describeFailure('ingest', answer));
          continue;
        }
        if (answer.counts.rejected > 0) {
          recordFailure(ctx, 'ingest rejected events', describeFailure('ingest', answer));
        }
        const n = answer.counts.accepted + answer.counts.duplicates;
        t.units += n;
        t.done.push({ at, n });
        if (at > w.warmEnd) t.latencies.push(at - sent);
        if (batch.lastAt > ctx.deskNow) ctx.deskNow = batch.lastAt;
      }
    }),
  );
  connections.destroy();
  if (t.stopAt - w.warmEnd < 2000) {
    throw new Error(
      `the calibration's ${fmtInt(feed.generated)} events were all sent within ${((t.stopAt - w.start) / 1000).toFixed(1)} s: raise CAP_PER_SECOND in bench/soak/calibrate.ts`,
    );
  }
}

/** Asks the questions on `--kpi-connections` connections until `w.end`. */
async function sendReads(ctx: Context, seed: number, w: Window, t: Tally): Promise<void> {
  const next = questionStream(seed);
  const connections: http.Agent = agent(ctx.options.kpiConnections);
  await Promise.all(
    Array.from({ length: ctx.options.kpiConnections }, async () => {
      while (now() < w.end && ctx.stopped === null) {
        const question = next();
        const sent = now();
        const answer = await getPath(ctx.target, connections, question.path(ctx.deskNow));
        const at = now();
        if (answer.status < 200 || answer.status >= 300) {
          const id = QUESTIONS[question.index]!.id;
          recordFailure(ctx, `read HTTP ${answer.status}`, describeFailure(id, answer));
          continue;
        }
        t.done.push({ at, n: 1 });
        t.units++;
        if (at <= w.warmEnd) continue;
        t.latencies.push(at - sent);
        if (answer.source !== null) t.timed++;
        if (answer.source === 'cube') t.cube++;
      }
    }),
  );
  connections.destroy();
}

const latency = (t: Tally) =>
  `p50 ${fmtMs(quantile(t.latencies, 0.5))} ms, p99 ${fmtMs(quantile(t.latencies, 0.99))} ms`;

function ingestCapacity(what: string, w: Window, t: Tally): Capacity {
  const rate = rateOf(t.done, w.warmEnd, t.stopAt);
  const ranOut =
    t.stopAt < w.end
      ? ` (its events ran out after ${((t.stopAt - w.start) / 1000).toFixed(1)} s)`
      : '';
  return {
    rate,
    line: `  ${what}: ${fmtInt(rate)} events/s${ranOut}; per request ${latency(t)}; ${fmtInt(t.units)} events stored`,
  };
}

function readCapacity(what: string, w: Window, t: Tally, to: number): Capacity {
  const rate = rateOf(t.done, w.warmEnd, to);
  const share =
    t.timed === 0
      ? ''
      : `; ${Math.round((100 * t.cube) / t.timed)} % of the KPI answers from the cube`;
  return { rate, line: `  ${what}: ${fmtRate(rate)} reads/s; ${latency(t)}${share}` };
}

export async function calibrateIngest(ctx: Context, deskNow: number): Promise<Capacity> {
  const { options } = ctx;
  ctx.log(`calibration 1 of 3: ingest alone at full speed; generating its help desk first`);
  const feed = await calibrationFeed(ctx, 'C', deskNow);
  try {
    ctx.log(
      `  sending for ${options.calibrationSeconds} s (the first fifth a warm-up), ${fmtInt(options.batch)} events a request on each of ${options.lanes} connections`,
    );
    const w = windowOf(options.calibrationSeconds);
    const t = tally(w);
    const timer = progress(ctx, w.start, () => `${fmtInt(t.units)} events stored`);
    try {
      await sendIngest(ctx, feed, w, t);
    } finally {
      clearInterval(timer);
    }
    return ingestCapacity('ingest alone', w, t);
  } finally {
    await feed.close();
  }
}

export async function calibrateKpi(ctx: Context): Promise<Capacity> {
  const { options } = ctx;
  ctx.log(
    `calibration 2 of 3: KPI reads alone at full speed (the mix of ${QUESTIONS.length} questions), ${options.kpiConnections} at a time for ${options.calibrationSeconds} s (the first fifth a warm-up)`,
  );
  const w = windowOf(options.calibrationSeconds);
  const t = tally(w);
  const timer = progress(ctx, w.start, () => `${fmtInt(t.units)} reads answered`);
  try {
    await sendReads(ctx, options.seed + 2, w, t);
  } finally {
    clearInterval(timer);
  }
  return readCapacity('reads alone', w, t, w.end);
}

/** Both loads at full speed at once: the node's capacity for the mix. */
export async function calibrateTogether(
  ctx: Context,
  deskNow: number,
): Promise<{ events: Capacity; reads: Capacity }> {
  const { options } = ctx;
  ctx.log(
    `calibration 3 of 3: ingest and KPI reads together, both at full speed; generating its help desk first`,
  );
  const feed = await calibrationFeed(ctx, 'D', deskNow);
  try {
    ctx.log(`  sending and asking for ${options.calibrationSeconds} s (the first fifth a warm-up)`);
    const w = windowOf(options.calibrationSeconds);
    const ingest = tally(w);
    const reads = tally(w);
    const timer = progress(
      ctx,
      w.start,
      () => `${fmtInt(ingest.units)} events stored, ${fmtInt(reads.units)} reads answered`,
    );
    try {
      await Promise.all([
        sendIngest(ctx, feed, w, ingest),
        sendReads(ctx, options.seed + 3, w, reads),
      ]);
    } finally {
      clearInterval(timer);
    }
    // Over the same span: after ingest's events ran out, the reads had the node alone.
    return {
      events: ingestCapacity('ingest, together', w, ingest),
      reads: readCapacity('reads, together', w, reads, ingest.stopAt),
    };
  } finally {
    await feed.close();
  }
}
