/**
 * One process at a time on an embedded data directory. PGlite is PostgreSQL compiled to
 * WebAssembly in this process: it has no postmaster to arbitrate, and a second process opening
 * the same files (the CLI while the service runs) fails deep inside WebAssembly or, worse,
 * corrupts them. So whoever opens the directory writes its pid to `deskmetrics.pid` in it and
 * removes the file on close; a file naming a process that no longer runs (a crash, kill -9, a
 * container restart) is stale and taken over.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const LOCK_FILE = 'deskmetrics.pid';

/** The process taking the lock: main.ts and the CLI pass it (they alone touch `process`). */
export interface LockOwner {
  pid: number;
  /** Whether a process with this pid runs now. */
  isRunning: (pid: number) => boolean;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the embedded database in ${dataDir} is in use by a running deskmetrics (pid ${pid}); stop it, or set DATABASE_URL to use a PostgreSQL server`,
    );
  }
}

async function holder(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number.parseInt(text, 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

async function create(file: string, pid: number): Promise<boolean> {
  try {
    await writeFile(file, `${pid}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Takes the directory's lock or throws DataDirInUseError; resolves to its release. */
export async function lockDataDir(dataDir: string, owner: LockOwner): Promise<() => Promise<void>> {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (await create(file, owner.pid)) return () => release(file, owner.pid);
    // An empty file is a holder between creating and writing it, or one that died right there.
    const pid = (await holder(file)) ?? (await delay(100).then(() => holder(file)));
    // Our own pid in the file is a previous life of this pid (a restarted container's pid 1).
    if (pid !== undefined && pid !== owner.pid && owner.isRunning(pid)) {
      throw new DataDirInUseError(dataDir, pid);
    }
    // Stale. Two processes taking over the same stale file at the same instant could both
    // succeed; starts are not that busy.
    await rm(file, { force: true });
  }
  throw new Error(`could not take the lock ${file}`);
}

async function release(file: string, pid: number): Promise<void> {
  // A lock taken over from us (we were thought dead) is no longer ours to remove.
  if ((await holder(file)) === pid) await rm(file, { force: true });
}
