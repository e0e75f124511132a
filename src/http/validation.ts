/**
 * Route validator compilers. Ingest validates its body event by event (so one bad event does not
 * reject a batch), so its route validates only the query string and leaves the body alone.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import { CUSTOM_FORMATS } from './schemas/common.js';

const ajv = new Ajv({
  coerceTypes: true,
  useDefaults: true,
  removeAdditional: false,
  allErrors: false,
  strict: false,
  formats: CUSTOM_FORMATS,
});

export const queryValidator: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  if (httpPart === 'body') return () => true;
  const validate: ValidateFunction = ajv.compile(schema as object);
  return (data: unknown) =>
    validate(data) ? { value: data } : { error: toError(validate, httpPart ?? 'querystring') };
};

/** Names the part that failed, as Fastify's validator does: errors.ts tells a body by it. */
function toError(validate: ValidateFunction, httpPart: string): Error {
  const error = new Error(validate.errors?.[0]?.message ?? 'invalid') as Error & {
    validation: unknown;
    validationContext: string;
    statusCode: number;
  };
  error.validation = validate.errors;
  error.validationContext = httpPart;
  error.statusCode = 400;
  return error;
}
