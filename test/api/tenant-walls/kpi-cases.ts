/**
 * Wall cases of the KPI API, answered both from the in-memory cube and from SQL: B's figures
 * count B's one open ticket only (A's counts are larger), B's groups and filters name none of
 * A's teams, agents, priorities, channels, categories or policies, and A's ETag sent by B in
 * If-None-Match does not make B's answer "not modified".
 */
import { expect } from 'vitest';
import { ownOnlyForB, rowsOf, sumOf, type WallCase } from './checks.js';
import { expectNoLeak } from './leaks.js';
import { A_AGENT, A_CATEGORY, A_TEAM, B_TEAM, RANGE } from './fixture.js';
import { KPI_URLS, type World } from './world.js';

interface Endpoint {
  name: string;
  /** The measure that counts tickets (or contacts) and B's own value of it. */
  measure: string;
  own: number;
  base: string;
  groups: string;
  /** The measure's value in an answer (backlog-trend: the largest period). */
  value?: (rows: Record<string, unknown>[]) => number;
}

const GROUPS = 'team,agent,priority,channel,category,policy';
const ENDPOINTS: Endpoint[] = [
  { name: 'sla', measure: 'achieved', own: 0, base: RANGE, groups: `${GROUPS},metric` },
  { name: 'fcr', measure: 'solved', own: 0, base: RANGE, groups: GROUPS },
  { name: 'handle-time', measure: 'contacts', own: 0, base: RANGE, groups: GROUPS },
  { name: 'volume', measure: 'created', own: 1, base: RANGE, groups: GROUPS },
  { name: 'backlog', measure: 'total', own: 1, base: 'as_of=2026-11-25T00:00:00Z', groups: GROUPS },
  {
    name: 'backlog-trend',
    measure: 'total',
    own: 1,
    base: RANGE,
    groups: GROUPS,
    value: (rows) => Math.max(0, ...rows.map((r) => Number(r.total))),
  },
];

function valueOf(e: Endpoint, rows: Record<string, unknown>[]): number {
  if (e.value) return e.value(rows);
  if (e.name === 'sla') return sumOf(rows, 'achieved') + sumOf(rows, 'breached');
  return sumOf(rows, e.measure);
}

async function kpiCase(w: World, e: Endpoint): Promise<void> {
  const extra =
    e.name === 'backlog'
      ? ['age=business', 'compare=previous_year']
      : ['interval=day', 'compare=previous_period'];
  const queries: Array<{ q: string; own: number; grouped: boolean }> = [
    { q: e.base, own: e.own, grouped: false },
    { q: `${e.base}&group_by=${e.groups}`, own: e.own, grouped: true },
    ...extra.map((x) => ({ q: `${e.base}&${x}&group_by=team`, own: e.own, grouped: true })),
    { q: `${e.base}&team=${A_TEAM}&group_by=team`, own: 0, grouped: true },
    { q: `${e.base}&agent=${A_AGENT}&category=${A_CATEGORY}`, own: 0, grouped: false },
  ];
  for (const via of ['cube', 'sql'] as const) {
    for (const { q, own, grouped } of queries) {
      const url = `/v1/kpis/${e.name}?${q}`;
      await ownOnlyForB(
        w,
        { url, via },
        {
          mode: grouped ? 'shows-a' : 'ok',
          check: (b, a) => {
            const mine = valueOf(e, rowsOf(b));
            expect(mine, `B's ${e.measure} in ${url} (${via}) counts B's data only`).toBe(own);
            expect(valueOf(e, rowsOf(a!)), `A's ${url} (${via})`).toBeGreaterThan(own);
            if (grouped && own > 0) expect(b.body).toContain(B_TEAM);
            const timing = String(b.headers['server-timing']);
            expect(timing.startsWith(`${via};`), `${url}: ${timing}`).toBe(true);
          },
        },
      );
    }
  }
}

/** B sends A's ETag for the same URL: B's own answer, not a 304. */
async function etagCase(w: World, e: Endpoint): Promise<void> {
  const url = KPI_URLS.find((u) => u.startsWith(`/v1/kpis/${e.name}?`))!;
  const etag = w.tokens.kpiEtags[url]!;
  for (const via of ['cube', 'sql'] as const) {
    const b = await w.b({ url, via, headers: { 'if-none-match': etag } });
    expect(
      b.statusCode,
      `the ETag ${etag} A was given for ${url} validates B's answer (${via}): a client that cached A's answer shows it to B`,
    ).toBe(200);
    expect(b.headers.etag, `B's ETag for ${url} equals A's`).not.toBe(etag);
    expect(valueOf(e, rowsOf(b))).toBe(e.own);
    await expectNoLeak(`GET ${url} with A's ETag (${via})`, b, w.forbidden);
  }
  // A and B differ in zone and data version, so their ETags differ whatever the ETag is made of;
  // twins of the same history do not.
  for (const via of ['cube', 'sql'] as const) {
    const twinEtag = String((await w.twins.a({ url, via })).headers.etag);
    const res = await w.twins.b({ url, via, headers: { 'if-none-match': twinEtag } });
    expect(
      res.statusCode,
      `TENANT WALL BREACHED: the ETag ${twinEtag} that tenant A got for GET ${url} (${via}) validates tenant B's answer (304 Not Modified): a client cache holding A's answer (a browser running the dashboard with B's key after A's, a BI tool's HTTP cache) shows A's figures as B's. KPI ETags hash the data version, query and zone but not the tenant (src/reporting/kpis/index.ts, etagOf), and responses carry no "Vary: Authorization"`,
    ).toBe(200);
    await expectNoLeak(`twin GET ${url} with the twin's ETag (${via})`, res, w.forbidden);
  }
}

export const KPI_CASES: Record<string, WallCase> = Object.fromEntries(
  ENDPOINTS.map((e) => [
    `GET /v1/kpis/${e.name}`,
    {
      proves: `B's ${e.name} figures (cube and SQL; grouped, filtered by A's values, compared) count B's data only`,
      phase: 1,
      run: (w: World) => kpiCase(w, e),
      also: [
        {
          proves:
            "an ETag minted for A, sent by B in If-None-Match, does not make B's answer a 304",
          run: (w: World) => etagCase(w, e),
        },
      ],
    } satisfies WallCase,
  ]),
);
