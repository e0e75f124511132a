/**
 * Reads the service's `--trace-gc` output (a soak run with `--service-log FILE
 * --node-flags="--max-semi-space-size=128 --trace-gc"`) and prints, a minute at a time, what V8's
 * collections cost the service's thread: scavenges (count, total and longest pause) and
 * mark-compacts (count, pause plus the incremental marking steps on the main thread, the heap
 * left live after them), and the old generation's growth between mark-compacts (what the young
 * generation promoted).
 *
 *   npx tsx bench/soak/gc-log.ts FILE
 */
import { readFileSync } from 'node:fs';
import { quantile } from './stats.js';

export interface Collection {
  /** ms since the service started */
  at: number;
  kind: 'scavenge' | 'mark-compact';
  /** heap in use before and after, MB */
  before: number;
  after: number;
  /** the main thread's pause, ms */
  pause: number;
  /** mark-compact: incremental marking steps on the main thread before the pause, ms */
  steps: number;
}

const LINE =
  /\s(\d+) ms: (Scavenge|Mark-Compact)(?: \(reduce\))? ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, ([\d.]+) \/ [\d.]+ ms(?:\s+\(\+ ([\d.]+) ms in \d+ steps)?/;

export function parseGcLog(text: string): Collection[] {
  const out: Collection[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m === null) continue;
    out.push({
      at: Number(m[1]),
      kind: m[2] === 'Scavenge' ? 'scavenge' : 'mark-compact',
      before: Number(m[3]),
      after: Number(m[4]),
      pause: Number(m[5]),
      steps: Number(m[6] ?? 0),
    });
  }
  return out;
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');

export function gcReport(collections: readonly Collection[]): string[] {
  const lines = [
    ' min  scavenges  total ms  p50 ms  max ms  mark-compacts  pause+steps ms (each)   live MB  promoted MB/s',
  ];
  const minutes = Math.ceil((collections.at(-1)?.at ?? 0) / 60_000);
  let lastLive = NaN;
  let lastAt = NaN;
  const promoted: number[] = [];
  for (let minute = 1; minute <= minutes; minute++) {
    const inMinute = collections.filter((c) => Math.ceil(c.at / 60_000) === minute);
    const scavenges = inMinute.filter((c) => c.kind === 'scavenge').map((c) => c.pause);
    const majors = inMinute.filter((c) => c.kind === 'mark-compact');
    const rates: number[] = [];
    for (const c of majors) {
      // The old generation grew from what the last one left to what this one found (less the
      // young generation, counted in both): promotion since, a second.
      if (Number.isFinite(lastLive)) rates.push((c.before - lastLive) / ((c.at - lastAt) / 1000));
      lastLive = c.after;
      lastAt = c.at;
    }
    promoted.push(...rates);
    lines.push(
      [
        String(minute).padStart(4),
        String(scavenges.length).padStart(10),
        f0(scavenges.reduce((a, b) => a + b, 0)).padStart(9),
        f1(quantile(scavenges, 0.5)).padStart(7),
        f1(Math.max(...scavenges)).padStart(7),
        String(majors.length).padStart(14),
        ('  ' + majors.map((c) => `${f0(c.pause)}+${f0(c.steps)}`).join(', ')).padEnd(24),
        majors
          .map((c) => f0(c.after))
          .join(', ')
          .padStart(9),
        rates.map(f1).join(', ').padStart(14),
      ].join(' '),
    );
  }
  const all = collections.filter((c) => c.kind === 'scavenge').map((c) => c.pause);
  const majors = collections.filter((c) => c.kind === 'mark-compact');
  lines.push(
    `all: ${all.length} scavenges (p50 ${f1(quantile(all, 0.5))} ms, p99 ${f1(quantile(all, 0.99))} ms, max ${f1(Math.max(...all))} ms), ` +
      `${majors.length} mark-compacts (pause+steps p50 ${f0(
        quantile(
          majors.map((c) => c.pause + c.steps),
          0.5,
        ),
      )} ms), ` +
      `promotion p50 ${f1(quantile(promoted, 0.5))} MB/s`,
  );
  return lines;
}

if (process.argv[1]?.endsWith('gc-log.ts')) {
  const file = process.argv[2];
  if (file === undefined || file === '--help' || file === '-h') {
    console.log("usage: npx tsx bench/soak/gc-log.ts FILE   (the service's --trace-gc output)");
    process.exit(file === undefined ? 2 : 0);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    console.error(`gc-log: cannot read ${file}: ${(error as Error).message}`);
    process.exit(2);
  }
  for (const line of gcReport(parseGcLog(text))) console.log(line);
}
