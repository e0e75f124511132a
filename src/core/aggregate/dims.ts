/** Attribution snapshots → contribution dimensions. */
import type { Attribution } from '../ticket/attribution.js';
import type { BaseDims } from './types.js';

export function dimsOf(a: Attribution): BaseDims {
  return {
    team: a.group,
    agent: a.assignee_id,
    priority: a.priority,
    channel: a.channel,
    category: a.category,
    policy: a.policy_id,
  };
}

/** Seconds (ms precision) → integer milliseconds. */
export function toMs(seconds: number): number {
  return Math.round(seconds * 1000);
}
