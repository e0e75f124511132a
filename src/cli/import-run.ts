/**
 * The loop of `deskmetrics import`: a source's chunks gathered into NDJSON batches of about
 * `batchSize` events (whole chunks, so whole tickets), each sent to the target while the next
 * one is read, the checkpoint rewritten after each committed batch, counts and the first
 * rejections kept for the progress bar and the summary. Stops between two batches when `signal`
 * aborts (an interrupted import: `--resume` continues it).
 */
import type { ImportSource, SourceOptions } from '../importers/index.js';
import { eventIdsOf, type Batch, type BatchReader, type BatchSpec } from './import-batches.js';
import { writeCheckpoint, type ImportCheckpoint } from './import-checkpoint.js';
import type { IngestAnswer, ImportTarget } from './import-target.js';
import { workerBatches } from './import-worker.js';

/** Rejections kept to print (the rest are counted). */
export const SHOWN_REJECTIONS = 20;

/** A rejection as printed: a source row and field, or an event the ingest refused. */
export interface ImportRejection {
  row?: number;
  event?: string;
  field: string;
  message: string;
}

export interface ImportCounts {
  rowsRead: number;
  /** Rows read by an earlier run (a resumed import starts there). */
  rowsBefore: number;
  bytesRead: number | undefined;
  events: number;
  accepted: number;
  duplicates: number;
  /** Events the ingest rejected. */
  rejectedEvents: number;
  /** Rows the source could not map. */
  rejectedRows: number;
  batches: number;
  refoldPending: number;
}

export interface ImportRun {
  source: ImportSource;
  file: string;
  sourceOptions: SourceOptions;
  target: ImportTarget;
  batchSize: number;
  /** Where the checkpoint is written after each batch; `base` its fixed fields. */
  checkpoint: { path: string; base: Omit<ImportCheckpoint, 'position' | 'rows' | 'complete'> };
  rowsBefore: number;
  onProgress?: (counts: Readonly<ImportCounts>) => void;
  signal?: AbortSignal;
  /** Where the batches are read: a worker thread (import-worker.ts) unless a test says. */
  batches?: (spec: BatchSpec) => BatchReader;
}

export interface ImportResult {
  counts: ImportCounts;
  rejections: ImportRejection[];
  interrupted: boolean;
}

class Tally {
  readonly counts: ImportCounts;
  readonly rejections: ImportRejection[] = [];

  constructor(rowsBefore: number) {
    this.counts = {
      rowsRead: rowsBefore,
      rowsBefore,
      bytesRead: undefined,
      events: 0,
      accepted: 0,
      duplicates: 0,
      rejectedEvents: 0,
      rejectedRows: 0,
      batches: 0,
      refoldPending: 0,
    };
  }

  private keep(rejection: ImportRejection): void {
    if (this.rejections.length < SHOWN_REJECTIONS) this.rejections.push(rejection);
  }

  /** A committed batch (its rows, the source's rejections in it, the ingest's answer). */
  batch(batch: Batch, answer: IngestAnswer | undefined): void {
    const c = this.counts;
    c.rowsRead = batch.rows;
    c.bytesRead = batch.bytes ?? c.bytesRead;
    c.rejectedRows += batch.rejections.length;
    for (const r of batch.rejections) this.keep({ row: r.row, field: r.field, message: r.message });
    if (answer === undefined) return;
    c.batches++;
    c.events += batch.events;
    c.accepted += answer.accepted;
    c.duplicates += answer.duplicates;
    c.rejectedEvents += answer.rejected;
    c.refoldPending += answer.refold_pending?.length ?? 0;
    const idAt = eventIdsOf(batch);
    for (const e of answer.errors) {
      // NDJSON errors name the 1-based line of the body.
      const index = e.line !== undefined ? e.line - 1 : e.index;
      const id = e.id ?? (index === undefined ? undefined : idAt(index + 1));
      this.keep({ event: id ?? '?', field: e.path ?? '', message: e.message });
    }
  }
}

/** Runs the import to the end of the file, or to the first batch boundary after `signal`. */
export async function runImport(run: ImportRun): Promise<ImportResult> {
  const tally = new Tally(run.rowsBefore);
  const reader = (run.batches ?? workerBatches)({
    source: run.source.name,
    file: run.file,
    options: run.sourceOptions,
    size: run.batchSize,
    start: { position: run.sourceOptions.resumeFrom, rows: run.rowsBefore, bytes: undefined },
  });
  const done = (interrupted: boolean) => ({
    counts: tally.counts,
    rejections: tally.rejections,
    interrupted,
  });
  try {
    let batch = await reader.next();
    for (;;) {
      const sending = batch.events === 0 ? undefined : run.target.send(batch.ndjson);
      // The next batch is read while this one is ingested; both settle before either is judged,
      // so a committed batch is checkpointed even when reading the next one failed.
      const following = batch.last ? undefined : reader.next();
      const [answer, next] = await Promise.allSettled([sending, following]);
      if (answer.status === 'rejected') throw answer.reason;
      tally.batch(batch, answer.value);
      await saveCheckpoint(run, batch);
      run.onProgress?.(tally.counts);
      if (next.status === 'rejected') throw next.reason;
      if (next.value === undefined) return done(false);
      if (run.signal?.aborted === true) return done(true);
      batch = next.value;
    }
  } finally {
    await reader.close();
  }
}

function saveCheckpoint(run: ImportRun, batch: Batch): Promise<void> {
  if (batch.position === undefined && !batch.last) return Promise.resolve();
  return writeCheckpoint(run.checkpoint.path, {
    ...run.checkpoint.base,
    position: batch.position,
    rows: batch.rows,
    complete: batch.last,
    updated_at: new Date().toISOString(),
  });
}
