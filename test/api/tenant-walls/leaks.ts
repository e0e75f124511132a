/**
 * What a response shows, as text to search: the body (UTF-8 and byte for byte), every header,
 * the rows of binary formats decoded (Parquet pages are compressed, XLSX is a zip), and every
 * cursor decoded from base64url (a cursor could carry another tenant's ids). And the checks
 * every case is made of: no string of A's in anything B receives, the error envelope, and the
 * control that A's own answer to the same request does show A's strings (so a search that finds
 * nothing in B's answer means something).
 */
import { expect } from 'vitest';
import { readParquet } from 'parquet-wasm';
import XLSX from 'xlsx';
import { decodeArrow } from '../../support/decoders.js';
import { A_SECRET } from './fixture.js';
import type { Response } from './world.js';

const json = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));

function xlsxTexts(bytes: Buffer): string[] {
  const book = XLSX.read(bytes, { type: 'buffer', cellDates: true });
  return [
    json(book.Props ?? {}),
    ...book.SheetNames.map((n) => `${n}\n${XLSX.utils.sheet_to_csv(book.Sheets[n]!)}`),
  ];
}

/** Decoded rows of the binary formats. */
function decoded(res: Response): string[] {
  const type = String(res.headers['content-type'] ?? '');
  const bytes = res.rawPayload;
  if (bytes.length === 0) return [];
  if (type.includes('parquet')) {
    // parquet-wasm reads the pages back into Arrow (in process: DuckDB per response is slow).
    const { rows, fields } = decodeArrow(readParquet(bytes).intoIPCStream());
    return [json(rows), json(fields.map((f) => f.name))];
  }
  if (type.includes('arrow')) {
    const { rows, fields } = decodeArrow(bytes);
    return [json(rows), json(fields.map((f) => f.name))];
  }
  if (type.includes('spreadsheetml')) return xlsxTexts(bytes);
  return [];
}

/** Cursors in headers and bodies, decoded. */
function decodedTokens(texts: string[]): string[] {
  const tokens = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(/(?:next_cursor"\s*:\s*"|x-next-cursor: )([A-Za-z0-9_-]{8,})/g))
      tokens.add(m[1]!);
  }
  return [...tokens].map((t) => `cursor ${t} = ${Buffer.from(t, 'base64url').toString('utf8')}`);
}

/** Everything a response shows, as text. */
export function textsOf(res: Response): string[] {
  const headers = Object.entries(res.headers).map(([k, v]) => `${k}: ${String(v)}`);
  const texts = [
    res.rawPayload.toString('utf8'),
    res.rawPayload.toString('latin1'),
    ...headers,
    ...decoded(res),
  ];
  return [...texts, ...decodedTokens(texts)];
}

/** The forbidden strings found in `texts` (after blanking the `allowed` ones), with context. */
export function leaksIn(texts: string[], forbidden: string[], allowed: string[] = []): string[] {
  const found: string[] = [];
  for (let text of texts) {
    for (const a of [...allowed].sort((x, y) => y.length - x.length))
      text = text.replaceAll(a, '<own>');
    for (const f of forbidden) {
      const at = text.indexOf(f);
      if (at >= 0)
        found.push(`"${f}" in …${text.slice(Math.max(0, at - 60), at + f.length + 60)}…`);
    }
  }
  return [...new Set(found)];
}

export function describeRequest(req: { method?: string; url: string }): string {
  return `${req.method ?? 'GET'} ${req.url}`;
}

/**
 * Fails, naming what leaked, when B's response shows any of A's strings — `allowed` are the
 * strings B sent itself (a write of B's under one of A's ids answers with that id).
 */
export async function expectNoLeak(
  what: string,
  res: Response,
  forbidden: string[],
  allowed: string[] = [],
): Promise<void> {
  const leaks = leaksIn(textsOf(res), forbidden, allowed);
  expect(
    leaks,
    `TENANT WALL BREACHED: tenant B's ${what} (status ${res.statusCode}) shows tenant A's data:\n${leaks.join('\n')}`,
  ).toEqual([]);
}

/** The control: A's answer to the same request shows A's strings in this format. */
export async function expectShowsA(what: string, res: Response): Promise<void> {
  expect(res.statusCode, `A's ${what}: ${res.body.slice(0, 300)}`).toBeLessThan(300);
  const texts = textsOf(res);
  expect(
    texts.some((t) => t.includes(A_SECRET)),
    `control: A's own ${what} should show A's strings, or the search of B's answer proves nothing`,
  ).toBe(true);
}

/** `{ "error": { "code", "message", "path"?, "request_id" } }` with the status. */
export function expectError(what: string, res: Response, status: number, code?: string): void {
  expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBe(status);
  const body = res.json<{ error: Record<string, unknown> }>();
  expect(Object.keys(body), what).toEqual(['error']);
  expect(body.error, what).toMatchObject({
    code: code ?? expect.any(String),
    message: expect.any(String),
  });
  for (const k of Object.keys(body.error)) {
    expect(['code', 'message', 'path', 'request_id'], what).toContain(k);
  }
  expect(body.error.request_id, what).toBe(res.headers['x-request-id']);
}
