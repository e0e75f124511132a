/**
 * What the minute line says about the machine besides the service's answers: the CPU the service
 * and the local PostgreSQL server used (from /proc, so Linux and a server on this machine only),
 * and the soak database's size. They tell a service that slows by itself from one that slows
 * because the database it shares two cores with works harder as it grows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

/** Clock ticks a second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux build). */
const HZ = 100;

interface Stat {
  comm: string;
  ppid: number;
  /** utime + stime, s. */
  own: number;
  /** cutime + cstime: the children waited for, s. */
  children: number;
}

function statOf(pid: number | string): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    // Fields after the comm, from field 3 (state): ppid is field 4, utime..cstime fields 14–17.
    const f = text.slice(close + 2).split(' ');
    const n = (field: number) => Number(f[field - 3]);
    return { comm, ppid: n(4), own: (n(14) + n(15)) / HZ, children: (n(16) + n(17)) / HZ };
  } catch {
    return null;
  }
}

/** CPU seconds the process has used so far (NaN when it cannot be read). */
export function cpuSecondsOf(pid: number): number {
  return statOf(pid)?.own ?? NaN;
}

/**
 * CPU seconds used so far by every `postgres` process on the machine: the backends, the
 * background workers and what exited (autovacuum workers, closed connections), which the
 * postmaster's children times hold. NaN when /proc shows none.
 */
export function postgresCpuSeconds(): number {
  let total = 0;
  let seen = false;
  const pids = new Set<number>();
  const stats = new Map<number, Stat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(entry);
    if (stat === null || stat.comm !== 'postgres') continue;
    pids.add(Number(entry));
    stats.set(Number(entry), stat);
  }
  for (const stat of stats.values()) {
    seen = true;
    total += stat.own;
    // The postmaster (its parent is not a postgres process) holds its exited children's times.
    if (!pids.has(stat.ppid)) total += stat.children;
  }
  return seen ? total : NaN;
}

/** The size of the database (GB), or NaN when it cannot be asked. */
export async function databaseGb(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ bytes: string }>(
      'select pg_database_size(current_database()) as bytes',
    );
    return Number(rows[0]!.bytes) / 2 ** 30;
  } catch {
    return NaN;
  } finally {
    await client.end().catch(() => undefined);
  }
}
