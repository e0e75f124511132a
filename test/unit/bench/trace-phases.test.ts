import { describe, expect, it } from 'vitest';
import { ingestPhases } from '../../../bench/soak/trace.js';

describe('bench/soak trace: an ingest request’s phases', () => {
  it('puts the lane wait first, then the Server-Timing phases', () => {
    const phases = ingestPhases(12.5, 'read;dur=3.1, begin;dur=0.4, commit;dur=1200.0');
    expect([...phases]).toEqual([
      ['queue', 12.5],
      ['read', 3.1],
      ['begin', 0.4],
      ['commit', 1200],
    ]);
  });

  it('keeps the lane wait alone when the answer had no Server-Timing', () => {
    expect([...ingestPhases(0, null)]).toEqual([['queue', 0]]);
    expect([...ingestPhases(3, 'garbage, ;dur=1')]).toEqual([['queue', 3]]);
  });
});
