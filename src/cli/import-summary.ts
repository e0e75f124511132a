/**
 * The summary `deskmetrics import` prints at the end, and its exit status: the counts, the first
 * rejections (a source's row and field, or the ingest's event and JSON pointer) and how many more
 * there were; 1 when rejections exceed `--max-rejects`, 130 when the import was interrupted.
 */
import { duration } from './import-progress.js';
import type { ImportResult } from './import-run.js';

export interface Summary extends ImportResult {
  source: string;
  file: string;
  seconds: number;
  maxRejects: number;
  checkpointPath: string;
}

const number = (n: number): string => n.toLocaleString('en-US');

/** Prints the summary; returns the exit status. */
export function printSummary(out: (line: string) => void, s: Summary): number {
  const c = s.counts;
  const rows = c.rowsRead - c.rowsBefore;
  const rate = s.seconds > 0 ? Math.round(rows / s.seconds) : 0;
  const rejected = c.rejectedRows + c.rejectedEvents;
  out(
    `${s.interrupted ? 'interrupted' : 'imported'} ${s.file} (${s.source}): ${number(rows)} rows ` +
      `in ${duration(s.seconds)} (${number(rate)} rows/s), ${number(c.events)} events sent`,
  );
  out(
    `  events: ${number(c.accepted)} accepted, ${number(c.duplicates)} duplicates, ` +
      `${number(c.rejectedEvents)} rejected; rows rejected by the source: ${number(c.rejectedRows)}`,
  );
  if (c.refoldPending > 0) {
    out(
      `  the metrics of ${number(c.refoldPending)} tickets could not be computed (verify lists them)`,
    );
  }
  for (const r of s.rejections) {
    const where = r.row !== undefined ? `row ${r.row}` : `event ${r.event ?? '?'}`;
    out(`  rejected ${where} ${r.field}: ${r.message}`);
  }
  if (rejected > s.rejections.length) {
    out(`  … and ${number(rejected - s.rejections.length)} more rejections`);
  }
  if (s.interrupted) {
    out(`  the checkpoint is in ${s.checkpointPath}: run again with --resume to continue`);
    return 130;
  }
  if (rejected > s.maxRejects) {
    out(`  ${number(rejected)} rejections, more than --max-rejects ${s.maxRejects} allows`);
    return 1;
  }
  return 0;
}
