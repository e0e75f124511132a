/**
 * The service's memory during exports: one export with the RSS watched (sampled peak, VmHWM),
 * and the RSS check — for each format, a fresh service pulls the 1,000,000-row tickets report,
 * another fresh one the second tenant's 5,000,000-row sla-instances report, so each peak is that
 * export's own and not what earlier exports left (V8 keeps the heap it has grown).
 */
import { RSS_TARGET_MB, fmtInt, fmtS, type Run } from './results.js';
import type { Format } from './options.js';
import {
  heapOf,
  memoryOf,
  resetHighWaterMark,
  RssSampler,
  startService,
  stopService,
  type HeapSpaces,
  type Service,
} from './service.js';
import { httpReport } from './transfer.js';

/** One export over HTTP with the service's memory watched. */
export async function watchedExport(
  service: Service,
  sampler: RssSampler,
  key: string,
  report: string,
  format: Format,
): Promise<Run> {
  const reset = resetHighWaterMark(service.pid);
  sampler.reset();
  const transfer = await httpReport(service.baseUrl, key, report, format);
  const { peak, samples } = sampler.take();
  const hwm = reset ? (memoryOf(service.pid)?.hwm ?? NaN) : NaN;
  return { ...transfer, peakRss: peak, hwm, samples };
}

export function heapText(h: HeapSpaces | null): string {
  if (h === null) return 'heap ?';
  return `V8 new space ${fmtInt(h.newSpace)}, old space ${fmtInt(h.oldSpace)}, external ${fmtInt(h.external)} MB`;
}

export interface FreshPull {
  label: string;
  rows: number;
  atRest: number;
  run: Run;
  heap: HeapSpaces | null;
}

export interface PullSpec {
  label: string;
  rows: number;
  key: string;
  report: string;
}

/** A fresh service, one export watched, the service stopped. */
async function freshPull(
  setup: { url: string; flags: string[]; sampleMs: number },
  spec: PullSpec,
  format: Format,
): Promise<FreshPull> {
  const service = await startService(setup.url, setup.flags);
  const sampler = new RssSampler(service.pid, setup.sampleMs);
  try {
    const atRest = memoryOf(service.pid)?.rss ?? NaN;
    const run = await watchedExport(service, sampler, spec.key, spec.report, format);
    return { label: spec.label, rows: spec.rows, atRest, run, heap: await heapOf(service.baseUrl) };
  } finally {
    await sampler.close();
    await stopService(service);
  }
}

/** The table of the RSS check; a row per format and pull. */
function table(pulls: Map<Format, FreshPull[]>): { lines: string[]; missed: boolean } {
  const header = [
    'format',
    'pull',
    's',
    'RSS at rest',
    'peak RSS MB',
    'VmHWM MB',
    'V8 new space',
    'external',
    'target',
    'result',
  ];
  const rows: string[][] = [];
  let missed = false;
  for (const [format, list] of pulls) {
    for (const p of list) {
      const ok = p.run.peakRss < RSS_TARGET_MB;
      missed ||= !ok;
      rows.push([
        format,
        p.label,
        fmtS(p.run.seconds),
        fmtInt(p.atRest),
        fmtInt(p.run.peakRss),
        fmtInt(p.run.hwm),
        fmtInt(p.heap?.newSpace ?? NaN),
        fmtInt(p.heap?.external ?? NaN),
        `< ${RSS_TARGET_MB} MB`,
        ok ? 'pass' : 'FAIL',
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const left = (i: number) => i <= 1 || i >= 8;
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (left(i) ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return { lines: [line(header), rule, ...rows.map(line)], missed };
}

/**
 * For each format, each pull of `specs` on a fresh service; returns the table and the wrong
 * bodies (an empty one, a CSV with the wrong line count).
 */
export async function rssCheck(
  setup: { url: string; flags: string[]; sampleMs: number; formats: Format[] },
  specs: PullSpec[],
  log: (line: string) => void,
): Promise<{ lines: string[]; missed: boolean; problems: string[] }> {
  const pulls = new Map<Format, FreshPull[]>();
  const problems: string[] = [];
  for (const format of setup.formats) {
    const list: FreshPull[] = [];
    for (const spec of specs) {
      const p = await freshPull(setup, spec, format);
      list.push(p);
      if (p.run.bytes === 0) problems.push(`RSS check: ${format} ${spec.label}: empty body`);
      if (format === 'csv' && p.run.lines !== spec.rows + 1) {
        problems.push(`RSS check: CSV ${spec.label} has ${fmtInt(p.run.lines)} lines`);
      }
      log(
        `    ${format.padEnd(7)} ${spec.label}: ${fmtS(p.run.seconds)} s = ${fmtInt(spec.rows / p.run.seconds)} rows/s | RSS ${fmtInt(p.atRest)} at rest → peak ${fmtInt(p.run.peakRss)} MB (${p.run.samples} samples, VmHWM ${fmtInt(p.run.hwm)}); after: ${heapText(p.heap)}`,
      );
    }
    pulls.set(format, list);
  }
  return { ...table(pulls), problems };
}
