/**
 * POST /v1/events (events.md, Transport): JSON arrays, NDJSON streams and CloudEvents, each event
 * validated on its own. The response is sent only after every accepted event is committed.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import {
  AtomicBatchRejected,
  type EventIngestor,
  type IngestResult,
} from '../../ingest/event-ingestor.js';
import type { ItemFormat, ReceivedItem } from '../../ingest/prepare.js';
import { PhaseTimings } from '../../ingest/phase-timings.js';
import { ApiError, errorBody } from '../errors.js';
import { NDJSON_TYPE, ndjsonLineChunks } from '../body-parsers.js';
import { tenantOf } from '../plugins/auth.js';
import { ErrorResponse } from '../schemas/common.js';
import { IngestRejected, IngestResponse, TicketEvent } from '../schemas/events.js';
import { queryValidator } from '../validation.js';

export const MAX_JSON_EVENTS = 10_000;

const Query = Type.Object(
  {
    atomic: Type.Boolean({
      default: false,
      description:
        'all-or-nothing: any rejected event rejects the whole body (422, nothing stored)',
    }),
  },
  { additionalProperties: false },
);

class NdjsonSyntaxError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`line ${line} is not valid JSON: ${detail}`);
  }
}

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function jsonItems(body: unknown, type: string): ReceivedItem[] {
  if (type === 'application/cloudevents+json') return [{ position: { index: 0 }, raw: body }];
  if (!Array.isArray(body)) {
    throw new ApiError(400, 'invalid_body', 'the body must be a JSON array of events', '');
  }
  if (body.length > MAX_JSON_EVENTS) {
    throw new ApiError(
      413,
      'payload_too_large',
      `at most ${MAX_JSON_EVENTS} events per JSON body; send NDJSON for more`,
    );
  }
  return body.map((raw: unknown, index) => ({ position: { index }, raw }));
}

/** Batches of NDJSON lines; a line that is not JSON ends the stream with NdjsonSyntaxError after the lines before it. */
async function* ndjsonBatches(
  stream: Readable,
  failure: { error?: NdjsonSyntaxError },
  atomic: boolean,
  batchSize: number,
) {
  let batch: ReceivedItem[] = [];
  for await (const lines of ndjsonLineChunks(stream)) {
    for (const { line, text } of lines) {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (error) {
        failure.error = new NdjsonSyntaxError(
          line,
          error instanceof Error ? error.message : String(error),
        );
        if (atomic) throw failure.error;
        if (batch.length > 0) yield batch;
        return;
      }
      batch.push({ position: { line }, raw });
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

function countOutcomes(app: FastifyInstance, result: IngestResult): void {
  app.metrics.ingestEvents.inc({ outcome: 'accepted' }, result.accepted);
  app.metrics.ingestEvents.inc({ outcome: 'duplicate' }, result.duplicates);
  app.metrics.ingestEvents.inc({ outcome: 'rejected' }, result.rejected);
  app.metrics.foldFailures.inc(result.refold_pending?.length ?? 0);
}

export interface EventsRoutesOptions {
  ingestor: EventIngestor;
  ndjsonBatchSize: number;
}

const ingestSchema = {
  operationId: 'ingestEvents',
  tags: ['events'],
  summary: 'Ingest ticket events',
  description:
    'JSON array (≤ 10,000 events, ≤ 10 MB), NDJSON stream of any length (committed in batches, 20,000 lines by default), or CloudEvents 1.0 (structured or batch). Each event is validated on its own; valid events are stored even when others are rejected unless atomic=true. Every accepted event is committed before the response.',
  security: [{ bearerAuth: [] }],
  querystring: Query,
  body: {
    content: {
      'application/json': {
        schema: Type.Array(Type.Ref(TicketEvent), { maxItems: MAX_JSON_EVENTS }),
      },
      'application/x-ndjson': { schema: Type.Ref(TicketEvent) },
      'application/cloudevents-batch+json': {
        schema: Type.Array(Type.Object({}, { additionalProperties: true })),
      },
      'application/cloudevents+json': {
        schema: Type.Object({}, { additionalProperties: true }),
      },
    },
  },
  response: {
    200: Type.Ref(IngestResponse),
    // IngestRejected first: the serializer takes the first branch that fits, and ErrorResponse fits it too.
    400: Type.Union([Type.Ref(IngestRejected), Type.Ref(ErrorResponse)]),
    401: Type.Ref(ErrorResponse),
    403: Type.Ref(ErrorResponse),
    413: Type.Ref(ErrorResponse),
    415: Type.Ref(ErrorResponse),
    422: Type.Ref(IngestRejected),
  },
};

/** The reply to a body refused as a whole: an atomic batch with a rejected event or a bad line. */
function refusedBatch(app: FastifyInstance, error: unknown, reply: FastifyReply) {
  if (error instanceof AtomicBatchRejected) {
    countOutcomes(app, error.result);
    const message = 'the batch was rejected as a whole (atomic=true); nothing was stored';
    return reply.status(422).send({ ...errorBody('batch_rejected', message), ...error.result });
  }
  if (error instanceof NdjsonSyntaxError) {
    const body = { accepted: 0, duplicates: 0, rejected: 0, errors: [] };
    return reply.status(400).send({
      ...errorBody('invalid_body', `${error.message}; nothing was stored (atomic=true)`),
      ...body,
    });
  }
  throw error;
}

async function ingest(
  app: FastifyInstance,
  options: EventsRoutesOptions,
  request: FastifyRequest<{ Querystring: { atomic: boolean } }>,
  reply: FastifyReply,
) {
  const tenantId = tenantOf(request);
  const type = mediaType(request);
  const atomic = request.query.atomic;
  const format: ItemFormat = type.startsWith('application/cloudevents') ? 'cloudevent' : 'envelope';
  const failure: { error?: NdjsonSyntaxError } = {};
  const batches =
    type === NDJSON_TYPE
      ? ndjsonBatches(request.body as Readable, failure, atomic, options.ndjsonBatchSize)
      : [jsonItems(request.body, type)];
  const stop = app.metrics.ingestBatchSeconds.startTimer();
  const timings = new PhaseTimings();
  try {
    const result = await options.ingestor.ingest(tenantId, batches, { format, atomic, timings });
    countOutcomes(app, result);
    // Server-Timing (W3C): where the request's time went — read (body, parse, validate), begin
    // (a connection), store, lock (tickets locked, inputs loaded), fold, write, version (the
    // tenant's version row), commit — summed over its batches.
    reply.header('server-timing', timings.header());
    if (failure.error) {
      return reply
        .status(400)
        .send({ ...errorBody('invalid_body', failure.error.message), ...result });
    }
    return result;
  } catch (error) {
    return refusedBatch(app, error, reply);
  } finally {
    stop();
  }
}

export default function eventsRoutes(app: FastifyInstance, options: EventsRoutesOptions): void {
  app.post(
    '/v1/events',
    { config: { scope: 'events:write' }, validatorCompiler: queryValidator, schema: ingestSchema },
    async (request: FastifyRequest<{ Querystring: { atomic: boolean } }>, reply: FastifyReply) =>
      ingest(app, options, request, reply),
  );
}
