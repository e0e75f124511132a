/**
 * `deskmetrics import` reads its file on a worker thread (import-reader.ts): the source's parsing
 * and mapping run beside the ingest of the batch before instead of taking turns with it on the
 * main thread, so an import goes at about the pace of ingesting the same events as NDJSON
 * (bench/import). The worker reads one batch ahead at most: memory holds two batches.
 *
 * From the compiled dist/ the worker is dist/cli/import-reader.js. From the TypeScript sources
 * (`npm run cli`, the tests) it is import-reader.ts, loaded through tsx's ESM hooks, registered in
 * the worker before it imports the file. Either way the worker does not take this process's
 * node flags (a loader the process was started with would sit in the way of every import).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Batch, BatchReader, BatchSpec } from './import-batches.js';
import type { ReaderReply, ReaderRequest } from './import-reader.js';

const ERRORS: Readonly<Record<string, new (message: string) => Error>> = {
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
};

/** The reader's error on this side: same name and message, the worker's stack. */
function rebuilt(reply: Extract<ReaderReply, { kind: 'error' }>): Error {
  const error = new (ERRORS[reply.name] ?? Error)(reply.message);
  if (error.name !== reply.name) error.name = reply.name;
  if (reply.stack !== undefined) error.stack = reply.stack;
  return error;
}

/** The file URL of tsx's ESM API (`import('tsx/esm/api')` as its package.json exports it). */
function tsxEsmApi(from: string): string {
  const manifest = createRequire(from).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return pathToFileURL(path.join(path.dirname(manifest), exports['./esm/api']!.import.default))
    .href;
}

function startWorker(spec: BatchSpec): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    return new Worker(new URL('./import-reader.js', here), { workerData: spec, execArgv: [] });
  }
  const entry = new URL('./import-reader.ts', here).href;
  const bootstrap = `import(${JSON.stringify(tsxEsmApi(here))})
  .then((tsx) => tsx.register())
  .then(() => import(${JSON.stringify(entry)}));`;
  return new Worker(bootstrap, { eval: true, workerData: spec, execArgv: [] });
}

/** Reads `spec`'s batches on a worker thread, which starts reading at once. */
export function workerBatches(spec: BatchSpec): BatchReader {
  const worker = startWorker(spec);
  const ready: ReaderReply[] = [];
  let waiting: { resolve: (batch: Batch) => void; reject: (error: Error) => void } | undefined;
  let failed: Error | undefined;
  const settle = () => {
    const reply = ready[0];
    if (waiting === undefined || (reply === undefined && failed === undefined)) return;
    const { resolve, reject } = waiting;
    waiting = undefined;
    if (reply === undefined) return reject(failed!);
    ready.shift();
    if (reply.kind === 'batch') {
      worker.postMessage({ kind: 'next' } satisfies ReaderRequest);
      resolve(reply.batch);
    } else {
      reject(rebuilt(reply));
    }
  };
  worker.on('message', (reply: ReaderReply) => {
    ready.push(reply);
    settle();
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      exited = true;
      failed ??= new Error(`the import's reader stopped (exit ${code})`);
      settle();
      resolve();
    });
  });
  worker.on('error', (error) => {
    failed ??= error;
    settle();
  });
  return {
    next() {
      if (waiting !== undefined) return Promise.reject(new Error('one batch at a time'));
      return new Promise<Batch>((resolve, reject) => {
        waiting = { resolve, reject };
        settle();
      });
    },
    async close() {
      if (exited) return;
      // The worker closes its file and exits; a worker stuck in a read is stopped.
      worker.postMessage({ kind: 'close' } satisfies ReaderRequest);
      const stuck = setTimeout(() => void worker.terminate(), 5000);
      await exit;
      clearTimeout(stuck);
    },
  };
}
