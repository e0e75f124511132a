/**
 * The operations the wall test must cover: every operation of openapi.yaml (read at test time),
 * and every route the app serves outside it (docs, metrics, the dashboard), read from the router.
 * Both as `METHOD /path` with OpenAPI's `{param}` form.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { parse } from 'yaml';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

/** `METHOD /path` of every operation in openapi.yaml. */
export function openApiOperations(file: string): string[] {
  const doc = parse(readFileSync(file, 'utf8')) as { paths: Record<string, object> };
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/**
 * `METHOD /path` of every route the router holds (HEAD, which Fastify adds beside each GET,
 * left out), parsed from `printRoutes({ commonPrefix: false })`: one node per line, indented
 * four characters a level, each node's text appended to its parent's path.
 */
export function appRoutes(app: FastifyInstance): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│├└─\s]*?)(?:[├└]── )?(\S+)(?: \(([A-Z, ]+)\))?\s*$/.exec(line);
    if (!m || line.trim() === '') continue;
    const depth = Math.round(m[1]!.length / 4) + (/[├└]── /.test(line) ? 1 : 0);
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack[depth] = path;
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) {
      if (method && method !== 'HEAD') {
        out.push(`${method} ${path.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}')}`);
      }
    }
  }
  return [...new Set(out)].sort();
}

/** The operations missing a case and the cases of no operation, as a message for the developer. */
export function coverageProblems(
  operations: readonly string[],
  cases: readonly string[],
  where: string,
  table: string,
): string[] {
  const missing = operations.filter((o) => !cases.includes(o));
  const stale = cases.filter((c) => !operations.includes(c));
  return [
    ...missing.map(
      (o) =>
        `"${o}" is in ${where} but has no tenant-wall case: add one to ${table} proving that tenant B, with tenant A's ids, cursors and tokens, gets a 404 / 400 or only its own data (or, for an operation without tenant data, that its answer holds none of A's strings)`,
    ),
    ...stale.map(
      (c) =>
        `"${c}" has a case in ${table} but is no longer in ${where}: remove or rename the case`,
    ),
  ];
}
