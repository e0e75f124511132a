/**
 * The one error shape of the API (api.md, Errors): `{ error: { code, message, path? } }`.
 * Callers' mistakes are 4xx with a code they can branch on; anything unexpected is a 500 whose
 * details stay in the log.
 */
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_SECONDS } from './unavailable.js';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { STORABLE_TEXT_FORMAT } from './schemas/common.js';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, path?: string) {
  return { error: { code, message, ...(path !== undefined ? { path } : {}) } };
}

const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_body'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_body'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_body'],
};

/** `/body/x` → `/x`, `/querystring/from` → `/from`: paths name the caller's field. */
function validationPath(error: FastifyError): string | undefined {
  const first = error.validation?.[0];
  if (!first) return undefined;
  let path = first.instancePath ?? '';
  const missing = (first.params as { missingProperty?: string } | undefined)?.missingProperty;
  if (missing) path = `${path}/${missing}`;
  const extra = (first.params as { additionalProperty?: string } | undefined)?.additionalProperty;
  if (extra) path = `${path}/${extra}`;
  return path;
}

function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (first?.keyword === 'format' && first.params.format === STORABLE_TEXT_FORMAT) {
    return 'must not contain U+0000 or unpaired surrogates';
  }
  const extra = (first?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
  if (extra) return 'is not allowed';
  const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
  if (missing) return 'is required';
  return first?.message ?? error.message;
}

/**
 * Longer URLs get a 414 before routing and validation; past Node's own limit (16 KiB of request
 * line and headers) the parser rejects the request first, see {@link clientErrorHandler}.
 */
export const MAX_URL_LENGTH = 8 * 1024;

const uriTooLong = () =>
  errorBody('uri_too_long', `the URL is longer than ${MAX_URL_LENGTH} bytes`);

/**
 * The router's limit on a path parameter, counted after percent-decoding. Well above the longest
 * identifier (256 characters) so that the route's schema, which names the parameter, rejects
 * most over-long ones; beyond it the router answers through {@link frameworkErrors}.
 */
export const MAX_PARAM_LENGTH = 1024;

const ROUTING_ERRORS: Record<string, string> = {
  FST_ERR_BAD_URL: 'the URL path is not valid percent-encoded UTF-8',
  FST_ERR_MAX_PARAM_LENGTH: `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
};

/** Errors Fastify meets while routing, before any route's error handler applies. */
export function frameworkErrors(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  // No route means no route hooks either: the onSend hook that sets this header does not run,
  // nor the preSerialization hook that puts the id in the body.
  void reply.header('x-request-id', request.id);
  // The router meets an over-long path parameter before the onRequest hook sees the URL.
  if (request.url.length > MAX_URL_LENGTH) {
    void reply.status(414).send(withRequestId(uriTooLong(), request.id));
    return;
  }
  const message = ROUTING_ERRORS[error.code];
  if (message !== undefined) {
    void reply.status(400).send(withRequestId(errorBody('invalid_parameter', message), request.id));
    return;
  }
  request.log.error({ err: error }, 'request failed');
  void reply
    .status(500)
    .send(withRequestId(errorBody('internal_error', 'internal server error'), request.id));
}

/**
 * The request's id inside an error envelope (`error.request_id`), so a body pasted into a ticket
 * leads to the log lines (they carry the same id as `reqId`). Other payloads pass unchanged.
 */
export function withRequestId<T>(payload: T, requestId: string): T {
  if (typeof payload !== 'object' || payload === null || !('error' in payload)) return payload;
  const error = (payload as { error: unknown }).error;
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return payload;
  return { ...payload, error: { ...error, request_id: requestId } };
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'headers_too_large',
    'the request line and headers are larger than the server accepts',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'the request was not received in time'],
};

/**
 * Requests Node's HTTP parser rejects (too large, malformed, too slow) never reach Fastify's
 * handlers: like Fastify's default, this writes the answer on the socket, but as the envelope.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = CLIENT_ERRORS[error.code ?? ''] ?? [
    400,
    'bad_request',
    'malformed HTTP request',
  ];
  const body = JSON.stringify(errorBody(code, message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * Ajv coerces a query's `1e400` or `Infinity` to Infinity and then skips `minimum` and `maximum`,
 * which it checks on finite numbers only: `limit=1e400` reached SQL as a bigint and failed there
 * as a 500. After validation, every number in the query string must be finite.
 */
function rejectNonFiniteNumbers(request: FastifyRequest): void {
  const query = request.query;
  if (typeof query !== 'object' || query === null) return;
  for (const [name, value] of Object.entries(query)) {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new ApiError(400, 'invalid_parameter', `${name} must be a finite number`, `/${name}`);
    }
  }
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.addHook('preSerialization', async (request, reply, payload: unknown) =>
    reply.statusCode >= 400 ? withRequestId(payload, request.id) : payload,
  );
  app.addHook('preHandler', async (request) => rejectNonFiniteNumbers(request));
  app.addHook('onRequest', async (request) => {
    if (request.url.length > MAX_URL_LENGTH) {
      const { error } = uriTooLong();
      throw new ApiError(414, error.code, error.message);
    }
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.status(error.statusCode).send(errorBody(error.code, error.message, error.path));
    }
    if (error.validation) {
      // Path and query parameters alike are the caller's parameters; only the body is a body.
      const where = error.validationContext === 'body' ? 'invalid_body' : 'invalid_parameter';
      return reply
        .status(400)
        .send(errorBody(where, validationMessage(error), validationPath(error)));
    }
    const known = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (known) return reply.status(known[0]).send(errorBody(known[1], error.message));
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send(errorBody('bad_request', error.message));
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply
        .status(503)
        .header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS))
        .send(errorBody('unavailable', 'the database is not answering now; retry shortly'));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send(errorBody('internal_error', 'internal server error'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
