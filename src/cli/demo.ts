/**
 * `deskmetrics demo` (`npm run demo`): the service on its own embedded database, full of a
 * generated help desk (src/demo), with the dashboard URL and a read-only key printed once it
 * answers. Loads through the API on the first run, reuses the data after; Ctrl-C stops it.
 */
import path from 'node:path';
import type { Config } from '../config.js';
import { DEMO_DEFAULTS } from '../demo/demo-profile.js';
import { DemoLoadAborted, type LoadProgress } from '../demo/demo-load.js';
import { UsageError } from '../failure.js';
import { startDemo, type RunningDemo } from './demo-service.js';
import { parseOptions } from './options.js';

export const DEMO_DATA_DIR = '.deskmetrics-demo';

const OPTIONS = {
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  fresh: { type: 'boolean', default: false },
  tickets: { type: 'string' },
  seed: { type: 'string' },
} as const;

function integerOption(name: string, text: string | undefined, min: number, max: number) {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(
      `--${name} takes a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got "${text}"`,
    );
  }
  return value;
}

function demoOptions(config: Config, args: string[]) {
  const { values } = parseOptions(args, OPTIONS);
  const dataDir = values['data-dir'];
  if (dataDir !== undefined && dataDir.trim() === '') {
    throw new UsageError('--data-dir needs a directory');
  }
  return {
    dataDir: path.resolve(dataDir ?? DEMO_DATA_DIR),
    host: config.host,
    port: integerOption('port', values.port, 0, 65535) ?? config.port,
    fresh: values.fresh,
    tickets: integerOption('tickets', values.tickets, 1, 1_000_000) ?? DEMO_DEFAULTS.tickets,
    seed: integerOption('seed', values.seed, 0, 2 ** 32 - 1) ?? DEMO_DEFAULTS.seed,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** A progress line: rewritten in place on a terminal, every 10 s elsewhere. */
function progressPrinter(stream: NodeJS.WriteStream): (p: LoadProgress) => void {
  let printed = -Infinity;
  return (p) => {
    const share = Math.floor(p.share * 100);
    const rate = p.seconds > 0 ? `, ${fmt(p.events / p.seconds)} events/s` : '';
    const line = `  loading: ${fmt(p.events)} events stored, ${share} % of the six months${rate}`;
    const done = p.share === 1;
    if (stream.isTTY) {
      stream.write(`\r${line}\x1b[K${done ? '\n' : ''}`);
    } else if (done || p.seconds - printed >= 10) {
      printed = p.seconds;
      stream.write(`${line}\n`);
    }
  };
}

function ago(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 1) return `${Math.max(1, Math.round(ms / 60_000))} min`;
  return hours < 48 ? `${Math.round(hours)} h` : `${Math.round(hours / 24)} days`;
}

function readyMessage(demo: RunningDemo, dataDir: string, seconds: number): string {
  const { state } = demo;
  const what = `${fmt(state.tickets)} tickets, ${fmt(state.events)} events`;
  const origin = demo.reused
    ? `reusing the demo data in ${dataDir} (${what}, generated ${ago(Date.now() - Date.parse(state.generated_at))} ago; --fresh generates it again up to now)`
    : `loaded ${what} into ${dataDir} in ${state.load_seconds} s (${fmt(state.events / Math.max(state.load_seconds, 0.1))} events/s)`;
  return [
    `deskmetrics demo: ${origin}`,
    '',
    `  dashboard   ${demo.baseUrl}/dashboard`,
    `  API key     ${state.key}   (reports:read, hr:read)`,
    `  API docs    ${demo.baseUrl}/docs`,
    '',
    `Ready in ${seconds.toFixed(1)} s. Ctrl-C stops it.`,
  ].join('\n');
}

/** Resolves on the first SIGINT or SIGTERM; a second one ends the process at once. */
function stopSignal(): { stopped: Promise<string>; controller: AbortController } {
  const controller = new AbortController();
  const stopped = new Promise<string>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      controller.abort();
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return { stopped, controller };
}

export async function demo(config: Config, args: string[]): Promise<number> {
  const options = demoOptions(config, args);
  if (config.databaseUrl !== undefined) {
    console.log('deskmetrics demo: DATABASE_URL is ignored; the demo keeps its own database');
  }
  const { stopped, controller } = stopSignal();
  let running: RunningDemo;
  try {
    running = await startDemo({
      ...options,
      config,
      signal: controller.signal,
      onProgress: progressPrinter(process.stderr),
      log: (line) => console.log(`deskmetrics demo: ${line}`),
    });
  } catch (error) {
    if (!(error instanceof DemoLoadAborted)) throw error;
    console.log(
      '\ndeskmetrics demo: stopped before the load was complete; the next run loads again',
    );
    return 130;
  }
  console.log(readyMessage(running, options.dataDir, performance.now() / 1000));
  await stopped;
  console.log('deskmetrics demo: stopping');
  await running.close();
  return 0;
}
