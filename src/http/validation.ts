/**
 * Route validator compilers. Ingest validates its body event by event (so one bad event does not
 * reject a batch), so its route validates only the query string and leaves the body alone.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const ajv = new Ajv({
  coerceTypes: true,
  useDefaults: true,
  removeAdditional: false,
  allErrors: false,
  strict: false,
});

export const queryValidator: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  if (httpPart === 'body') return () => true;
  const validate: ValidateFunction = ajv.compile(schema as object);
  return (data: unknown) => (validate(data) ? { value: data } : { error: toError(validate) });
};

function toError(validate: ValidateFunction): Error {
  const error = new Error(validate.errors?.[0]?.message ?? 'invalid') as Error & {
    validation: unknown;
    validationContext: string;
    statusCode: number;
  };
  error.validation = validate.errors;
  error.validationContext = 'querystring';
  error.statusCode = 400;
  return error;
}
