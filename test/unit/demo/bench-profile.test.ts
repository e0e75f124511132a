/**
 * bench/kpis generates its help desk with src/demo's generator (BENCH_PROFILE). Moving the
 * generator there must not change a single event: the benchmark's cached databases are keyed by
 * GENERATOR_VERSION, which stays 1. The hash below is of the events the benchmark's own generator
 * gave before the move (5,000 tickets, its default seed); 20,000 tickets were compared too
 * (146,055 events, sha256 bff9a6cf…). A change to the generator or the profile that changes it
 * must come with a new GENERATOR_VERSION and a new hash here.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DATA_FROM,
  DATA_TO,
  GENERATOR_VERSION,
  generateEvents,
} from '../../../bench/kpis/generate.js';

function digest(tickets: number, seed: number): { events: number; sha256: string } {
  const hash = createHash('sha256');
  let events = 0;
  for (const e of generateEvents({ tickets, seed })) {
    hash.update(`${e.at} ${e.ticket} ${e.line}\n`);
    events++;
  }
  return { events, sha256: hash.digest('hex') };
}

describe('bench/kpis on the shared generator', () => {
  it('gives exactly the events of generator version 1', () => {
    expect(GENERATOR_VERSION).toBe(1);
    expect([new Date(DATA_FROM).toISOString(), new Date(DATA_TO).toISOString()]).toEqual([
      '2024-12-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ]);
    expect(digest(5_000, 20261203)).toEqual({
      events: 36_941,
      sha256: 'a16546b97a56548349a0b0ca34f49c21ea0a14ec2baa31ac358014436f83680a',
    });
  });
});
