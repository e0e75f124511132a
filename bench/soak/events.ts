/**
 * The events the bench sends: the demo help desk of src/demo (six months of tickets, about 7.4
 * events each: creations, replies, assignments, status changes, escalations, solves, reopens,
 * closes, merges), generated in full by a worker thread (generate-worker.ts) before they are sent,
 * so generating them costs the measurement nothing: as NDJSON request bodies, one queue per
 * ingest lane, held in memory (the calibration's) or spooled to a file per lane (the soak's,
 * which may be more than a gigabyte) and read back one body at a time.
 */
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { OptionError } from './options.js';

/** What one worker generates. */
export interface FeedSpec {
  /** The help desk is `demoProfile(deskNow, months)`: tickets created in the months before it. */
  deskNow: number;
  months: number;
  tickets: number;
  seed: number;
  /** Put before every ticket id (`T12` → `CT12`), so two desks in one tenant never share one. */
  prefix: string;
  lanes: number;
  batch: number;
  /** A directory for the lanes' files, or null to hand the bodies over in memory. */
  spool: string | null;
}

interface BatchMeta {
  lane: number;
  events: number;
  /** `occurred_at` of the body's last event (ms). */
  lastAt: number;
  /** Tickets created so far by the generator (its largest ticket number + 1). */
  tickets: number;
  /** Where the body is in the lane's file (spooled). */
  offset: number;
  length: number;
}

export type FromWorker =
  | (BatchMeta & { kind: 'batch'; body: Uint8Array | null })
  | { kind: 'end'; events: number; tickets: number };

export type Batch = BatchMeta & { body: Uint8Array };

/** Events per ticket of the demo help desk (7.44–7.45 at 20,000 and at 200,000 tickets). */
export const EVENTS_PER_TICKET = 7.44;
/** Bytes per event as NDJSON (206–208 measured). */
export const BYTES_PER_EVENT = 210;

export const laneFile = (lane: number) => `lane-${lane}.ndjson`;

/**
 * The generator's lines begin `{"id":"T<n>-<i>"` and name their ticket `"ticket_id":"T<n>"`, and a
 * merge `"merged_into":"T<k>"`: those three get the prefix.
 */
export function prefixIds(line: string, prefix: string): string {
  if (!line.startsWith('{"id":"T')) throw new Error(`unexpected generated line: ${line}`);
  return `{"id":"${prefix}${line.slice(7)}`
    .replace('"ticket_id":"T', `"ticket_id":"${prefix}T`)
    .replace('"merged_into":"T', `"merged_into":"${prefix}T`);
}

/** tsx's loader is not inherited by worker threads: the worker imports the .ts file through it. */
function workerCode(): string {
  const api = import.meta.resolve('tsx/esm/api');
  const file = new URL('./generate-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(file)}, ${JSON.stringify(import.meta.url)}))`;
}

/** A new spool directory, after checking there is room for `bytes` (twice over). */
export function spoolDirectory(bytes: number): string {
  const stat = statfsSync(tmpdir());
  const free = stat.bavail * stat.bsize;
  if (free < 2 * bytes) {
    throw new OptionError(
      `${tmpdir()} has ${Math.round(free / 2 ** 20)} MB free, and the soak's events take about ${Math.round(bytes / 2 ** 20)} MB: free some, or run shorter (--minutes)`,
    );
  }
  return mkdtempSync(join(tmpdir(), 'deskmetrics-soak-'));
}

/** The main thread's side: every body of the help desk, taken lane by lane. */
export class EventFeed {
  private readonly worker: Worker;
  private readonly queues: Array<Array<FromWorker & { kind: 'batch' }>>;
  private readonly files = new Map<number, FileHandle>();
  private readonly ended: Promise<void>;
  private failure: Error | null = null;
  /** Events and tickets generated so far. */
  generated = 0;
  tickets = 0;
  bytes = 0;

  constructor(readonly spec: FeedSpec) {
    this.queues = Array.from({ length: spec.lanes }, () => []);
    this.worker = new Worker(workerCode(), { eval: true, workerData: spec });
    this.ended = new Promise((resolve) => {
      this.worker.on('message', (m: FromWorker) => {
        if (m.kind === 'end') return resolve();
        this.queues[m.lane]!.push(m);
        this.generated += m.events;
        this.tickets = m.tickets;
        this.bytes += m.length;
      });
      this.worker.on('error', (error) => {
        this.failure = error;
        resolve();
      });
      this.worker.on('exit', () => resolve());
    });
  }

  /** Waits until the whole desk is generated, calling `progress` every 10 s meanwhile. */
  async generateAll(progress: () => void): Promise<void> {
    const timer = setInterval(progress, 10_000);
    try {
      await this.ended;
    } finally {
      clearInterval(timer);
    }
    if (this.failure !== null) throw this.failure;
  }

  /** The lane's next body, or null when the help desk has no more events. */
  async next(lane: number): Promise<Batch | null> {
    const meta = this.queues[lane]!.shift();
    if (meta === undefined) return null;
    if (meta.body !== null) return { ...meta, body: meta.body };
    let file = this.files.get(lane);
    if (file === undefined) {
      file = await open(join(this.spec.spool!, laneFile(lane)), 'r');
      this.files.set(lane, file);
    }
    const body = Buffer.allocUnsafe(meta.length);
    await file.read(body, 0, meta.length, meta.offset);
    return { ...meta, body };
  }

  /** Stops the worker, closes and removes the lanes' files. */
  async close(): Promise<void> {
    await this.worker.terminate();
    for (const file of this.files.values()) await file.close();
    if (this.spec.spool !== null) rmSync(this.spec.spool, { recursive: true, force: true });
  }
}
