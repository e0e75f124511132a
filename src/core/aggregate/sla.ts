/**
 * SLA compliance contributions (spec: metrics.md, "SLA clocks", "Compliance").
 *
 * An instance counts when it is decided: achieved at its `stopped_at`, breached at its
 * `breached_at`, attributed to the ticket's team/agent/priority/channel/category/policy at
 * that instant, per metric. `compliance = achieved / (achieved + breached)`. Undecided clocks
 * (active or paused within target) contribute nothing; readers add clocks still running past
 * `due_at` at query time from the clock table. A breached clock that is still running counts
 * as breached from `breached_at`; its elapsed business time joins `elapsed_business_ms` (with
 * `stopped`, the sample size of that sum) and the `sla_sketch` percentiles once it stops.
 */
import type { DerivedTicket } from '../ticket/derive.js';
import { toMs } from './dims.js';
import { sketchBin } from './sketch.js';
import { bucketOf, type Contribution } from './types.js';

export function slaContributions(d: DerivedTicket): Contribution[] {
  const rows: Contribution[] = [];
  for (const clock of d.clocks) {
    const decision = clock.decision;
    if (decision === null) continue;
    const stopped = clock.stopped_at !== null;
    const bucket = bucketOf(decision.at);
    const dims = {
      team: decision.team ?? null,
      agent: decision.agent ?? null,
      priority: decision.priority ?? null,
      channel: decision.channel ?? null,
      category: decision.category ?? null,
      policy: decision.policy_id ?? null,
      metric: clock.metric ?? null,
    };
    const elapsed = stopped ? toMs(clock.elapsed_business_seconds) : 0;
    rows.push({
      kind: 'sla',
      bucket,
      dims,
      measures: {
        achieved: clock.status === 'achieved' ? 1 : 0,
        breached: clock.status === 'breached' ? 1 : 0,
        stopped: stopped ? 1 : 0,
        elapsed_business_ms: elapsed,
      },
    });
    // The percentiles' sample is the averages': decided clocks that have stopped.
    if (stopped) {
      rows.push({
        kind: 'sla_sketch',
        bucket,
        dims: { ...dims, bin: sketchBin(elapsed) },
        measures: { n: 1 },
      });
    }
  }
  return rows;
}
