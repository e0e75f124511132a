/**
 * The text forms the text writers share: ISO timestamps equal to Date#toISOString over the years
 * 0000–9999 (the date cache included), and floats as PostgreSQL prints float8 — the same digits
 * as String(n), which read back to the same number, laid out PostgreSQL's way.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTimestamp, pgFloat } from '../../../src/exports/text.js';

const YEAR_0 = Date.parse('0000-01-01T00:00:00.000Z');
const YEAR_10000 = Date.parse('9999-12-31T23:59:59.999Z');

describe('isoTimestamp', () => {
  it('equals Date#toISOString for instants of years 0000–9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: YEAR_0, max: YEAR_10000 }), (ms) => {
        expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('handles day edges, leap days and instants sharing a cache slot', () => {
    const cases = [
      0,
      -1,
      1,
      86_399_999,
      86_400_000,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(1900, 1, 28),
      Date.UTC(2100, 2, 1),
      Date.UTC(1969, 11, 31, 12),
      // 4096 days apart: the same slot of the date cache, different dates.
      Date.UTC(2026, 0, 1),
      Date.UTC(2026, 0, 1) + 4096 * 86_400_000,
      Date.UTC(2026, 0, 1, 1),
    ];
    for (const ms of cases) expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
  });
});

describe('pgFloat', () => {
  it('is String(n) where PostgreSQL and JavaScript lay floats out alike', () => {
    for (const n of [0, 1830.2, 0.1, -0.5, 1e-4, 0.000123, 123456789012345.6, 99.99, 1 / 3]) {
      expect(pgFloat(n)).toBe(String(n));
    }
  });

  it('uses exponents below 1e-4 and from 1e15, two digits at least, and keeps -0', () => {
    expect(pgFloat(1e-5)).toBe('1e-05');
    expect(pgFloat(-1.5e-7)).toBe('-1.5e-07');
    expect(pgFloat(1e15)).toBe('1e+15');
    expect(pgFloat(1.2345e21)).toBe('1.2345e+21');
    expect(pgFloat(5e-324)).toBe('5e-324');
    expect(pgFloat(1.7976931348623157e308)).toBe('1.7976931348623157e+308');
    expect(pgFloat(-0)).toBe('-0');
  });

  it('reads back to the same number', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(Object.is(Number(pgFloat(n)), n)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });
});
