/**
 * The OpenAPI document as the fuzzer reads it (openapi.yaml, rendered from the route schemas by
 * `npm run generate`): every operation with its parameters, request bodies and documented
 * answers, and which operation a request's method and path reach.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** A JSON Schema object as TypeBox writes it (draft-07 keywords, OpenAPI 3.1 type lists). */
export type Schema = Record<string, unknown>;

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: Schema;
  description: string;
}

export interface Operation {
  id: string;
  method: string;
  /** The OpenAPI path template, e.g. `/v1/tickets/{ticket_id}`. */
  path: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  /** Media type → schema of the request body, when the operation takes one. */
  body: Record<string, Schema> | undefined;
  /** Status → media type → schema; an answer without content has no media types. */
  responses: Map<number, Record<string, Schema>>;
  secured: boolean;
  /** Matches a request's (percent-encoded) pathname the way the router splits it. */
  pattern: RegExp;
}

export interface Spec {
  operations: Operation[];
  /** `components.schemas`, which `$ref`s name. */
  components: Record<string, Schema>;
  /** The schema a `$ref` names (refs are resolved one level at a time). */
  resolve: (schema: Schema) => Schema;
  /** The operation a request reaches, or undefined when no route has its method and path. */
  route: (method: string, pathname: string) => Operation | undefined;
}

export const OPENAPI_FILE = new URL('../../openapi.yaml', import.meta.url);

interface RawOperation {
  operationId: string;
  parameters?: Array<{
    name: string;
    in: string;
    required?: boolean;
    schema: Schema;
    description?: string;
  }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: unknown[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function templatePattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) =>
      /^\{.+\}$/.test(segment) ? '[^/]*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}$`);
}

function operationOf(path: string, method: string, raw: RawOperation): Operation {
  const params = (raw.parameters ?? []).map((p) => ({
    name: p.name,
    in: p.in as 'path' | 'query',
    required: p.required === true,
    schema: p.schema,
    description: p.description ?? '',
  }));
  const responses = new Map<number, Record<string, Schema>>();
  for (const [status, answer] of Object.entries(raw.responses)) {
    const content: Record<string, Schema> = {};
    for (const [type, media] of Object.entries(answer.content ?? {})) {
      content[type] = media.schema ?? {};
    }
    responses.set(Number(status), content);
  }
  const body = raw.requestBody
    ? Object.fromEntries(Object.entries(raw.requestBody.content).map(([t, m]) => [t, m.schema]))
    : undefined;
  return {
    id: raw.operationId,
    method: method.toUpperCase(),
    path,
    pathParams: params.filter((p) => p.in === 'path'),
    queryParams: params.filter((p) => p.in === 'query'),
    body,
    responses,
    secured: (raw.security ?? []).length > 0,
    pattern: templatePattern(path),
  };
}

/** Reads and indexes openapi.yaml (or another document of the same shape). */
export function loadSpec(file: URL | string = OPENAPI_FILE): Spec {
  const doc = parse(readFileSync(file, 'utf8')) as {
    paths: Record<string, Record<string, RawOperation>>;
    components: { schemas: Record<string, Schema> };
  };
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const raw = item[method];
      if (raw) operations.push(operationOf(path, method, raw));
    }
  }
  const components = doc.components.schemas;
  const resolve = (schema: Schema): Schema => {
    const ref = schema.$ref;
    if (typeof ref !== 'string') return schema;
    const name = ref.replace('#/components/schemas/', '');
    const found = components[name];
    if (!found) throw new Error(`openapi.yaml: unresolved $ref ${ref}`);
    return resolve(found);
  };
  // Static segments win over parameters, as in the router: try the most literal templates first.
  const byLiteralness = [...operations].sort(
    (a, b) => b.path.replace(/\{[^}]+\}/g, '').length - a.path.replace(/\{[^}]+\}/g, '').length,
  );
  const route = (method: string, pathname: string) =>
    byLiteralness.find((op) => op.method === method && op.pattern.test(pathname));
  return { operations, components, resolve, route };
}

/** The methods some operation of `path` answers. */
export function methodsOf(spec: Spec, path: string): string[] {
  return spec.operations.filter((op) => op.path === path).map((op) => op.method);
}
