/**
 * Tenant walls (api.md: "A tenant never sees another tenant's data"; issue 17). Tenant A has data
 * of every kind and every id and token the API mints; tenant B, with an admin key and one ticket
 * of its own, walks every operation of openapi.yaml with A's ids, filters, cursors and ETags and
 * must get a 404, a 400 for a foreign cursor, or an answer holding none of A's strings (searched
 * in the whole response: headers, JSON, NDJSON, CSV, and Arrow, Parquet and XLSX decoded and as
 * bytes). B's writes under A's ids make B's own objects; A's view is the same before and after.
 *
 * The case tables (tenant-walls/*-cases.ts) are keyed by `METHOD /path`: an operation added to
 * openapi.yaml (or a route served outside it) without a case fails this file, as does a case
 * whose operation is gone.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aView } from './tenant-walls/a-view.js';
import type { WallCase } from './tenant-walls/checks.js';
import { B_TICKET } from './tenant-walls/fixture.js';
import { KPI_CASES } from './tenant-walls/kpi-cases.js';
import { expectError } from './tenant-walls/leaks.js';
import { appRoutes, coverageProblems, openApiOperations } from './tenant-walls/operations.js';
import { HIDDEN_CASES, PUBLIC_CASES } from './tenant-walls/public-cases.js';
import { READ_CASES } from './tenant-walls/read-cases.js';
import { REPORT_CASES, TABLE_CASES } from './tenant-walls/report-cases.js';
import { WRITE_CASES } from './tenant-walls/write-cases.js';
import { createWorld, type World } from './tenant-walls/world.js';

const OPENAPI = fileURLToPath(new URL('../../openapi.yaml', import.meta.url));

/** One case per operation of openapi.yaml. */
const CASES: Record<string, WallCase> = {
  ...PUBLIC_CASES,
  ...READ_CASES,
  ...KPI_CASES,
  // Before the HR export's case: B's own pulls (filtered by A's agent id) enter B's audit log.
  ...TABLE_CASES,
  ...REPORT_CASES,
  ...WRITE_CASES,
};

let w: World;
let before: Record<string, unknown>;
beforeAll(async () => {
  w = await createWorld();
  before = await aView(w);
});
afterAll(async () => w?.close());

describe('every operation has a tenant-wall case', () => {
  it('openapi.yaml ↔ the case table', () => {
    const problems = coverageProblems(
      openApiOperations(OPENAPI),
      Object.keys(CASES),
      'openapi.yaml',
      'the case tables in test/api/tenant-walls/ (read-, kpi-, report-, write-, public-cases.ts)',
    );
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('routes served outside the OpenAPI document ↔ HIDDEN_CASES', () => {
    const documented = openApiOperations(OPENAPI);
    const swagger = w.t.app.swagger() as { paths: Record<string, object> };
    const served = Object.entries(swagger.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    // Undocumented /v1 routes that the served document has are the contract test's concern
    // (openapi.yaml must be regenerated); here: the routes hidden from the document.
    const hidden = appRoutes(w.t.app).filter((r) => !documented.includes(r) && !served.includes(r));
    const problems = coverageProblems(
      hidden,
      Object.keys(HIDDEN_CASES),
      'the routes the app serves outside the OpenAPI document',
      'HIDDEN_CASES in test/api/tenant-walls/public-cases.ts',
    );
    expect(problems, problems.join('\n')).toEqual([]);
  });
});

const ordered = (table: Record<string, WallCase>) =>
  ([1, 2, 3] as const).flatMap((phase) =>
    Object.entries(table).filter(([, c]) => c.phase === phase),
  );

describe("tenant B, with tenant A's ids, cursors and tokens", () => {
  for (const [operation, c] of ordered(CASES)) {
    it(`${operation}: ${c.proves}`, () => c.run(w));
    for (const more of c.also ?? []) it(`${operation}: ${more.proves}`, () => more.run(w));
  }

  it("leaves A's view unchanged, and A cannot see B's ticket", async () => {
    expect(await aView(w)).toEqual(before);
    const res = await w.a({ url: `/v1/tickets/${B_TICKET}` });
    expectError("A's GET of B's ticket", res, 404, 'not_found');
  });

  for (const [route, c] of ordered(HIDDEN_CASES)) {
    it(`${route} (outside openapi.yaml): ${c.proves}`, () => c.run(w));
  }
});
