/**
 * The committed openapi.yaml is what the service serves: regenerate it with `npm run generate`
 * when a route schema changes, and review the diff.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildOfflineApp } from '../../scripts/offline-app.js';
import { OPENAPI_HEADER } from '../../src/http/openapi.js';

let built: Awaited<ReturnType<typeof buildOfflineApp>>;
beforeAll(async () => {
  built = await buildOfflineApp();
});
afterAll(async () => built.close());

describe('openapi.yaml', () => {
  it('equals the document served at /openapi.yaml (run `npm run generate` if not)', async () => {
    const committed = await readFile(new URL('../../openapi.yaml', import.meta.url), 'utf8');
    const served = await built.app.inject({ method: 'GET', url: '/openapi.yaml' });
    expect(served.statusCode).toBe(200);
    expect(committed.startsWith(OPENAPI_HEADER)).toBe(true);
    expect(served.body).toBe(committed);
  });

  it('serves the same document as JSON at /openapi.json, OpenAPI 3.1', async () => {
    const committed = parse(await readFile(new URL('../../openapi.yaml', import.meta.url), 'utf8'));
    const served = await built.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(served.json()).toEqual(committed);
    expect(committed.openapi).toBe('3.1.0');
  });

  it('gives every operation a unique camelCase operationId', () => {
    const doc = built.app.swagger() as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const ids = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops).map((op) => op.operationId),
    );
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]+$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('serves interactive docs at /docs', async () => {
    const res = await built.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('swagger');
  });
});
