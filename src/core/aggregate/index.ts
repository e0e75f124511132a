export * from './types.js';
export * from './merge.js';
export * from './contributions.js';
export { slaContributions } from './sla.js';
export { fcrContributions } from './fcr.js';
export { volumeContributions } from './volume.js';
export { handleTimeContributions } from './handle-time.js';
export { escalationContributions, reassignmentContributions } from './ticket-events.js';
export { backlogFlowContributions } from './backlog-flow.js';
