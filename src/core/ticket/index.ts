export * from './attribution.js';
export * from './context.js';
export * from './state.js';
export * from './fold.js';
export * from './derive.js';
export { fcrOutcome, type FcrOutcome } from './fcr.js';
export { backlogSegmentAt } from './backlog.js';
export { attributionAt } from './history.js';
