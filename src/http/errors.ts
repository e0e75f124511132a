/**
 * The one error shape of the API (api.md, Errors): `{ error: { code, message, path? } }`.
 * Callers' mistakes are 4xx with a code they can branch on; anything unexpected is a 500 whose
 * details stay in the log.
 */
import type { FastifyError, FastifyInstance } from 'fastify';

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
  const extra = (first?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
  if (extra) return 'is not allowed';
  const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
  if (missing) return 'is required';
  return first?.message ?? error.message;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.status(error.statusCode).send(errorBody(error.code, error.message, error.path));
    }
    if (error.validation) {
      const where =
        error.validationContext === 'querystring' ? 'invalid_parameter' : 'invalid_body';
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
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send(errorBody('internal_error', 'internal server error'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
