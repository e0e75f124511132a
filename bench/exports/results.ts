/** The measurements of a run and the tables printed from them (Markdown, as pasted in the README). */
import type { Format } from './options.js';
import type { Transfer } from './transfer.js';

/** rows/s of the format ÷ rows/s of COPY on the same rows, at least. */
export const SPEED_TARGETS: Partial<Record<Format, number>> = {
  csv: 0.8,
  arrow: 0.6,
  parquet: 0.4,
};
/** The service's peak RSS, at most (MB). */
export const RSS_TARGET_MB = 300;

export interface Run extends Transfer {
  /** Peak sampled VmRSS of the service during the export (MB). */
  peakRss: number;
  /** VmHWM after a reset just before the export (MB; NaN when it could not be reset). */
  hwm: number;
  samples: number;
}

export interface ReportResult {
  report: string;
  rows: number;
  copy: Transfer[];
  formats: Map<Format, Run[]>;
}

export const fmtInt = (n: number) =>
  Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en-US');
export const fmtMb = (bytes: number) => (bytes / 2 ** 20).toFixed(bytes >= 100 * 2 ** 20 ? 0 : 1);
export const fmtS = (s: number) => s.toFixed(s >= 100 ? 0 : 2);

export function median(xs: readonly number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const max = (xs: readonly number[]) => (xs.length === 0 ? NaN : Math.max(...xs));

function markdown(header: string[], rows: string[][], left: (i: number) => boolean): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (left(i) ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)];
}

interface Verdict {
  target: string;
  result: string;
  missed: boolean;
}

function verdict(format: Format | 'COPY', ratio: number, peak: number): Verdict {
  if (format === 'COPY') return { target: 'baseline', result: '', missed: false };
  const speed = SPEED_TARGETS[format];
  const fails: string[] = [];
  if (speed !== undefined && !(ratio >= speed)) fails.push('speed');
  if (!(peak < RSS_TARGET_MB)) fails.push('RSS');
  const target = `${speed === undefined ? '' : `≥ ${speed}×, `}RSS < ${RSS_TARGET_MB}`;
  return {
    target,
    result: fails.length === 0 ? 'pass' : `FAIL (${fails.join(', ')})`,
    missed: fails.length > 0,
  };
}

/** The table of one report: COPY first, then each format; returns it and whether a target was missed. */
export function reportTable(r: ReportResult): { lines: string[]; missed: boolean } {
  const header = [
    'format',
    'rows',
    'MB',
    'median s',
    'rows/s',
    '× COPY',
    'peak RSS MB',
    'VmHWM MB',
    'target',
    'result',
  ];
  const copySeconds = median(r.copy.map((t) => t.seconds));
  const copyRate = r.rows / copySeconds;
  const rows: string[][] = [
    [
      'COPY csv (pg)',
      fmtInt(r.rows),
      fmtMb(median(r.copy.map((t) => t.bytes))),
      fmtS(copySeconds),
      fmtInt(copyRate),
      '1.00×',
      '–',
      '–',
      'baseline',
      '',
    ],
  ];
  let missed = false;
  for (const [format, runs] of r.formats) {
    const seconds = median(runs.map((t) => t.seconds));
    const rate = r.rows / seconds;
    const peak = max(runs.map((t) => t.peakRss));
    const v = verdict(format, rate / copyRate, peak);
    missed ||= v.missed;
    rows.push([
      format,
      fmtInt(r.rows),
      fmtMb(median(runs.map((t) => t.bytes))),
      fmtS(seconds),
      fmtInt(rate),
      `${(rate / copyRate).toFixed(2)}×`,
      fmtInt(peak),
      fmtInt(max(runs.map((t) => t.hwm))),
      v.target,
      v.result,
    ]);
  }
  return { lines: markdown(header, rows, (i) => i === 0 || i >= 8), missed };
}
