/**
 * The first half of every answer: plan the query over UTC days and scan what the base level must
 * give — every day when the query filters or groups by two or more columns; otherwise only the
 * buckets of split days not taken from the day level (whose share is listed in `runs`).
 */
import { Groups, masksOf } from './groups.js';
import type { KindCube } from './kind-cube.js';
import { dayLevelShare, extendRuns, planQuery, type DayRun } from './plan.js';
import { ScanContext, scanSplit, scanWhole, SumSink, TripleSink } from './scan.js';
import type { CubeQuery } from './types.js';

export interface Scanned {
  groups: Groups;
  /** The SQL period index of period offset 0. */
  pMin: number;
  /** The day level's share, per run of days and period offset (undefined: not used). */
  runs: DayRun[] | undefined;
  sink: SumSink | TripleSink;
}

/** Plans `q` and scans the base level; undefined when the answer is empty. */
export function scanQuery(cube: KindCube, q: CubeQuery): Scanned | undefined {
  const plan = planQuery(q);
  if (plan.nP <= 0) return undefined;
  const groups = new Groups(cube.spec, cube.dicts, q.groupBy, plan.nP);
  const masks = masksOf(cube.spec, cube.dicts, q);
  if (masks === null) return undefined;
  const runs = masks.length === 0 && groups.dims.length <= 1 ? [] : undefined;
  const sink = cube.spec.sketch ? new TripleSink() : new SumSink(cube.spec.measures.length);
  const ctx = new ScanContext(groups, masks, sink);
  for (const task of plan.days) {
    const part = cube.parts.get(task.day);
    if (part === undefined) continue;
    if (task.labels === null) {
      if (runs !== undefined) extendRuns(runs, task.whole, task.day);
      else scanWhole(ctx, part, task.whole);
      continue;
    }
    const base = runs !== undefined ? dayLevelShare(part, task.labels) : -1;
    if (base >= 0) extendRuns(runs!, base, task.day);
    scanSplit(ctx, part, task.labels, base);
  }
  return { groups, pMin: plan.pMin, runs, sink };
}
