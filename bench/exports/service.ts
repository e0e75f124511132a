/**
 * The service under test: built (`npm run build`), started as `node <flags of npm start>
 * dist/main.js` on a free port against the bench database, and its resident memory watched from
 * /proc/<pid>/status — sampled by a worker thread (so a busy bench event loop cannot delay a
 * sample) and, as a cross-check, the kernel's own high-water mark VmHWM, reset before each
 * export through /proc/<pid>/clear_refs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Service {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  flags: string[];
  output: () => string;
}

/** `npm run build`; returns its output when it fails. */
export function build(): string | null {
  const run = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (run.status === 0 && existsSync(`${ROOT}dist/main.js`)) return null;
  return `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
}

/** The Node flags `npm start` runs dist/main.js with (package.json), e.g. --max-semi-space-size. */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const start = pkg.scripts?.start ?? '';
  const match = /^node\s+(.*?)\s*dist\/main\.js/.exec(start);
  return match ? match[1]!.split(/\s+/).filter((f) => f.startsWith('--')) : [];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts the service and waits until /readyz answers 200. */
export async function startService(databaseUrl: string, flags: string[]): Promise<Service> {
  const port = await freePort();
  const child = spawn(process.execPath, [...flags, 'dist/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // The KPI cube would load the tenant's backlog into memory and mask the export's own RSS.
      DESKMETRICS_KPI_CUBE_MB: '0',
      DESKMETRICS_BOOTSTRAP_KEY: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited at start:\n${output}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      await res.arrayBuffer();
      if (res.ok) return { child, pid: child.pid!, baseUrl, flags, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`the service was not ready within 120 s:\n${output}`);
}

export async function stopService(service: Service): Promise<void> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** VmRSS and VmHWM of a process, in MB (null when it is gone). */
export function memoryOf(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Resets the process's VmHWM to its current RSS (Linux ≥ 4.0); false when not allowed. */
export function resetHighWaterMark(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

const SAMPLER = `
const { workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { pid, sampleMs, shared } = workerData;
const peak = new Int32Array(shared);
function sample() {
  let kb;
  try {
    kb = Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/' + pid + '/status', 'utf8'))[1]);
  } catch { return; }
  Atomics.add(peak, 1, 1);
  for (;;) {
    const cur = Atomics.load(peak, 0);
    if (kb <= cur || Atomics.compareExchange(peak, 0, cur, kb) === cur) break;
  }
}
setInterval(sample, sampleMs);
`;

/** Samples a process's VmRSS every `sampleMs` in a worker thread; `take()` gives and resets the peak. */
export class RssSampler {
  private readonly shared = new SharedArrayBuffer(8);
  private readonly peak = new Int32Array(this.shared);
  private readonly worker: Worker;

  constructor(pid: number, sampleMs: number) {
    this.worker = new Worker(SAMPLER, {
      eval: true,
      workerData: { pid, sampleMs, shared: this.shared },
    });
    this.worker.unref();
  }

  /** Starts a new window: the peak and sample count from now on. */
  reset(): void {
    Atomics.store(this.peak, 0, 0);
    Atomics.store(this.peak, 1, 0);
  }

  /** The peak RSS (MB) and the number of samples since the last reset. */
  take(): { peak: number; samples: number } {
    return { peak: Atomics.load(this.peak, 0) / 1024, samples: Atomics.load(this.peak, 1) };
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** The V8 heap as the service's /metrics has it (prom-client default metrics), in MB. */
export interface HeapSpaces {
  newSpace: number;
  oldSpace: number;
  external: number;
}

export async function heapOf(baseUrl: string): Promise<HeapSpaces | null> {
  try {
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    const mb = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN) / 2 ** 20;
    return {
      newSpace: mb(/^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)/m),
      oldSpace: mb(/^nodejs_heap_space_size_total_bytes\{space="old"\} (\d+)/m),
      external: mb(/^nodejs_external_memory_bytes (\d+)/m),
    };
  } catch {
    return null;
  }
}
