/**
 * Small fixtures cut from the UCI ServiceNow log (../shared/datasets, never copied into the
 * repository): its header and the rows of its first `incidents` incidents, written to `dir`
 * gzipped (or as plain CSV with `gzip: false`). Tests that need the log skip with a message when
 * ../shared is absent.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { openSourceFile } from '../../src/importers/source-file.js';

export const UCI_LOG = fileURLToPath(
  new URL('../../../shared/datasets/uci_incident_event_log.csv.gz', import.meta.url),
);

export const uciLogPresent = existsSync(UCI_LOG);
if (!uciLogPresent) console.warn(`skipping the UCI import tests: ${UCI_LOG} is absent`);

/** Writes the first `incidents` incidents (the log has no quoted newlines) to `dir`; its path. */
export async function uciFixture(
  dir: string,
  incidents: number,
  { gzip = true }: { gzip?: boolean } = {},
): Promise<string> {
  const lines: string[] = [];
  const seen = new Set<string>();
  const input = openSourceFile(UCI_LOG).bytes;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (lines.length > 0) {
      const number = line.slice(0, line.indexOf(','));
      if (!seen.has(number) && seen.size === incidents) break;
      seen.add(number);
    }
    lines.push(line);
  }
  input.destroy();
  const text = `${lines.join('\n')}\n`;
  const file = path.join(dir, `uci-${incidents}.csv${gzip ? '.gz' : ''}`);
  await writeFile(file, gzip ? gzipSync(text) : text);
  return file;
}
