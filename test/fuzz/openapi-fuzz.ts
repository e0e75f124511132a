/**
 * The contract fuzzer (issue 17): requests generated from openapi.yaml — valid ones and mutants —
 * sent through `app.inject`, every answer checked by the {@link Oracle}, the app's liveness
 * checked after every batch. docs/fuzzing.md describes what is generated and how to replay.
 */
import type { BuiltRequest } from './draft.js';
import { seedFixture, type Fixture, type FuzzTarget } from './fixture.js';
import { generateRequest } from './generate.js';
import { Oracle, type Answer } from './oracle.js';
import { loadSpec, type Spec } from './spec.js';

export { generateRequest } from './generate.js';
export { FUZZ_NOW, type FuzzTarget } from './fixture.js';
export { formatFailure, formatSummary } from './report.js';

export interface FuzzOptions {
  target: FuzzTarget;
  seed: number;
  /** Requests 0 … requests-1; or only these indices (a replay). */
  requests: number;
  only?: number[];
  spec?: Spec;
  /** Requests between liveness checks (GET /healthz). */
  batchSize?: number;
  /** An answer slower than this is a failure. */
  timeoutMs?: number;
  /** The app's error log, drained after each request (server-log.ts). */
  drainLog?: () => string[];
  onProgress?: (progress: Progress) => void;
  progressEveryMs?: number;
}

export interface Progress {
  done: number;
  total: number;
  failures: number;
  elapsedMs: number;
}

export interface Failure {
  request: BuiltRequest;
  answer?: { statusCode: number; headers: Answer['headers']; body: string };
  problems: string[];
  log: string[];
}

export interface OperationStats {
  requests: number;
  valid: number;
  /** Valid requests answered 2xx: the share that reached a real code path to the end. */
  validOk: number;
  statuses: Map<number, number>;
  failures: number;
  /** Time spent waiting for answers. */
  ms: number;
}

export interface FuzzResult {
  seed: number;
  requests: number;
  durationMs: number;
  /** How many requests failed; `failures` holds the first 1,000 in full. */
  failureCount: number;
  failures: Failure[];
  operations: Map<string, OperationStats>;
  statuses: Map<number, number>;
  variants: Map<string, number>;
  /** The slowest answers, slowest first (at most 10). */
  slowest: Array<{ ms: number; request: BuiltRequest; status: number | undefined }>;
  fixture: Fixture;
}

/** Failures kept in full (the rest are counted): a broken app must not exhaust memory. */
const MAX_KEPT = 1000;

const bump = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

async function send(target: FuzzTarget, request: BuiltRequest, timeoutMs: number): Promise<Answer> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const res = await Promise.race([
      target.app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: request.headers,
        ...(request.payload !== undefined ? { payload: request.payload } : {}),
      }),
      timeout,
    ]);
    return { statusCode: res.statusCode, headers: res.headers, body: res.rawPayload };
  } finally {
    clearTimeout(timer);
  }
}

const emptyStats = (): OperationStats => ({
  requests: 0,
  valid: 0,
  validOk: 0,
  statuses: new Map(),
  failures: 0,
  ms: 0,
});

function statsOf(result: FuzzResult, operationId: string): OperationStats {
  let stats = result.operations.get(operationId);
  if (!stats) {
    stats = emptyStats();
    result.operations.set(operationId, stats);
  }
  return stats;
}

function noteTime(
  result: FuzzResult,
  ms: number,
  request: BuiltRequest,
  status: number | undefined,
): void {
  const slowest = result.slowest;
  if (slowest.length === 10 && ms <= slowest.at(-1)!.ms) return;
  slowest.push({ ms, request, status });
  slowest.sort((a, b) => b.ms - a.ms);
  slowest.length = Math.min(slowest.length, 10);
}

/** Sends one request, checks its answer and records both. */
async function fuzzOne(
  options: FuzzOptions,
  oracle: Oracle,
  result: FuzzResult,
  index: number,
  spec: Spec,
): Promise<void> {
  const request = generateRequest(spec, result.fixture, options.seed, index);
  const stats = statsOf(result, request.operationId);
  stats.requests += 1;
  bump(result.variants, request.variant);
  let answer: Answer | undefined;
  let problems: string[];
  const sent = performance.now();
  try {
    answer = await send(options.target, request, options.timeoutMs ?? 30_000);
    problems = oracle.check(request, answer);
  } catch (error) {
    problems = [`the request failed: ${error instanceof Error ? error.message : String(error)}`];
  }
  const ms = performance.now() - sent;
  stats.ms += ms;
  noteTime(result, ms, request, answer?.statusCode);
  const log = options.drainLog?.() ?? [];
  if (log.length > 0 && problems.length === 0) problems.push('the app logged an error');
  if (answer) {
    bump(stats.statuses, answer.statusCode);
    bump(result.statuses, answer.statusCode);
    if (request.variant === 'valid') {
      stats.valid += 1;
      if (answer.statusCode < 300) stats.validOk += 1;
    }
  }
  if (problems.length === 0) return;
  stats.failures += 1;
  result.failureCount += 1;
  if (result.failures.length >= MAX_KEPT) return;
  result.failures.push({
    request,
    problems,
    log,
    ...(answer
      ? {
          answer: {
            statusCode: answer.statusCode,
            headers: answer.headers,
            body: answer.body.toString('utf8', 0, 2000),
          },
        }
      : {}),
  });
}

/** GET /healthz must still answer 200 `{ "status": "ok" }`. */
async function alive(target: FuzzTarget): Promise<string | undefined> {
  try {
    const res = await target.app.inject({ method: 'GET', url: '/healthz' });
    if (res.statusCode === 200 && res.json<{ status?: string }>().status === 'ok') return undefined;
    return `GET /healthz answered ${res.statusCode}: ${res.body.slice(0, 200)}`;
  } catch (error) {
    return `GET /healthz failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Seeds the fixture, then sends and checks every request of the run. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const spec = options.spec ?? loadSpec();
  const started = Date.now();
  const fixture = await seedFixture(options.target, spec);
  options.drainLog?.();
  const oracle = new Oracle(spec);
  const result: FuzzResult = {
    seed: options.seed,
    requests: 0,
    durationMs: 0,
    failureCount: 0,
    failures: [],
    operations: new Map(spec.operations.map((op) => [op.id, emptyStats()])),
    statuses: new Map(),
    variants: new Map(),
    slowest: [],
    fixture,
  };
  const indices = options.only ?? Array.from({ length: options.requests }, (_, i) => i);
  const batch = options.batchSize ?? 100;
  let reported = Date.now();
  for (const [n, index] of indices.entries()) {
    await fuzzOne(options, oracle, result, index, spec);
    result.requests += 1;
    if ((n + 1) % batch === 0 || n === indices.length - 1) {
      const dead = await alive(options.target);
      if (dead) {
        const request = generateRequest(spec, fixture, options.seed, index);
        result.failureCount += 1;
        result.failures.push({
          request,
          problems: [`after this request's batch, ${dead}`],
          log: [],
        });
        break;
      }
    }
    if (options.onProgress && Date.now() - reported >= (options.progressEveryMs ?? 5000)) {
      reported = Date.now();
      options.onProgress({
        done: n + 1,
        total: indices.length,
        failures: result.failureCount,
        elapsedMs: reported - started,
      });
    }
  }
  result.durationMs = Date.now() - started;
  return result;
}
