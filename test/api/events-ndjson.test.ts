/**
 * POST /v1/events with `application/x-ndjson` (events.md, Transport): one event a line, any
 * length, processed in batches of 5,000; errors by line number; a line that is not JSON is a 400
 * naming the line, after the lines before it were processed (unless atomic: then nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { ev, prefixes } from '../factories/events.js';

/** These tests cross batch boundaries: a small batch keeps them quick. */
const NDJSON_BATCH_SIZE = 5_000;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ ndjsonBatchSize: NDJSON_BATCH_SIZE });
});
afterAll(async () => t.close());

const fresh = prefixes();

const line = (id: string, over: Record<string, unknown> = {}) => JSON.stringify(ev(id, over));

function postNdjson(body: string, query = '') {
  return t.app.inject({
    method: 'POST',
    url: `/v1/events${query}`,
    headers: { ...t.auth('events:write'), 'content-type': 'application/x-ndjson' },
    payload: body,
  });
}

/** Ids of the tenant's stored events starting with `prefix`, in seq (arrival) order. */
async function storedIds(prefix: string): Promise<string[]> {
  const rows = await t.database.db
    .selectFrom('ticket_event')
    .select(['event_id', 'seq'])
    .where('tenant_id', '=', t.tenantId)
    .where('event_id', 'like', `${prefix}%`)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.event_id);
}

const ok = (accepted: number, duplicates = 0, rejected = 0, errors: unknown[] = []) => ({
  accepted,
  duplicates,
  rejected,
  errors,
});
const NO_OFFSET = 'must include a UTC offset (Z or ±hh:mm)';

describe('NDJSON bodies: counts, line numbers, stored rows', () => {
  interface Row {
    name: string;
    body: (p: string) => string;
    response: (p: string) => unknown;
    stored: (p: string) => string[];
  }
  const rows: Row[] = [
    {
      name: 'LF endings with a final newline',
      body: (p) => `${line(`${p}1`)}\n${line(`${p}2`)}\n${line(`${p}3`)}\n`,
      response: () => ok(3),
      stored: (p) => [`${p}1`, `${p}2`, `${p}3`],
    },
    {
      name: 'no final newline: the last line still counts',
      body: (p) => `${line(`${p}1`)}\n${line(`${p}2`)}`,
      response: () => ok(2),
      stored: (p) => [`${p}1`, `${p}2`],
    },
    {
      name: 'CRLF endings',
      body: (p) => `${line(`${p}1`)}\r\n${line(`${p}2`)}\r\n${line(`${p}3`)}\r\n`,
      response: () => ok(3),
      stored: (p) => [`${p}1`, `${p}2`, `${p}3`],
    },
    {
      name: 'blank and whitespace-only lines are skipped',
      body: (p) => `\n${line(`${p}1`)}\n\n   \n\t\r\n${line(`${p}2`)}\n\n`,
      response: () => ok(2),
      stored: (p) => [`${p}1`, `${p}2`],
    },
    {
      name: 'an invalid event is reported by its line number (no index)',
      body: (p) =>
        [line(`${p}1`), line(`${p}2`, { occurred_at: '2026-11-20T09:15:00' }), line(`${p}3`)].join(
          '\n',
        ),
      response: (p) =>
        ok(2, 0, 1, [{ line: 2, id: `${p}2`, path: '/occurred_at', message: NO_OFFSET }]),
      stored: (p) => [`${p}1`, `${p}3`],
    },
    {
      name: 'line numbers count the skipped blank lines',
      body: (p) =>
        ['', line(`${p}1`), '', '  ', line(`${p}5`, { type: 'ticket.nope' }), line(`${p}6`)].join(
          '\n',
        ),
      response: (p) =>
        ok(2, 0, 1, [
          {
            line: 5,
            id: `${p}5`,
            path: '/type',
            message: expect.stringMatching(/^must be one of /),
          },
        ]),
      stored: (p) => [`${p}1`, `${p}6`],
    },
    {
      name: 'line numbers with CRLF endings',
      body: (p) =>
        [
          line(`${p}1`),
          '',
          line(`${p}3`, { data: { priority: 'high', channel: 'email', tier: 0 } }),
        ].join('\r\n'),
      response: (p) =>
        ok(1, 0, 1, [{ line: 3, id: `${p}3`, path: '/data/tier', message: expect.any(String) }]),
      stored: (p) => [`${p}1`],
    },
    {
      name: 'a line of JSON that is not an object',
      body: (p) => [line(`${p}1`), '[1,2]', '42', line(`${p}4`)].join('\n'),
      response: () =>
        ok(2, 0, 2, [
          { line: 2, path: '', message: 'must be an object' },
          { line: 3, path: '', message: 'must be an object' },
        ]),
      stored: (p) => [`${p}1`, `${p}4`],
    },
    {
      name: 'unknown top-level field',
      body: (p) => JSON.stringify({ ...ev(`${p}1`), source: 'zd' }),
      response: (p) =>
        ok(0, 0, 1, [{ line: 1, id: `${p}1`, path: '/source', message: 'is not allowed' }]),
      stored: () => [],
    },
    {
      name: 'duplicates and conflicts inside the stream',
      body: (p) =>
        [line(`${p}1`), line(`${p}2`), line(`${p}1`), line(`${p}2`, { ticket_id: 'other' })].join(
          '\n',
        ),
      response: (p) =>
        ok(2, 1, 1, [
          { line: 4, id: `${p}2`, path: '/id', message: expect.stringMatching(/conflicts with/) },
        ]),
      stored: (p) => [`${p}1`, `${p}2`],
    },
    { name: 'an empty body', body: () => '', response: () => ok(0), stored: () => [] },
    { name: 'only blank lines', body: () => '\n\r\n  \n', response: () => ok(0), stored: () => [] },
  ];

  it.each(rows)('$name', async ({ body, response, stored }) => {
    const p = fresh('nd');
    const res = await postNdjson(body(p));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual(response(p));
    expect(await storedIds(p)).toEqual(stored(p));
  });

  it('a stream already stored is all duplicates when sent again', async () => {
    const p = fresh('ndre');
    const body = [line(`${p}1`), line(`${p}2`)].join('\n');
    expect((await postNdjson(body)).json()).toStrictEqual(ok(2));
    expect((await postNdjson(body)).json()).toStrictEqual(ok(0, 2));
    expect(await storedIds(p)).toEqual([`${p}1`, `${p}2`]);
  });

  it('?atomic=true with an invalid line → 422 with its line, nothing stored', async () => {
    const p = fresh('ndat');
    const body = [
      line(`${p}1`),
      line(`${p}2`, { occurred_at: '2026-11-20T09:15:00' }),
      line(`${p}3`),
    ].join('\n');
    const res = await postNdjson(body, '?atomic=true');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toStrictEqual({
      error: {
        code: 'batch_rejected',
        message: expect.any(String),
        request_id: expect.any(String) as string,
      },
      ...ok(0, 0, 1, [{ line: 2, id: `${p}2`, path: '/occurred_at', message: NO_OFFSET }]),
    });
    expect(await storedIds(p)).toEqual([]);
  });
});

