/**
 * The calibration: the service's capacity at full speed, closed loop (each connection sends its
 * next request as soon as the last one answered), first for ingest alone, then for KPI reads
 * alone, each for `--calibration` seconds of which the first fifth is a warm-up not counted.
 *
 * Ingest sends a help desk of its own — the demo desk of the six months before the soak's (its
 * ticket ids prefixed `C`), generated in full before the clock starts, so generating it costs the
 * measurement nothing — in the soak's request shape (`--batch` events a request over `--lanes`
 * connections, each ticket on one of them). Its tickets stay in the tenant: the reads of the
 * calibration and of the soak find them there.
 */
import { agent, describeFailure, getPath, postEvents } from './client.js';
import { recordFailure, now, type Context } from './context.js';
import { EVENTS_PER_TICKET, EventFeed } from './events.js';
import { QUESTIONS, questionStream } from './questions.js';
import { fmtInt, fmtMs, fmtRate, quantile } from './stats.js';

/** Events generated for the ingest calibration, per second of it: above any 2-core machine's rate. */
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

export async function calibrateIngest(ctx: Context, deskNow: number): Promise<Capacity> {
  const { options } = ctx;
  const seconds = options.calibrationSeconds;
  const tickets = Math.ceil((seconds * CAP_PER_SECOND) / EVENTS_PER_TICKET);
  ctx.log(
    `calibration 1 of 2: ingest at full speed; generating its help desk first (${fmtInt(tickets)} tickets over six months, ids C…)`,
  );
  const t0 = now();
  const feed = new EventFeed({
    deskNow,
    months: 6,
    tickets,
    seed: options.seed + 1,
    prefix: 'C',
    lanes: options.lanes,
    batch: options.batch,
    spool: null,
  });
  try {
    await feed.generateAll(() => ctx.log(`  generating: ${fmtInt(feed.generated)} events`));
    const warm = seconds / 5;
    ctx.log(
      `  ${fmtInt(feed.generated)} events generated in ${((now() - t0) / 1000).toFixed(1)} s; sending them for ${seconds} s (the first ${warm} s a warm-up), ${fmtInt(options.batch)} events a request on each of ${options.lanes} connections`,
    );
    const http = agent(options.lanes);
    const start = now();
    const warmEnd = start + warm * 1000;
    const end = start + seconds * 1000;
    let stopAt = end;
    let stored = 0;
    const done: Completion[] = [];
    const latencies: number[] = [];
    const timer = progress(ctx, start, () => `${fmtInt(stored)} events stored`);
    await Promise.all(
      Array.from({ length: options.lanes }, async (_, lane) => {
        while (now() < end && ctx.stopped === null) {
          const batch = await feed.next(lane);
          if (batch === null) {
            stopAt = Math.min(stopAt, now());
            return;
          }
          const sent = now();
          const answer = await postEvents(ctx.target, http, batch.body);
          const at = now();
          if (answer.counts === null) {
            recordFailure(ctx, `ingest HTTP ${answer.status}`, describeFailure('ingest', answer));
            continue;
          }
          if (answer.counts.rejected > 0) {
            recordFailure(ctx, 'ingest rejected events', describeFailure('ingest', answer));
          }
          const n = answer.counts.accepted + answer.counts.duplicates;
          stored += n;
          done.push({ at, n });
          if (at > warmEnd) latencies.push(at - sent);
          if (batch.lastAt > ctx.deskNow) ctx.deskNow = batch.lastAt;
        }
      }),
    );
    clearInterval(timer);
    http.destroy();
    if (stopAt - warmEnd < 2000) {
      throw new Error(
        `the calibration's ${fmtInt(feed.generated)} events were all sent within ${((stopAt - start) / 1000).toFixed(1)} s: raise CAP_PER_SECOND in bench/soak/calibrate.ts`,
      );
    }
    const rate = rateOf(done, warmEnd, stopAt);
    const ranOut =
      stopAt < end ? ` (its events ran out after ${((stopAt - start) / 1000).toFixed(1)} s)` : '';
    return {
      rate,
      line: `  ingest capacity: ${fmtInt(rate)} events/s${ranOut}; per request p50 ${fmtMs(quantile(latencies, 0.5))} ms, p99 ${fmtMs(quantile(latencies, 0.99))} ms; ${fmtInt(stored)} events stored`,
    };
  } finally {
    await feed.close();
  }
}

export async function calibrateKpi(ctx: Context): Promise<Capacity> {
  const { options } = ctx;
  const seconds = options.calibrationSeconds;
  const warm = seconds / 5;
  ctx.log(
    `calibration 2 of 2: KPI reads at full speed (the mix of ${QUESTIONS.length} questions), ${options.kpiConnections} at a time for ${seconds} s (the first ${warm} s a warm-up), no ingest`,
  );
  const next = questionStream(options.seed + 2);
  const http = agent(options.kpiConnections);
  const start = now();
  const warmEnd = start + warm * 1000;
  const end = start + seconds * 1000;
  const done: Completion[] = [];
  const latencies: number[] = [];
  let cube = 0;
  let timed = 0;
  const timer = progress(ctx, start, () => `${fmtInt(done.length)} reads answered`);
  await Promise.all(
    Array.from({ length: options.kpiConnections }, async () => {
      while (now() < end && ctx.stopped === null) {
        const question = next();
        const sent = now();
        const answer = await getPath(ctx.target, http, question.path(ctx.deskNow));
        const at = now();
        if (answer.status < 200 || answer.status >= 300) {
          const id = QUESTIONS[question.index]!.id;
          recordFailure(ctx, `read HTTP ${answer.status}`, describeFailure(id, answer));
          continue;
        }
        done.push({ at, n: 1 });
        if (at <= warmEnd) continue;
        latencies.push(at - sent);
        if (answer.source !== null) timed++;
        if (answer.source === 'cube') cube++;
      }
    }),
  );
  clearInterval(timer);
  http.destroy();
  const rate = rateOf(done, warmEnd, end);
  const share =
    timed === 0 ? '' : `; ${Math.round((100 * cube) / timed)} % of the KPI answers from the cube`;
  return {
    rate,
    line: `  read capacity: ${fmtRate(rate)} reads/s; p50 ${fmtMs(quantile(latencies, 0.5))} ms, p99 ${fmtMs(quantile(latencies, 0.99))} ms${share}`,
  };
}
