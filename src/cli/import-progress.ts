/**
 * The progress of `deskmetrics import` on stderr: on a terminal a bar redrawn in place (share of
 * the file's bytes read — compressed bytes for `.gz` — rows read, events accepted / duplicate /
 * rejected, rows per second, ETA), elsewhere a plain line every `intervalMs` (5 s) so logs of
 * long imports show it moving. The summary is the command's (import.ts).
 */
import type { ImportCounts } from './import-run.js';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** The file's size in bytes (compressed for `.gz`), for the share done and the ETA. */
  totalBytes: number | undefined;
  /** Between two plain lines when the stream is not a terminal. */
  intervalMs?: number;
  now?: () => number;
}

export interface Progress {
  update(counts: Readonly<ImportCounts>): void;
  /** Stops the timer and ends the bar's line. */
  stop(): void;
}

const number = (n: number): string => Math.round(n).toLocaleString('en-US');

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const hours = Math.floor(s / 3600);
  const rest = `${String(Math.floor((s % 3600) / 60)).padStart(hours > 0 ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
  return hours > 0 ? `${hours}:${rest}` : rest;
}

interface Figures {
  share: number | undefined;
  rate: number;
  eta: number | undefined;
}

function figures(counts: Readonly<ImportCounts>, total: number | undefined, seconds: number) {
  const share =
    total === undefined || total === 0 || counts.bytesRead === undefined
      ? undefined
      : Math.min(1, counts.bytesRead / total);
  const rate = seconds > 0 ? (counts.rowsRead - counts.rowsBefore) / seconds : 0;
  // Bytes per second so far predict the rest (a resumed run's skipped bytes count as read).
  const eta =
    share === undefined || share === 0 || seconds <= 0
      ? undefined
      : (seconds * (1 - share)) / share;
  return { share, rate, eta } satisfies Figures;
}

function tally(counts: Readonly<ImportCounts>): string {
  const rejected = counts.rejectedEvents + counts.rejectedRows;
  return (
    `${number(counts.rowsRead)} rows, ${number(counts.accepted)} accepted, ` +
    `${number(counts.duplicates)} duplicates, ${number(rejected)} rejected`
  );
}

/** One plain line: `import: 42.0 % — 12,345 rows, … — 2,470 rows/s, ETA 0:48`. */
export function progressLine(counts: Readonly<ImportCounts>, f: Figures): string {
  const share = f.share === undefined ? '' : `${(f.share * 100).toFixed(1)} % — `;
  const eta = f.eta === undefined ? '' : `, ETA ${duration(f.eta)}`;
  return `import: ${share}${tally(counts)} — ${number(f.rate)} rows/s${eta}`;
}

const BAR = 24;

function barLine(counts: Readonly<ImportCounts>, f: Figures, columns: number): string {
  const filled = Math.round((f.share ?? 0) * BAR);
  const bar = f.share === undefined ? '' : `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] `;
  const share = f.share === undefined ? '' : `${(f.share * 100).toFixed(0).padStart(3)}% `;
  const eta = f.eta === undefined ? '' : ` ETA ${duration(f.eta)}`;
  const rest = `${share}${tally(counts)}  ${number(f.rate)} rows/s${eta}`;
  // A narrow terminal loses the bar's cells before the figures, then the line's end.
  const line = `${bar}${rest}`.length < columns ? `${bar}${rest}` : rest;
  return line.length < columns ? line : line.slice(0, Math.max(0, columns - 1));
}

export function createProgress(stream: ProgressStream, options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const tty = stream.isTTY === true;
  const interval = tty ? 250 : (options.intervalMs ?? 5_000);
  let latest: Readonly<ImportCounts> | undefined;
  let drawn = false;
  let stopped = false;
  let drawnAt = started;
  const draw = () => {
    if (latest === undefined) return;
    drawnAt = now();
    const f = figures(latest, options.totalBytes, (drawnAt - started) / 1000);
    if (tty) {
      // A terminal that reports no size (0 columns: `script` without one, some CI runners) is 80 wide.
      stream.write(`\r${barLine(latest, f, stream.columns || 80)}\u001b[K`);
      drawn = true;
    } else {
      stream.write(`${progressLine(latest, f)}\n`);
    }
  };
  // Between batches the timer keeps the rate and ETA current; a batch redraws the bar at once,
  // and prints a plain line when the last one is `interval` old.
  const timer = setInterval(draw, Math.max(interval, 10));
  timer.unref();
  return {
    update(counts) {
      latest = { ...counts };
      if (tty || now() - drawnAt >= interval) draw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      if (tty && drawn) {
        draw();
        stream.write('\n');
      }
    },
  };
}