describe('NDJSON streams longer than one batch', () => {
  it(`12,000 lines cross the ${NDJSON_BATCH_SIZE}-event batch size: all stored in line order; duplicates and conflicts across batches`, async () => {
    expect(NDJSON_BATCH_SIZE).toBe(5_000);
    const p = fresh('big');
    const ids = Array.from({ length: 12_000 }, (_, i) => `${p}${String(i + 1).padStart(5, '0')}`);
    const lines = ids.map((id) => line(id, { ticket_id: `T-${id.slice(-3)}` }));
    // Line 12,001 repeats line 1 (stored two batches earlier); line 12,002 changes line 2.
    lines.push(lines[0]!, line(ids[1]!, { ticket_id: 'T-changed' }));
    const res = await postNdjson(`${lines.join('\n')}\n`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toStrictEqual(
      ok(12_000, 1, 1, [
        { line: 12_002, id: ids[1], path: '/id', message: expect.stringMatching(/conflicts with/) },
      ]),
    );
    expect(await storedIds(p)).toEqual(ids);
  });

  it('a line that is not JSON after the first batch: earlier batches and lines stored, later lines not', async () => {
    const p = fresh('bigerr');
    const before = Array.from({ length: 5_002 }, (_, i) =>
      line(`${p}${String(i + 1).padStart(5, '0')}`),
    );
    const body = [...before, '{"id": "oops",', line(`${p}after`)].join('\n');
    const res = await postNdjson(body);
    expect(res.statusCode).toBe(400);
    const json = res.json();
    expect(json.error).toMatchObject({
      code: 'invalid_body',
      message: expect.stringMatching(/\bline 5003\b/),
    });
    const stored = await storedIds(p);
    expect(stored).toHaveLength(5_002);
    expect(stored).not.toContain(`${p}after`);
    // The 400 body still reports what was stored before the bad line.
    expect(json).toMatchObject(ok(5_002));
  });

  it('the same with ?atomic=true: 400 and nothing stored, though a full batch was already written', async () => {
    const p = fresh('bigatom');
    const before = Array.from({ length: 5_002 }, (_, i) =>
      line(`${p}${String(i + 1).padStart(5, '0')}`),
    );
    const body = [...before, 'not json', line(`${p}after`)].join('\n');
    const res = await postNdjson(body, '?atomic=true');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: {
        code: 'invalid_body',
        message: expect.stringMatching(/\bline 5003\b.*nothing was stored/),
        request_id: expect.any(String) as string,
      },
    });
    expect(await storedIds(p)).toEqual([]);
  });
});

