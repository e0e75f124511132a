/**
 * Calendar endpoints (calendars.md, api.md): versions by PUT, business time and due dates through
 * the API, on DST days, midnight-crossing shifts, exceptions and across version boundaries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const WARSAW = {
  name: 'Warsaw office',
  timezone: 'Europe/Warsaw',
  weekly: {
    mon: [
      ['08:00', '12:00'],
      ['13:00', '17:00'],
    ],
    tue: [['08:00', '17:00']],
    wed: [['08:00', '17:00']],
    thu: [['08:00', '17:00']],
    fri: [['22:00', '06:00']],
  },
  exceptions: [
    { date: '2026-12-24', hours: [['08:00', '12:00']], name: 'Christmas Eve' },
    { date: '2026-12-25', hours: [], name: 'Christmas' },
  ],
  holidays: { country: 'PL' },
  effective_from: '2026-01-01T00:00:00Z',
};

async function put(
  id: string,
  body: unknown,
  scope: 'config:write' | 'reports:read' = 'config:write',
) {
  return t.app.inject({
    method: 'PUT',
    url: `/v1/calendars/${id}`,
    headers: t.auth(scope),
    payload: body as object,
  });
}

async function businessTime(id: string, from: string, to: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/calendars/${id}/business-time?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
    headers: t.auth('reports:read'),
  });
  return res;
}

async function add(id: string, from: string, seconds: number) {
  return t.app.inject({
    method: 'GET',
    url: `/v1/calendars/${id}/add?from=${encodeURIComponent(from)}&seconds=${seconds}`,
    headers: t.auth('reports:read'),
  });
}

describe('PUT/GET /v1/calendars', () => {
  it('stores versions and lists them with the one in force', async () => {
    const first = await put('warsaw', WARSAW);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      id: 'warsaw',
      built_in: false,
      current: { version: 1 },
      versions: [{ version: 1 }],
    });
    const second = await put('warsaw', {
      ...WARSAW,
      weekly: { ...WARSAW.weekly, sat: [['10:00', '14:00']] },
      effective_from: '2027-01-01T00:00:00+01:00',
    });
    expect(second.statusCode).toBe(200);
    const got = await t.app.inject({
      method: 'GET',
      url: '/v1/calendars/warsaw',
      headers: t.auth('reports:read'),
    });
    expect(
      got
        .json()
        .versions.map((v: { version: number; effective_from: string }) => [
          v.version,
          v.effective_from,
        ]),
    ).toEqual([
      [1, '2026-01-01T00:00:00.000Z'],
      [2, '2026-12-31T23:00:00.000Z'],
    ]);
    const list = await t.app.inject({
      method: 'GET',
      url: '/v1/calendars',
      headers: t.auth('reports:read'),
    });
    expect(
      list
        .json()
        .calendars.map((c: { id: string }) => c.id)
        .sort(),
    ).toEqual(['24x7', 'warsaw']);
  });

  it.each([
    ['unknown zone', { ...WARSAW, timezone: 'Mars/Olympus' }, '/timezone'],
    ['fixed offset', { ...WARSAW, timezone: '+02:00' }, '/timezone'],
    ['bad time', { ...WARSAW, weekly: { mon: [['8am', '17:00']] } }, '/weekly/mon/0/0'],
    [
      'effective_from without offset',
      { ...WARSAW, effective_from: '2026-01-01T00:00:00' },
      '/effective_from',
    ],
    ['unknown key', { ...WARSAW, colour: 'red' }, '/colour'],
  ])('rejects %s with a 400 naming the field', async (_name, body, path) => {
    const res = await put('bad', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.path).toBe(path);
  });

  it('refuses to redefine the built-in 24x7 and needs config:write', async () => {
    expect((await put('24x7', WARSAW)).statusCode).toBe(400);
    expect((await put('other', WARSAW, 'reports:read')).statusCode).toBe(403);
  });

  it('answers 404 for an unknown calendar', async () => {
    const res = await businessTime('nope', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z');
    expect(res.statusCode).toBe(404);
  });
});

describe('business time through the API', () => {
  beforeAll(async () => {
    await put('ny', {
      timezone: 'America/New_York',
      weekly: { sun: [['00:00', '24:00']], mon: [['09:00', '17:00']] },
      effective_from: '2020-01-01T00:00:00Z',
    });
  });

  it.each([
    // [calendar, from, to, business seconds, why]
    [
      'warsaw',
      '2026-11-16T00:00:00+01:00',
      '2026-11-17T00:00:00+01:00',
      8 * 3600,
      'Monday with a lunch break',
    ],
    [
      'warsaw',
      '2026-11-20T23:00:00+01:00',
      '2026-11-21T12:00:00+01:00',
      7 * 3600,
      'Friday 22:00–06:00 runs into Saturday',
    ],
    [
      'warsaw',
      '2026-11-10T00:00:00+01:00',
      '2026-11-12T00:00:00+01:00',
      9 * 3600,
      'Nov 11 is a PL public holiday',
    ],
    [
      'warsaw',
      '2026-12-24T00:00:00+01:00',
      '2026-12-26T00:00:00+01:00',
      4 * 3600,
      'short Christmas Eve, closed Christmas',
    ],
    [
      'ny',
      '2026-11-01T00:00:00-04:00',
      '2026-11-02T00:00:00-05:00',
      25 * 3600,
      'fall-back Sunday lasts 25 h',
    ],
    [
      'ny',
      '2026-03-08T00:00:00-05:00',
      '2026-03-09T00:00:00-04:00',
      23 * 3600,
      'spring-forward Sunday lasts 23 h',
    ],
    ['24x7', '2026-01-01T00:00:00Z', '2026-01-01T00:00:01.5Z', 1.5, 'built-in, milliseconds kept'],
    [
      'warsaw',
      '2026-11-17T00:00:00+01:00',
      '2026-11-16T00:00:00+01:00',
      -8 * 3600,
      'reversed span is negative',
    ],
  ])('%s %s → %s = %s s (%s)', async (id, from, to, expected) => {
    const res = await businessTime(id, from, to);
    expect(res.statusCode).toBe(200);
    expect(res.json().business_seconds).toBe(expected);
    expect(res.json().calendar_seconds).toBe((Date.parse(to) - Date.parse(from)) / 1000);
  });

  it('counts each side of a version boundary by its own version', async () => {
    // v2 from 2027-01-01 (Warsaw midnight) opens Saturdays 10–14; Sat 2026-12-26 counts by v1 (closed).
    expect(
      (
        await businessTime('warsaw', '2026-12-26T00:00:00+01:00', '2026-12-27T00:00:00+01:00')
      ).json().business_seconds,
    ).toBe(0);
    expect(
      (
        await businessTime('warsaw', '2027-01-02T00:00:00+01:00', '2027-01-03T00:00:00+01:00')
      ).json().business_seconds,
    ).toBe(4 * 3600);
  });

  it.each([
    [
      'warsaw',
      '2026-11-16T16:00:00+01:00',
      3600,
      '2026-11-16T16:00:00.000Z',
      'runs out exactly at closing: that instant',
    ],
    [
      'warsaw',
      '2026-11-16T16:00:00+01:00',
      3601,
      '2026-11-17T07:00:01.000Z',
      'one second more: next morning',
    ],
    [
      'warsaw',
      '2026-11-16T11:30:00+01:00',
      3600,
      '2026-11-16T12:30:00.000Z',
      'lunch break skipped',
    ],
    [
      'warsaw',
      '2026-11-14T10:00:00+01:00',
      0,
      '2026-11-14T09:00:00.000Z',
      'add 0 is the start itself, even when closed',
    ],
  ])('add on %s from %s + %s s = %s (%s)', async (id, from, seconds, due) => {
    const res = await add(id, from, seconds);
    expect(res.statusCode).toBe(200);
    expect(res.json().due_at).toBe(due);
  });

  it.each([
    [
      '/v1/calendars/warsaw/business-time?from=2026-01-01T00:00:00&to=2026-01-02T00:00:00Z',
      '/from',
    ],
    ['/v1/calendars/warsaw/business-time?from=2026-01-01T00:00:00Z', '/to'],
    ['/v1/calendars/warsaw/add?from=2026-01-01T00:00:00Z&seconds=-5', '/seconds'],
    ['/v1/calendars/warsaw/add?from=2026-01-01T00:00:00Z&seconds=abc', '/seconds'],
  ])('GET %s → 400 naming %s', async (url, path) => {
    const res = await t.app.inject({ method: 'GET', url, headers: t.auth('reports:read') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.path).toBe(path);
  });
});
