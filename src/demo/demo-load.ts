/**
 * Loads a generated help desk into a running app through its public API, exactly as an
 * administrator and a ticketing tool would: `PUT /v1/tenant`, `PUT /v1/calendars/warsaw-office`
 * and `PUT /v1/sla-policies` (waiting for the recomputations they start), then every event by
 * `POST /v1/events` as NDJSON — the same validation, fold and transactions as any client's events,
 * in-process (`inject`) so no socket is involved.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { setTimeout as delay } from 'node:timers/promises';
import { configFrom, demoProfile } from './demo-profile.js';
import {
  OFFICE_CALENDAR_ID,
  TENANT_SETTINGS,
  officeCalendarBody,
  slaPoliciesBody,
} from './demo-config.js';
import { generateEvents } from './generator.js';

/** What the loader needs of the app. */
export type Injector = Pick<FastifyInstance, 'inject'>;

export interface LoadProgress {
  /** Events stored so far. */
  events: number;
  /** How far through the demo's span the events stored so far reach (0–1; 1 when done). */
  share: number;
  seconds: number;
}

export interface DemoLoadOptions {
  tickets: number;
  seed: number;
  /** The demo's "now": the last instant of its data is just before it. */
  now: number;
  /** NDJSON lines per request (each committed in the service's batches). */
  batchSize?: number;
  onProgress?: (progress: LoadProgress) => void;
  /** Stops the load between two requests (DemoLoadAborted). */
  signal?: AbortSignal;
}

export interface DemoLoadResult {
  events: number;
  /** Time spent in `POST /v1/events`. */
  ingestSeconds: number;
  /** Tickets whose metrics the service could not compute (refold_pending): 0 unless a bug. */
  refoldPending: number;
}

export class DemoLoadAborted extends Error {
  constructor() {
    super('the demo load was interrupted');
  }
}

/** NDJSON lines per request: large enough that the per-request cost does not matter. */
export const DEFAULT_BATCH = 10_000;

class ApiCallError extends Error {}

function expectOk(what: string, res: LightMyRequestResponse): unknown {
  if (res.statusCode !== 200) {
    throw new ApiCallError(`${what} answered ${res.statusCode}: ${res.body.slice(0, 500)}`);
  }
  return res.json<unknown>();
}

/** Waits for a recomputation started by a configuration change (GET /v1/jobs/{id}). */
async function awaitJob(app: Injector, authorization: string, body: unknown): Promise<void> {
  const jobId = (body as { recompute_job_id?: string }).recompute_job_id;
  if (jobId === undefined) return;
  for (;;) {
    const res = await app.inject({ url: `/v1/jobs/${jobId}`, headers: { authorization } });
    const job = expectOk(`GET /v1/jobs/${jobId}`, res) as { status: string; error: unknown };
    if (job.status === 'done') return;
    if (job.status === 'failed')
      throw new ApiCallError(`recomputation failed: ${String(job.error)}`);
    await delay(20);
  }
}

/** The tenant's settings, the office calendar and the SLA policies, in force before `from`. */
export async function configureDemo(app: Injector, adminKey: string, now: number): Promise<void> {
  const authorization = `Bearer ${adminKey}`;
  const effectiveFrom = configFrom(demoProfile(now).from);
  const put = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'PUT', url, headers: { authorization }, payload });
    await awaitJob(app, authorization, expectOk(`PUT ${url}`, res));
  };
  // The calendar first: the tenant's default calendar must exist.
  await put(`/v1/calendars/${OFFICE_CALENDAR_ID}`, officeCalendarBody(effectiveFrom));
  await put('/v1/tenant', TENANT_SETTINGS);
  await put('/v1/sla-policies', slaPoliciesBody(effectiveFrom));
}

/** The demo's events as NDJSON bodies of `batchSize` lines, generated as they are sent. */
export function* demoBodies(
  options: { tickets: number; seed: number; now: number },
  batchSize: number,
): Generator<{ text: string; lines: number; share: number }> {
  const profile = demoProfile(options.now);
  const span = profile.to - profile.from;
  let lines: string[] = [];
  let last = profile.from;
  const body = (share: number) => ({ text: lines.join('\n'), lines: lines.length, share });
  for (const event of generateEvents(profile, options)) {
    lines.push(event.line);
    last = event.at;
    if (lines.length === batchSize) {
      yield body(Math.min(1, Math.max(0, (last - profile.from) / span)));
      lines = [];
    }
  }
  if (lines.length > 0) yield body(Math.min(1, Math.max(0, (last - profile.from) / span)));
}

interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: unknown[];
  refold_pending?: string[];
}

/** Every event of the demo through `POST /v1/events`, in `occurred_at` order. */
export async function loadDemoEvents(
  app: Injector,
  key: string,
  options: DemoLoadOptions,
): Promise<DemoLoadResult> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' };
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  let events = 0;
  let refoldPending = 0;
  for (const body of demoBodies(options, options.batchSize ?? DEFAULT_BATCH)) {
    if (options.signal?.aborted) throw new DemoLoadAborted();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers,
      payload: body.text,
    });
    const answer = expectOk('POST /v1/events', res) as IngestAnswer;
    if (answer.rejected > 0 || answer.accepted + answer.duplicates !== body.lines) {
      const sample = JSON.stringify(answer.errors.slice(0, 3));
      throw new ApiCallError(`the service rejected ${answer.rejected} demo events: ${sample}`);
    }
    refoldPending += answer.refold_pending?.length ?? 0;
    events += body.lines;
    options.onProgress?.({ events, share: body.share, seconds: seconds() });
  }
  // A last body of exactly batchSize lines reported less than the whole span.
  options.onProgress?.({ events, share: 1, seconds: seconds() });
  return { events, ingestSeconds: seconds(), refoldPending };
}

/** configureDemo, then loadDemoEvents. */
export async function loadDemo(
  app: Injector,
  adminKey: string,
  options: DemoLoadOptions,
): Promise<DemoLoadResult> {
  await configureDemo(app, adminKey, options.now);
  return loadDemoEvents(app, adminKey, options);
}
