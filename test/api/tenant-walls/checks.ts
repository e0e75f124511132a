/**
 * The kinds of case the wall test is made of, each one B request (and A's control request):
 *
 * - not found: B names one of A's ids → 404 with the error envelope, holding nothing of A's but
 *   the id B sent; A's same request is a 200 (with A's strings where the answer has any).
 * - own data only: B's 2xx shows none of A's strings (and B's own where B has some); A's same
 *   request shows A's strings, so the search in B's answer is meaningful.
 * - cursor replay: B sends a cursor or token A was given → rejected (400, the envelope) or
 *   answered with none of A's data.
 * - no tenant data: an operation that serves no tenant's data holds none of A's strings.
 */
import { expect } from 'vitest';
import { describeRequest, expectError, expectNoLeak, expectShowsA, textsOf } from './leaks.js';
import type { Req, Response, World } from './world.js';

/** How A's control answer is checked: it shows A's strings, or it merely succeeds. */
export type Control = 'shows-a' | 'ok' | 'none';

export async function control(w: World, req: Req, mode: Control): Promise<Response | undefined> {
  if (mode === 'none') return undefined;
  const res = await w.a(req);
  if (mode === 'shows-a') await expectShowsA(describeRequest(req), res);
  else expect(res.statusCode, `A's ${describeRequest(req)}: ${res.body.slice(0, 300)}`).toBe(200);
  return res;
}

/** B asks for one of A's objects by id (`sent`): 404, nothing of A's beyond that id. */
export async function notFoundForB(
  w: World,
  req: Req,
  sent: string[],
  mode: Control = 'shows-a',
): Promise<void> {
  await control(w, req, mode);
  const res = await w.b(req);
  expectError(`B's ${describeRequest(req)}`, res, 404, 'not_found');
  await expectNoLeak(describeRequest(req), res, w.forbidden, sent);
}

export interface OwnOnly {
  /** A string of B's own data the answer must show. */
  own?: string;
  mode?: Control;
  /** Further checks on B's answer (and A's, when controlled). */
  check?: (b: Response, a: Response | undefined) => void | Promise<void>;
  sent?: string[];
}

/** B's answer is a 2xx with none of A's strings. */
export async function ownOnlyForB(w: World, req: Req, o: OwnOnly = {}): Promise<Response> {
  const a = await control(w, req, o.mode ?? 'shows-a');
  const res = await w.b(req);
  const what = describeRequest(req);
  expect(res.statusCode, `B's ${what}: ${res.body.slice(0, 300)}`).toBe(200);
  await expectNoLeak(what, res, w.forbidden, o.sent ?? []);
  if (o.own !== undefined) {
    const texts = textsOf(res);
    expect(
      texts.some((t) => t.includes(o.own!)),
      `B's ${what} should show B's own "${o.own}"`,
    ).toBe(true);
  }
  await o.check?.(res, a);
  return res;
}

/** B replays a token of A's: a 400 with the envelope, or an answer with none of A's data. */
export async function replayForB(
  w: World,
  req: Req,
  expected: { status?: 400; path?: string } = {},
): Promise<Response> {
  const res = await w.b(req);
  const what = describeRequest(req);
  if (expected.status !== undefined || res.statusCode >= 400) {
    expectError(`B's ${what}`, res, expected.status ?? 400);
    if (expected.path)
      expect(res.json<{ error: { path: string } }>().error.path).toBe(expected.path);
  } else {
    expect(res.statusCode, `B's ${what}`).toBe(200);
  }
  await expectNoLeak(what, res, w.forbidden);
  return res;
}

/** A route serving no tenant data: with B's key and without a key, none of A's strings. */
export async function noTenantData(w: World, urls: string[]): Promise<void> {
  for (const url of urls) {
    for (const [who, res] of [
      ['B', await w.b({ url })],
      ['anonymous', await w.anonymous({ url })],
    ] as const) {
      expect(res.statusCode, `${who} GET ${url}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
      await expectNoLeak(`GET ${url} (${who})`, res, w.forbidden);
    }
  }
}

export type Row = Record<string, unknown>;
export const rowsOf = (res: Response): Row[] => res.json<{ rows: Row[] }>().rows;
export const sumOf = (rows: Row[], field: string): number =>
  rows.reduce((s, r) => s + (typeof r[field] === 'number' ? r[field] : 0), 0);

/** One operation's case: what it proves, when it runs, and the requests. */
export interface WallCase {
  /** What the case proves (the test's name). */
  proves: string;
  /**
   * 1: reads, before B writes anything under A's ids; 2: B's writes (afterwards B's own data
   * holds A's ids, so no read of B's follows); 3: routes without tenant data, last, so that
   * `/metrics` has counted every request.
   */
  phase: 1 | 2 | 3;
  run(w: World): Promise<void>;
  /** Further checks of the operation, each a test of its own, right after `run`. */
  also?: Array<{ proves: string; run(w: World): Promise<void> }>;
}
