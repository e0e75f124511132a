/**
 * The checkpoint of `deskmetrics import --resume`: a JSON file (by default
 * `<file>.deskmetrics-import.json` beside the imported file, `--checkpoint` elsewhere) rewritten
 * after every committed batch with the source's last checkpoint, and marked complete at the end.
 * It names the source, the file's size and the destination, so it is resumed only into the
 * import it belongs to.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { UsageError } from '../failure.js';

export interface ImportCheckpoint {
  version: 1;
  source: string;
  file: string;
  size: number;
  destination: string;
  /** The source's checkpoint after the last committed batch (`SourceChunk.checkpoint`). */
  position: unknown;
  /** Rows read up to that position. */
  rows: number;
  complete: boolean;
  updated_at: string;
}

export function defaultCheckpointPath(file: string): string {
  return `${file}.deskmetrics-import.json`;
}

/** The checkpoint at `path`, or undefined when there is none. */
export async function readCheckpoint(path: string): Promise<ImportCheckpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as ImportCheckpoint;
    if (parsed.version === 1 && typeof parsed.source === 'string') return parsed;
  } catch {
    // Reported below: a file that is not a checkpoint is not resumed from.
  }
  throw new UsageError(`${path} is not an import checkpoint; remove it or give --checkpoint`);
}

/** Why `saved` cannot be resumed by this import, or undefined when it can. */
export function checkpointMismatch(
  saved: ImportCheckpoint,
  expected: Pick<ImportCheckpoint, 'source' | 'size' | 'destination'>,
): string | undefined {
  if (saved.source !== expected.source) return `it is of source ${saved.source}`;
  if (saved.size !== expected.size) {
    return `the file had ${saved.size} bytes then and has ${expected.size} now`;
  }
  if (saved.destination !== expected.destination)
    return `it was imported into ${saved.destination}`;
  return undefined;
}

/** Writes the checkpoint atomically (a crash leaves the old one or the new one). */
export async function writeCheckpoint(path: string, checkpoint: ImportCheckpoint): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, `${JSON.stringify(checkpoint, null, 2)}\n`);
  await rename(temporary, path);
}
