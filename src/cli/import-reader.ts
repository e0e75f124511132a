/**
 * The worker thread of `deskmetrics import` (import-worker.ts starts it): reads the batches of
 * the `BatchSpec` it is given and posts each back — or the error that stopped the reading, as
 * its name and message. It reads ahead of the main thread by {@link READ_AHEAD} batches: each
 * `next` message (the main thread took a batch) lets it read one more.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readBatches, type Batch, type BatchSpec } from './import-batches.js';

/** Batches read before the main thread asks: the one it will send next and the one after. */
export const READ_AHEAD = 2;

/** What the worker posts back. */
export type ReaderReply =
  | { kind: 'batch'; batch: Batch }
  | { kind: 'error'; name: string; message: string; stack?: string };

/** What the worker is sent: the main thread took a batch, or is done. */
export type ReaderRequest = { kind: 'next' } | { kind: 'close' };

function failure(error: unknown): ReaderReply {
  if (error instanceof Error) {
    return { kind: 'error', name: error.name, message: error.message, stack: error.stack };
  }
  return { kind: 'error', name: 'Error', message: String(error) };
}

const port = parentPort;
if (port !== null) {
  let reader: ReturnType<typeof readBatches> | undefined;
  let credits = READ_AHEAD;
  let ended = false;
  let pumping: Promise<void> = Promise.resolve();
  const post = (reply: ReaderReply) => port.postMessage(reply);
  const pump = async () => {
    try {
      reader ??= readBatches(workerData as BatchSpec);
      while (credits > 0 && !ended) {
        credits--;
        const batch = await reader.next();
        if (ended) return;
        post({ kind: 'batch', batch });
        if (batch.last) ended = true;
      }
    } catch (error) {
      ended = true;
      post(failure(error));
    }
  };
  const wake = () => {
    pumping = pumping.then(pump);
  };
  port.on('message', (request: ReaderRequest) => {
    if (request.kind === 'next') {
      credits++;
      wake();
      return;
    }
    ended = true;
    void pumping.then(async () => {
      await reader?.close().catch(() => undefined);
      port.close();
    });
  });
  wake();
}
