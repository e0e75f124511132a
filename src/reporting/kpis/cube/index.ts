/**
 * The KPI cube: in-memory aggregates of the rollup ledgers per tenant and kind, answering what
 * `sumRollup` / `sumSketch` answer (see kind-cube.ts, answer.ts, tenant-cube.ts, registry.ts).
 */
export {
  answerGroups,
  answerQuantiles,
  answerRows,
  type CubeGroup,
  type QuantileGroup,
} from './answer.js';
export { KindCube } from './kind-cube.js';
export { CubeRegistry, type CubeRegistryOptions } from './registry.js';
export { SketchBins } from './sketch-bins.js';
export { CUBE_KINDS, TenantCube, type CubeKind, type CubeSnapshot } from './tenant-cube.js';
export type { CubeQuery } from './types.js';
export { BacklogIndex, type IndexedSegment } from './backlog-index.js';