describe('NDJSON lines that are not JSON', () => {
  interface Row {
    name: string;
    body: (p: string) => string;
    badLine: number;
    storedCount: number;
  }
  const rows: Row[] = [
    {
      name: 'truncated object on line 4',
      body: (p) =>
        [line(`${p}1`), line(`${p}2`), line(`${p}3`), '{"id": oops', line(`${p}5`)].join('\n'),
      badLine: 4,
      storedCount: 3,
    },
    {
      name: 'plain text on line 1',
      body: (p) => ['hello', line(`${p}2`)].join('\n'),
      badLine: 1,
      storedCount: 0,
    },
    {
      name: 'after blank lines, CRLF: line 4',
      body: (p) => [line(`${p}1`), '', '', '{,}', line(`${p}5`)].join('\r\n'),
      badLine: 4,
      storedCount: 1,
    },
    {
      name: 'two events on one line',
      body: (p) => [line(`${p}1`), `${line(`${p}2`)} ${line(`${p}3`)}`, line(`${p}4`)].join('\n'),
      badLine: 2,
      storedCount: 1,
    },
    {
      name: 'last line without newline',
      body: (p) => [line(`${p}1`), line(`${p}2`), '{"id":'].join('\n'),
      badLine: 3,
      storedCount: 2,
    },
  ];

  it.each(rows)(
    '$name → 400 naming the line; lines before it stored and counted',
    async ({ body, badLine, storedCount }) => {
      const p = fresh('syn');
      const res = await postNdjson(body(p));
      expect(res.statusCode).toBe(400);
      const json = res.json();
      expect(json.error.code).toBe('invalid_body');
      expect(json.error.message).toMatch(new RegExp(`^line ${badLine} is not valid JSON`));
      expect(await storedIds(p)).toHaveLength(storedCount);
      expect(json).toMatchObject(ok(storedCount));
    },
  );

  it.each(rows)(
    '$name with ?atomic=true → 400 naming the line; nothing stored',
    async ({ body, badLine }) => {
      const p = fresh('synat');
      const res = await postNdjson(body(p), '?atomic=true');
      expect(res.statusCode).toBe(400);
      const json = res.json();
      expect(json.error.code).toBe('invalid_body');
      expect(json.error.message).toMatch(
        new RegExp(`^line ${badLine} is not valid JSON.*nothing was stored`),
      );
      expect(await storedIds(p)).toEqual([]);
      expect(json).toMatchObject(ok(0));
    },
  );

  it('invalid events before the bad line are reported with their lines in the 400 body', async () => {
    const p = fresh('synerr');
    const body = [line(`${p}1`), line(`${p}2`, { type: 'nope' }), 'nope', line(`${p}4`)].join('\n');
    const res = await postNdjson(body);
    expect(res.statusCode).toBe(400);
    expect(await storedIds(p)).toEqual([`${p}1`]);
    expect(res.json()).toMatchObject({
      error: {
        code: 'invalid_body',
        message: expect.stringMatching(/^line 3 /),
        request_id: expect.any(String) as string,
      },
      ...ok(1, 0, 1, [{ line: 2, id: `${p}2`, path: '/type' }]),
    });
  });
});

describe('Server-Timing: where an ingest request spent its time', () => {
  it('names every phase once, with durations that add up to no more than the request', async () => {
    const p = fresh('ndst');
    const started = performance.now();
    const res = await postNdjson(`${line(`${p}1`)}\n${line(`${p}2`)}\n`);
    const elapsed = performance.now() - started;
    expect(res.statusCode).toBe(200);
    const phases = String(res.headers['server-timing'])
      .split(', ')
      .map((part) => /^(\w+);dur=(\d+\.\d)$/.exec(part));
    expect(phases.map((m) => m?.[1])).toEqual([
      'read',
      'begin',
      'store',
      'lock',
      'fold',
      'write',
      'version',
      'commit',
    ]);
    const total = phases.reduce((sum, m) => sum + Number(m![2]), 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(elapsed + 1);
  });

  it('adds up the phases of every batch of a long body', async () => {
    const p = fresh('ndsl');
    const body = Array.from({ length: NDJSON_BATCH_SIZE + 1 }, (_, i) => line(`${p}${i}`)).join(
      '\n',
    );
    const res = await postNdjson(body);
    expect(res.json()).toMatchObject({ accepted: NDJSON_BATCH_SIZE + 1 });
    const names = String(res.headers['server-timing'])
      .split(', ')
      .map((part) => part.split(';')[0]);
    // Two transactions, one entry a phase: the header sums them.
    expect(names).toHaveLength(8);
    expect(new Set(names).size).toBe(8);
  });
});
