import { afterEach, describe, expect, it, vi } from 'vitest';
import { PhaseTimings } from '../../../src/ingest/phase-timings.js';

describe('PhaseTimings', () => {
  afterEach(() => vi.restoreAllMocks());

  it('adds each lap to its phase, in the order the phases first ended', () => {
    const clock = vi.spyOn(performance, 'now');
    clock.mockReturnValueOnce(1000); // construction
    const timings = new PhaseTimings();
    for (const at of [1012.25, 1015, 1040, 1041.5]) clock.mockReturnValueOnce(at);
    timings.lap('read');
    timings.lap('store');
    timings.lap('read');
    timings.lap('commit');
    expect(timings.header()).toBe('read;dur=37.3, store;dur=2.8, commit;dur=1.5');
  });

  it('is empty before the first lap', () => {
    expect(new PhaseTimings().header()).toBe('');
  });
});
