/** Schemas shared by every route: the error envelope, and identifiers in paths. */
import { Type } from '@sinclair/typebox';
import { isStorableText, MAX_TEXT_LENGTH } from '../../core/domain.js';

/** The envelope's `error` object, shared by every error body (ErrorResponse, IngestRejected). */
export const ErrorDetail = Type.Object({
  code: Type.String({ description: 'machine-readable, e.g. invalid_parameter, unauthorized' }),
  message: Type.String(),
  path: Type.Optional(Type.String({ description: 'JSON pointer to the offending field' })),
  request_id: Type.Optional(
    Type.String({
      description:
        "the request's id, as in the X-Request-Id header and the service's log lines; quote it when reporting a problem",
    }),
  ),
});

export const ErrorResponse = Type.Object({ error: ErrorDetail }, { $id: 'Error', title: 'Error' });

export const errorResponses = {
  400: Type.Ref(ErrorResponse),
  401: Type.Ref(ErrorResponse),
  403: Type.Ref(ErrorResponse),
  /** Past the key's rate limit (or the tenant's concurrent exports): `Retry-After` says when. */
  429: Type.Ref(ErrorResponse),
  /** The database is not answering now: `Retry-After` says when to try again. */
  503: Type.Ref(ErrorResponse),
};

/** Routes that take a JSON body also answer a body over the limit and a media type not JSON. */
export const bodyErrorResponses = {
  ...errorResponses,
  413: Type.Ref(ErrorResponse),
  415: Type.Ref(ErrorResponse),
};

/** A string PostgreSQL can store and compare: no U+0000, no unpaired surrogates. */
export const STORABLE_TEXT_FORMAT = 'storable-text';

/** Formats the routes' validator knows beyond JSON Schema's (app.ts). */
export const CUSTOM_FORMATS = { [STORABLE_TEXT_FORMAT]: isStorableText };

/**
 * An identifier in a path, held to what ingest accepts as one (validate-event.ts): anything else
 * names nothing stored, and a NUL would fail in PostgreSQL as a 500 rather than a 400.
 */
export const PathId = Type.String({
  minLength: 1,
  maxLength: MAX_TEXT_LENGTH,
  format: STORABLE_TEXT_FORMAT,
  description: 'as ingested: 1–256 characters, without U+0000 or unpaired surrogates',
});

/**
 * Job ids are UUIDs (storage/recompute-job.repository.ts), hyphenated: the `uuid` format alone
 * also lets through a `urn:uuid:` prefix, which PostgreSQL's uuid type rejects with an error.
 */
export const JobId = Type.String({
  format: 'uuid',
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
});
