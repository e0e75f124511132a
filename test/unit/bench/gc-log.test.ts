import { describe, expect, it } from 'vitest';
import { gcReport, parseGcLog } from '../../../bench/soak/gc-log.js';

// Lines as Node 20's --trace-gc prints them (from a soak's service log), with other output between.
const LOG = `{"level":40,"msg":"something the service logged"}
[8028:0x2c317ce0]    61000 ms: Scavenge 988.6 (1310.1) -> 904.5 (1306.6) MB, 58.32 / 0.03 ms  (average mu = 0.985, current mu = 0.981) task;
[8028:0x2c317ce0]    62000 ms: Mark-Compact 937.1 (1224.4) -> 226.1 (1161.0) MB, 63.20 / 0.19 ms  (+ 160.3 ms in 165 steps since start of marking, biggest step 12.9 ms, walltime since start of marking 440 ms) (average mu = 0.991, current mu = 0.992) finalize incremental marking via stack guard; GC in old space requested
[8028:0x2c317ce0]    90000 ms: Scavenge 300.0 (1310.1) -> 250.0 (1306.6) MB, 20.00 / 0.03 ms  (average mu = 0.985, current mu = 0.981) allocation failure;
[8028:0x2c317ce0]   100000 ms: Mark-Compact (reduce) 626.1 (1224.4) -> 220.0 (1161.0) MB, 30.00 / 0.19 ms  (+ 40.0 ms in 10 steps since start of marking, biggest step 12.9 ms, walltime since start of marking 440 ms) (average mu = 0.991, current mu = 0.992) finalize incremental marking via task
[8028:0x2c317ce0]   130000 ms: Mark-Compact 5.0 (26.8) -> 4.0 (28.6) MB, 5.00 / 0.64 ms  (average mu = 1.000, current mu = 1.000) last resort; GC in old space requested
`;

describe('bench/soak gc-log', () => {
  it('reads each collection: its kind, heap before and after, pause and marking steps', () => {
    expect(parseGcLog(LOG)).toEqual([
      { at: 61000, kind: 'scavenge', before: 988.6, after: 904.5, pause: 58.32, steps: 0 },
      { at: 62000, kind: 'mark-compact', before: 937.1, after: 226.1, pause: 63.2, steps: 160.3 },
      { at: 90000, kind: 'scavenge', before: 300, after: 250, pause: 20, steps: 0 },
      { at: 100000, kind: 'mark-compact', before: 626.1, after: 220, pause: 30, steps: 40 },
      { at: 130000, kind: 'mark-compact', before: 5, after: 4, pause: 5, steps: 0 },
    ]);
  });

  it('sums a minute at a time and derives promotion from the growth between mark-compacts', () => {
    const lines = gcReport(parseGcLog(LOG));
    expect(lines).toHaveLength(5); // header, minutes 1–3, the whole
    // minute 2 (61–120 s): two scavenges (58.32 + 20 ms), two mark-compacts
    // (626.1 − 226.1) MB in 38 s = 10.5 MB/s
    expect(lines[2]!.trim().split(/,?\s+/)).toEqual([
      '2',
      '2',
      '78',
      '20.0',
      '58.3',
      '2',
      '63+160',
      '30+40',
      '226',
      '220',
      '10.5',
    ]);
    // minute 3: a mark-compact and no scavenge
    expect(lines[3]!.trim().split(/,?\s+/)).toEqual([
      '3',
      '0',
      '0',
      '–',
      '–',
      '1',
      '5+0',
      '4',
      '-7.2',
    ]);
    expect(lines[4]).toMatch(/^all: 2 scavenges .* 3 mark-compacts .* promotion p50 /);
  });
});
