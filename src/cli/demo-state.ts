/**
 * The demo's data directory: `db/` holds its embedded database, `demo.json` what was loaded into
 * it — the generator version, size and seed, the instant the help desk was generated up to, the
 * tenant, and the viewer API key. The key is kept in clear here (the database stores only its
 * hash) so that every run prints the same key; it reads a demo tenant's reports and nothing else.
 */
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface DemoState {
  generator: number;
  tickets: number;
  seed: number;
  /** The demo's "now" when it was generated (ISO). */
  generated_at: string;
  tenant_id: string;
  /** An API key with reports:read and hr:read. */
  key: string;
  events: number;
  load_seconds: number;
}

export const STATE_FILE = 'demo.json';
export const DATABASE_DIR = 'db';

export function databaseDir(dataDir: string): string {
  return path.join(dataDir, DATABASE_DIR);
}

/** The state a previous run left, or undefined (none, unreadable, or from an unfinished load). */
export async function readDemoState(dataDir: string): Promise<DemoState | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, STATE_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const state = JSON.parse(text) as Partial<DemoState>;
    const complete =
      typeof state.generator === 'number' &&
      typeof state.tickets === 'number' &&
      typeof state.seed === 'number' &&
      typeof state.generated_at === 'string' &&
      typeof state.tenant_id === 'string' &&
      typeof state.key === 'string';
    return complete ? (state as DemoState) : undefined;
  } catch {
    return undefined;
  }
}

/** Written once the load is complete: a load cut short leaves no state, so the next run reloads. */
export async function writeDemoState(dataDir: string, state: DemoState): Promise<void> {
  const file = path.join(dataDir, STATE_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

/** Removes the demo's database and state (nothing else in the directory). */
export async function clearDemoData(dataDir: string): Promise<void> {
  await rm(path.join(dataDir, STATE_FILE), { force: true });
  await rm(databaseDir(dataDir), { recursive: true, force: true });
}
