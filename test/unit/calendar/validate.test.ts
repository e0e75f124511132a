/**
 * `validateCalendarDefinition`: every rule of calendars.md's "Definition" section, with the
 * JSON-pointer path each error must carry. Each row names the input and the expected paths.
 */
import { describe, expect, it } from 'vitest';

import { validateCalendarDefinition } from '../../../src/core/calendar/index.js';

const base = { timezone: 'Europe/Warsaw', weekly: { mon: [['09:00', '17:00']] } };

function errorPaths(input: unknown): string[] {
  const result = validateCalendarDefinition(input);
  return result.ok ? [] : result.errors.map((error) => error.path);
}

function messageAt(input: unknown, path: string): string | undefined {
  const result = validateCalendarDefinition(input);
  return result.ok ? undefined : result.errors.find((error) => error.path === path)?.message;
}

describe('validateCalendarDefinition', () => {
  it('accepts the example of calendars.md and drops effective_from (the API layer owns it)', () => {
    const example = {
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
        sat: [],
        sun: [],
      },
      exceptions: [
        { date: '2026-12-24', hours: [['08:00', '12:00']], name: 'Christmas Eve' },
        { date: '2026-12-25', hours: [], name: 'Christmas' },
      ],
      holidays: { country: 'PL' },
      effective_from: '2026-01-01T00:00:00Z',
    };
    const result = validateCalendarDefinition(example);
    const { effective_from: _ignored, ...definition } = example;
    expect(result).toEqual({ ok: true, value: definition });
  });

  it.each([['UTC'], ['Etc/GMT+2'], ['Asia/Kathmandu'], ['Pacific/Chatham']])(
    'accepts the IANA zone %s',
    (timezone) => {
      expect(validateCalendarDefinition({ ...base, timezone }).ok).toBe(true);
    },
  );

  it.each([
    ['24:00 as an end', [['20:00', '24:00']]],
    ['24:00:00 as an end', [['20:00:00', '24:00:00']]],
    ['seconds', [['08:59:30', '17:00:15']]],
    ['a crossing interval', [['22:00', '06:00']]],
    ['no intervals', []],
    ['48 intervals', Array.from({ length: 48 }, () => ['09:00', '10:00'])],
  ])('accepts %s', (_label, mon) => {
    expect(validateCalendarDefinition({ ...base, weekly: { mon } }).ok).toBe(true);
  });

  it.each([
    ['not an object', 'Europe/Warsaw', ['']],
    ['missing timezone', { weekly: {} }, ['/timezone']],
    ['a fixed offset +02:00', { ...base, timezone: '+02:00' }, ['/timezone']],
    ['a fixed offset UTC+2', { ...base, timezone: 'UTC+2' }, ['/timezone']],
    ['an unknown zone', { ...base, timezone: 'Mars/Olympus' }, ['/timezone']],
    ['missing weekly', { timezone: 'UTC' }, ['/weekly']],
    // The input domain (issue 11): sizes and dates a version may hold.
    ['a name of 257 characters', { ...base, name: 'n'.repeat(257) }, ['/name']],
    ['a name with NUL', { ...base, name: 'a\u0000b' }, ['/name']],
    [
      '49 intervals on a day',
      { ...base, weekly: { mon: Array.from({ length: 49 }, () => ['09:00', '10:00']) } },
      ['/weekly/mon'],
    ],
    [
      'an exception in 1969',
      { ...base, exceptions: [{ date: '1969-12-31', hours: [] }] },
      ['/exceptions/0/date'],
    ],
    [
      'an exception in 2200',
      { ...base, exceptions: [{ date: '2200-01-01', hours: [] }] },
      ['/exceptions/0/date'],
    ],
    [
      '5,001 exceptions',
      {
        ...base,
        exceptions: Array.from({ length: 5001 }, (_, i) => ({
          date: new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10),
          hours: [],
        })),
      },
      ['/exceptions'],
    ],
    [
      'an exception name with an unpaired surrogate',
      { ...base, exceptions: [{ date: '2026-12-24', hours: [], name: '\udc00' }] },
      ['/exceptions/0/name'],
    ],
    ['an unknown weekday', { ...base, weekly: { monday: [] } }, ['/weekly/monday']],
    ['a day that is not an array', { ...base, weekly: { tue: '09:00-17:00' } }, ['/weekly/tue']],
    [
      'an interval that is not a pair',
      { ...base, weekly: { mon: [['09:00']] } },
      ['/weekly/mon/0'],
    ],
    ['H:MM', { ...base, weekly: { mon: [['9:00', '17:00']] } }, ['/weekly/mon/0/0']],
    ['minute 60', { ...base, weekly: { mon: [['09:00', '17:60']] } }, ['/weekly/mon/0/1']],
    ['second 60', { ...base, weekly: { mon: [['09:00:60', '17:00']] } }, ['/weekly/mon/0/0']],
    [
      '24:00 as a start',
      {
        ...base,
        weekly: {
          wed: [
            ['08:00', '12:00'],
            ['24:00', '06:00'],
          ],
        },
      },
      ['/weekly/wed/1/0'],
    ],
    ['24:01 as an end', { ...base, weekly: { mon: [['09:00', '24:01']] } }, ['/weekly/mon/0/1']],
    ['a number as a time', { ...base, weekly: { mon: [[9, '17:00']] } }, ['/weekly/mon/0/0']],
    ['an unknown top-level key (escaped)', { ...base, 'time/zone': 'x' }, ['/time~1zone']],
    ['a non-string name', { ...base, name: 42 }, ['/name']],
    ['exceptions not an array', { ...base, exceptions: {} }, ['/exceptions']],
    [
      'an impossible date',
      { ...base, exceptions: [{ date: '2026-02-30', hours: [] }] },
      ['/exceptions/0/date'],
    ],
    [
      'a date without padding',
      { ...base, exceptions: [{ date: '2026-2-3', hours: [] }] },
      ['/exceptions/0/date'],
    ],
    [
      'an exception without hours',
      { ...base, exceptions: [{ date: '2026-12-24' }] },
      ['/exceptions/0/hours'],
    ],
    [
      'a bad exception time',
      { ...base, exceptions: [{ date: '2026-12-24', hours: [['08:00', '25:00']] }] },
      ['/exceptions/0/hours/0/1'],
    ],
    [
      'an unknown exception key',
      { ...base, exceptions: [{ date: '2026-12-24', hours: [], closed: true }] },
      ['/exceptions/0/closed'],
    ],
    [
      'a duplicate exception date',
      {
        ...base,
        exceptions: [
          { date: '2026-12-24', hours: [] },
          { date: '2026-12-25', hours: [] },
          { date: '2026-12-24', hours: [['08:00', '12:00']] },
        ],
      },
      ['/exceptions/2/date'],
    ],
    ['an unknown holiday country', { ...base, holidays: { country: 'XX' } }, ['/holidays/country']],
    ['a lower-case country', { ...base, holidays: { country: 'pl' } }, ['/holidays/country']],
    [
      'an unknown region',
      { ...base, holidays: { country: 'DE', region: 'ZZ' } },
      ['/holidays/region'],
    ],
    [
      'an unknown holidays key',
      { ...base, holidays: { country: 'PL', state: 'x' } },
      ['/holidays/state'],
    ],
    ['holidays not an object', { ...base, holidays: 'PL' }, ['/holidays']],
  ])('rejects %s', (_label, input, paths) => {
    expect(errorPaths(input)).toEqual(paths);
  });

  it('reports every error at once', () => {
    const input = {
      timezone: 'UTC+2',
      weekly: { mon: [['24:00', '09:00']], xyz: [] },
      exceptions: [{ date: 'tomorrow', hours: [] }],
      holidays: { country: 'PL', region: 'MZ' },
    };
    expect(errorPaths(input)).toEqual([
      '/timezone',
      '/weekly/mon/0/0',
      '/weekly/xyz',
      '/exceptions/0/date',
      '/holidays/region',
    ]);
  });

  it('explains what is wrong', () => {
    expect(messageAt({ ...base, timezone: '+02:00' }, '/timezone')).toMatch(/fixed UTC offsets/);
    expect(
      messageAt({ ...base, weekly: { mon: [['24:00', '06:00']] } }, '/weekly/mon/0/0'),
    ).toMatch(/only allowed as an interval end/);
    expect(
      messageAt(
        {
          ...base,
          exceptions: [
            { date: '2026-12-24', hours: [] },
            { date: '2026-12-24', hours: [] },
          ],
        },
        '/exceptions/1/date',
      ),
    ).toMatch(/duplicate exception date 2026-12-24 \(also at \/exceptions\/0\/date\)/);
  });

  // Regression (issue 17, the contract fuzzer): an exception date of 10,000 nested arrays
  // overflowed the stack — `String(date)` recurses through Array#toString — and PUT
  // /v1/calendars/{id} answered 500.
  it('reports an exception date of 10,000 nested arrays instead of overflowing the stack', () => {
    let deep: unknown = [];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(errorPaths({ ...base, exceptions: [{ date: deep, hours: [] }] })).toEqual([
      '/exceptions/0/date',
    ]);
  });

  it('accepts holidays: null and a known region', () => {
    expect(validateCalendarDefinition({ ...base, holidays: null }).ok).toBe(true);
    expect(
      validateCalendarDefinition({ ...base, holidays: { country: 'DE', region: 'BY' } }).ok,
    ).toBe(true);
  });
});
