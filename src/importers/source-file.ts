/**
 * A source's file as a byte stream — gunzipped when its name ends in `.gz` — with a count of the
 * file's own bytes read so far (compressed bytes for `.gz`), which a source reports as
 * `SourceChunk.bytesRead` so the progress bar can compare it with the file's size.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface SourceFile {
  /** The (gunzipped) content. */
  bytes: Readable;
  /** Bytes of the file itself read so far. */
  bytesRead(): number;
}

export function openSourceFile(path: string): SourceFile {
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  const bytesRead = () => file.bytesRead;
  if (!path.endsWith('.gz')) return { bytes: file, bytesRead };
  const gunzip = createGunzip();
  file.on('error', (error) => gunzip.destroy(error));
  return { bytes: file.pipe(gunzip), bytesRead };
}
