/**
 * CPU time read from /proc (Linux), to show where an ingest run's CPU goes: the service process,
 * and every PostgreSQL process of the machine together (backends, WAL writer, checkpointer).
 */
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
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

/** The fields of /proc/<pid>/stat after the command name (0: state, 1: ppid, 11/12: utime/stime). */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * A reader of one PostgreSQL server's CPU seconds, when it runs on this machine: its postmaster
 * (found as the parent of a backend of ours) with the CPU of its exited children (cutime,
 * cstime: Citus opens and closes connections between nodes), plus every live child's. Undefined
 * when the server's processes are not visible here. Several servers on one machine — the Citus
 * nodes, the single server beside them — are thus measured apart.
 */
export async function serverCpuReader(url: string): Promise<(() => number) | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let postmaster: number;
  try {
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    // Read while the backend lives: once the client ends, it exits and its /proc entry goes.
    postmaster = Number(statFields(rows[0]!.pid)?.[1] ?? NaN);
  } finally {
    await client.end();
  }
  if (!Number.isInteger(postmaster) || statFields(postmaster) === undefined) return undefined;
  return () => {
    const own = statFields(postmaster);
    if (own === undefined) return NaN;
    let ticks = [11, 12, 13, 14].reduce((n, i) => n + Number(own[i]), 0);
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const fields = statFields(entry);
      if (fields !== undefined && Number(fields[1]) === postmaster) {
        ticks += Number(fields[11]) + Number(fields[12]);
      }
    }
    return ticks / TICKS;
  };
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

export interface CpuPerEvent {
  serviceUs: number;
  /** Each PostgreSQL node's µs per event: the server, or the coordinator and each worker. */
  nodes: Array<{ label: string; us: number }>;
}

/**
 * Starts measuring the service's and each node's CPU (`nodes`: the server, or the Citus
 * coordinator and workers); `stop(events)` gives the µs per event since. A node whose processes
 * are not visible on this machine is left out.
 */
export async function measureCpu(
  service: ServerProcess,
  nodes: ReadonlyArray<{ label: string; url: string }>,
): Promise<{ stop: (events: number) => CpuPerEvent }> {
  const pid = service.child.pid!;
  const readers: Array<{ label: string; read: () => number }> = [];
  for (const node of nodes) {
    const read = await serverCpuReader(node.url);
    if (read !== undefined) readers.push({ label: node.label, read });
  }
  const service0 = cpuSeconds(pid);
  const nodes0 = readers.map((r) => r.read());
  return {
    stop: (events) => ({
      serviceUs: ((cpuSeconds(pid) - service0) * 1e6) / events,
      nodes: readers.map((r, i) => ({
        label: r.label,
        us: ((r.read() - nodes0[i]!) * 1e6) / events,
      })),
    }),
  };
}
