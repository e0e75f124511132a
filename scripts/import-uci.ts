/**
 * Imports the UCI ServiceNow incident log into a running deskmetrics:
 *
 *   npx tsx scripts/import-uci.ts --url http://127.0.0.1:3000 --key dm_… \
 *     [--file /work/shared/datasets/uci_incident_event_log.csv.gz] [--utc-offset Z] \
 *     [--batch 50000] [--limit N] [--dry-run]
 *
 * The file is read as a stream and mapped incident by incident (src/importers/uci-servicenow.ts
 * documents the mapping); the wire events are streamed as NDJSON to `POST /v1/events`
 * (`application/x-ndjson`, `Authorization: Bearer <key>`; `--key` defaults to
 * `$DESKMETRICS_API_KEY`), `--batch` events per request, each request body itself streamed. The
 * response counts are printed per request and in total, with every rejected event's global line
 * (1 = the first event sent). Event ids are deterministic, so running the import again reports
 * duplicates, not conflicts. `--limit` stops after that many incidents; `--dry-run` writes the
 * NDJSON to stdout instead of sending it. The exit code is 1 when an event was rejected or a
 * request failed.
 */
import { parseArgs } from 'node:util';
import { openUciFile, uciIncidents } from '../src/importers/uci-servicenow-reader.js';
import { mapIncident, type UciWireEvent } from '../src/importers/uci-servicenow.js';

const DEFAULT_FILE = '/work/shared/datasets/uci_incident_event_log.csv.gz';
/** Lines gathered before a chunk of the request body is handed to fetch. */
const CHUNK_LINES = 1_000;

interface IngestResponse {
  accepted?: number;
  duplicates?: number;
  rejected?: number;
  errors?: { line?: number; id?: string; path?: string; message?: string }[];
  /** Error responses: `{ error: { code, message } }`. */
  error?: { code?: string; message?: string };
  message?: string;
}

function usage(message: string): never {
  console.error(`${message}\nusage: import-uci --url http://127.0.0.1:3000 --key dm_… [--file …]`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    key: { type: 'string' },
    file: { type: 'string', default: DEFAULT_FILE },
    'utc-offset': { type: 'string', default: 'Z' },
    batch: { type: 'string', default: '50000' },
    limit: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
  strict: true,
});

const batchSize = Number(values.batch);
if (!Number.isInteger(batchSize) || batchSize < 1) usage('--batch must be a positive integer');
const limit = values.limit === undefined ? Infinity : Number(values.limit);
if (!(limit >= 0)) usage('--limit must be a number ≥ 0');

async function* wireEvents(): AsyncGenerator<UciWireEvent> {
  let incidents = 0;
  for await (const rows of uciIncidents(openUciFile(values.file))) {
    if (incidents++ >= limit) return;
    yield* mapIncident(rows, { utcOffset: values['utc-offset'] });
  }
}

async function dryRun(): Promise<void> {
  let lines = '';
  let count = 0;
  for await (const event of wireEvents()) {
    lines += `${JSON.stringify(event)}\n`;
    if (++count % CHUNK_LINES === 0) {
      if (!process.stdout.write(lines)) {
        await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
      lines = '';
    }
  }
  process.stdout.write(lines);
  console.error(`${count} events`);
}

async function send(url: string, key: string): Promise<number> {
  const endpoint = new URL('/v1/events', url);
  const source = wireEvents()[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let next = await source.next();
  let sent = 0;
  let failed = false;
  const total = { accepted: 0, duplicates: 0, rejected: 0 };
  const started = Date.now();

  while (!next.done) {
    const offset = sent;
    let count = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        let chunk = '';
        for (let n = 0; n < CHUNK_LINES && !next.done && count < batchSize; n++) {
          chunk += `${JSON.stringify(next.value)}\n`;
          count++;
          next = await source.next();
        }
        if (chunk !== '') controller.enqueue(encoder.encode(chunk));
        if (next.done || count >= batchSize) controller.close();
      },
    });
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${key}` },
      body,
      duplex: 'half',
    });
    const text = await response.text();
    let result: IngestResponse = {};
    try {
      result = JSON.parse(text) as IngestResponse;
    } catch {
      result = { message: text };
    }
    sent += count;
    const accepted = result.accepted ?? 0;
    const duplicates = result.duplicates ?? 0;
    const rejected = result.rejected ?? 0;
    total.accepted += accepted;
    total.duplicates += duplicates;
    total.rejected += rejected;
    console.log(
      `events ${offset + 1}–${offset + count}: HTTP ${response.status}, accepted ${accepted}, ` +
        `duplicates ${duplicates}, rejected ${rejected}`,
    );
    for (const error of result.errors ?? []) {
      const line = error.line === undefined ? '?' : offset + error.line;
      console.log(`  line ${line} ${error.id ?? ''} ${error.path ?? ''}: ${error.message ?? ''}`);
    }
    if (!response.ok) {
      console.error(`  ${result.error?.message ?? result.message ?? text}`);
      failed = true;
      if (response.status === 401 || response.status === 403 || response.status >= 500) break;
    }
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `total: ${sent} events sent in ${seconds.toFixed(1)} s — accepted ${total.accepted}, ` +
      `duplicates ${total.duplicates}, rejected ${total.rejected}`,
  );
  return failed || total.rejected > 0 ? 1 : 0;
}

if (values['dry-run']) {
  await dryRun();
} else {
  const key = values.key ?? process.env.DESKMETRICS_API_KEY;
  if (values.url === undefined) usage('--url is required (or --dry-run)');
  if (key === undefined) usage('--key (or $DESKMETRICS_API_KEY) is required');
  process.exitCode = await send(values.url, key);
}
