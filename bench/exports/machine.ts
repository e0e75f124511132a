/**
 * The machine the run is on, and whether it is quiet enough to time: no vitest running and the
 * CPUs at least 85 % idle over a few seconds while the bench itself does nothing. (The load
 * average cannot tell: it still counts the bench's own previous repeat for minutes.)
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { ROOT } from './service.js';

const IDLE_NEEDED = 0.85;
const WAIT_LIMIT_MS = 30 * 60_000;

export function loadAverage(): string {
  return `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}

export function describeMachine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const gb = (totalmem() / 2 ** 30).toFixed(0);
  return `${availableParallelism()} × ${model}, ${gb} GB RAM, Node ${process.version}, ${process.platform}`;
}

export function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    return dirty.trim() === '' ? head : `${head} (with uncommitted changes)`;
  } catch {
    return 'unknown';
  }
}

/** Processes whose command line mentions vitest (another test run on this machine). */
export function vitestProcesses(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes('vitest')) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

function cpuTimes(): { idle: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { idle, total: fields.reduce((a, b) => a + b, 0) };
}

/** The share of CPU time idle over `ms` milliseconds (all CPUs). */
export async function idleShare(ms: number): Promise<number> {
  const a = cpuTimes();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTimes();
  return b.total === a.total ? 1 : (b.idle - a.idle) / (b.total - a.total);
}

/** Why the machine is busy now, or null when it is quiet. */
export async function busyNow(): Promise<string | null> {
  const vitest = vitestProcesses();
  const idle = await idleShare(3000);
  if (vitest.length === 0 && idle >= IDLE_NEEDED) return null;
  return `${vitest.length > 0 ? `vitest running (pid ${vitest.slice(0, 3).join(', ')}), ` : ''}CPUs ${(idle * 100).toFixed(0)} % idle, ${loadAverage()}`;
}

/**
 * Waits (up to 30 minutes, a line every 30 s) until no vitest runs and the CPUs are idle;
 * returns a warning when it gave up waiting, else null.
 */
export async function waitForQuiet(log: (line: string) => void): Promise<string | null> {
  const started = Date.now();
  let lastSaid = 0;
  for (;;) {
    const why = await busyNow();
    if (why === null) return null;
    if (Date.now() - started > WAIT_LIMIT_MS) return `timed on a busy machine: ${why}`;
    if (Date.now() - lastSaid > 30_000) {
      log(`  machine busy (${why}): waiting…`);
      lastSaid = Date.now();
    }
    await new Promise((r) => setTimeout(r, 5000));
  }
}
