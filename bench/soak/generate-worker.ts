/**
 * The worker thread that generates a help desk's events (events.ts starts it): src/demo's
 * generator on the demo help desk (`demoProfile(deskNow, months)`: the months up to `deskNow`), each
 * event's NDJSON line put in the lane of its ticket (ticket number mod lanes, so each ticket's
 * events stay in order on one connection), every `batch` lines of a lane one request body. A body
 * goes to the main thread (transferred, not copied) or, with `spool`, to the lane's file there,
 * the main thread getting only where it is. It generates the whole desk, then ends.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { demoProfile } from '../../src/demo/demo-profile.js';
import { generateEvents } from '../../src/demo/generator.js';
import { laneFile, prefixIds, type FeedSpec, type FromWorker } from './events.js';

const spec = workerData as FeedSpec;
const port = parentPort!;
const encoder = new TextEncoder();
const lanes = Array.from({ length: spec.lanes }, (_, i) => ({
  lines: [] as string[],
  lastAt: 0,
  offset: 0,
  fd: spec.spool === null ? null : openSync(join(spec.spool, laneFile(i)), 'w'),
}));
let maxTicket = -1;
let total = 0;

function post(lane: number): void {
  const l = lanes[lane]!;
  const body = encoder.encode(`${l.lines.join('\n')}\n`);
  const meta = {
    lane,
    events: l.lines.length,
    lastAt: l.lastAt,
    tickets: maxTicket + 1,
    offset: l.offset,
    length: body.length,
  };
  l.lines = [];
  if (l.fd === null) {
    port.postMessage({ kind: 'batch', ...meta, body } satisfies FromWorker, [body.buffer]);
    return;
  }
  writeSync(l.fd, body);
  l.offset += body.length;
  port.postMessage({ kind: 'batch', ...meta, body: null } satisfies FromWorker);
}

for (const e of generateEvents(demoProfile(spec.deskNow, spec.months), {
  tickets: spec.tickets,
  seed: spec.seed,
})) {
  const lane = e.ticket % spec.lanes;
  const l = lanes[lane]!;
  l.lines.push(spec.prefix === '' ? e.line : prefixIds(e.line, spec.prefix));
  l.lastAt = e.at;
  if (e.ticket > maxTicket) maxTicket = e.ticket;
  total++;
  if (l.lines.length === spec.batch) post(lane);
}
lanes.forEach((l, i) => {
  if (l.lines.length > 0) post(i);
  if (l.fd !== null) closeSync(l.fd);
});
port.postMessage({ kind: 'end', events: total, tickets: maxTicket + 1 } satisfies FromWorker);
port.close();
