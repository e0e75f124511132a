/**
 * A source's chunks gathered into NDJSON batches of about `size` events — whole chunks, so whole
 * tickets — for `deskmetrics import`. {@link readBatches} does it on the calling thread; the CLI
 * runs it on a worker thread (import-worker.ts) so that reading, parsing and mapping the file
 * never competes with the ingest of the batch before for the main thread.
 */
import type { SourceChunk, SourceOptions, SourceRejection } from '../importers/index.js';
import { findImportSource } from '../importers/index.js';

export interface Batch {
  /** The events as NDJSON, one line each. */
  ndjson: string;
  /** How many events (lines) it holds. */
  events: number;
  /** The last defined checkpoint of its chunks (undefined: none of them had one). */
  position: unknown;
  rows: number;
  bytes: number | undefined;
  rejections: SourceRejection[];
  /** The source ended with this batch. */
  last: boolean;
}

/** Where the batches start: the checkpoint and counts an earlier run ended at. */
export type BatchStart = Pick<Batch, 'position' | 'rows' | 'bytes'>;

/** What a batch reader needs to know: plain data, so that a worker thread can be given it. */
export interface BatchSpec {
  /** A source's CLI name (src/importers/index.ts). */
  source: string;
  file: string;
  options: SourceOptions;
  size: number;
  start: BatchStart;
}

export interface BatchReader {
  /** The next batch; after one with `last`, do not ask again. */
  next(): Promise<Batch>;
  /** Stops reading (early: an interrupted import), releasing the file. */
  close(): Promise<void>;
}

/**
 * The first batch holds at most this many events, and each next one twice as many, up to the
 * spec's size: the target has work after a moment instead of after a whole batch's reading.
 */
export const FIRST_BATCH_EVENTS = 1000;

/** Reads `spec`'s batches on this thread. */
export function readBatches(spec: BatchSpec): BatchReader {
  const source = findImportSource(spec.source);
  if (source === undefined) throw new Error(`unknown import source "${spec.source}"`);
  const chunks = source.read(spec.file, spec.options)[Symbol.asyncIterator]();
  let after: BatchStart = spec.start;
  let size = Math.min(spec.size, FIRST_BATCH_EVENTS);
  return {
    async next() {
      const batch = await nextBatch(chunks, size, after);
      after = batch;
      size = Math.min(spec.size, size * 2);
      return batch;
    },
    async close() {
      await chunks.return?.();
    },
  };
}

async function nextBatch(
  chunks: AsyncIterator<SourceChunk>,
  size: number,
  after: BatchStart,
): Promise<Batch> {
  const lines: string[] = [];
  const batch: Batch = {
    ndjson: '',
    events: 0,
    position: after.position,
    rows: after.rows,
    bytes: after.bytes,
    rejections: [],
    last: false,
  };
  while (lines.length < size) {
    const next = await chunks.next();
    if (next.done === true) {
      batch.last = true;
      break;
    }
    const chunk = next.value;
    for (const event of chunk.events) lines.push(JSON.stringify(event));
    if (chunk.checkpoint !== undefined) batch.position = chunk.checkpoint;
    batch.rows = chunk.rowsRead;
    batch.bytes = chunk.bytesRead;
    batch.rejections.push(...chunk.rejections);
  }
  batch.ndjson = lines.join('\n');
  batch.events = lines.length;
  return batch;
}

/**
 * The ids of a batch's events by their 1-based line, for rejections that name only a line:
 * the line starts are found once, on the first call.
 */
export function eventIdsOf(batch: Pick<Batch, 'ndjson'>): (line: number) => string | undefined {
  let starts: number[] | undefined;
  return (line) => {
    if (starts === undefined) {
      starts = [0];
      for (let at = batch.ndjson.indexOf('\n'); at >= 0; at = batch.ndjson.indexOf('\n', at + 1)) {
        starts.push(at + 1);
      }
    }
    const start = starts[line - 1];
    if (start === undefined) return undefined;
    const end = starts[line];
    try {
      const text = batch.ndjson.slice(start, end === undefined ? undefined : end - 1);
      const event = JSON.parse(text) as { id?: unknown };
      return typeof event.id === 'string' ? event.id : undefined;
    } catch {
      return undefined;
    }
  };
}
