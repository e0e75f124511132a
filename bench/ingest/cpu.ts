/**
 * CPU time read from /proc (Linux), to show where an ingest run's CPU goes: the service process,
 * and every PostgreSQL process of the machine together (backends, WAL writer, checkpointer).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { ServerProcess } from '../../test/support/server-process.js';

const TICKS = 100; // USER_HZ: clock ticks per second on Linux

/** user + system CPU seconds of a process, from /proc/<pid>/stat (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** The CPU seconds of every running process named `postgres`. */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    total += cpuSeconds(Number(entry));
  }
  return total;
}

/** SIGTERM and wait for the exit, so that `--cpu-prof` writes its profile. */
export async function stopGracefully(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}
