/** Attribution snapshots → contribution dimensions. */
import type { Attribution } from '../ticket/attribution.js';
import type { BaseDims } from './types.js';

export function dimsOf(a: Attribution): BaseDims {
  return {
    team: a.group ?? null,
    agent: a.assignee_id ?? null,
    priority: a.priority ?? null,
    channel: a.channel ?? null,
    category: a.category ?? null,
    policy: a.policy_id ?? null,
  };
}

/** Seconds (ms precision) → integer milliseconds. */
export function toMs(seconds: number): number {
  return Math.round(seconds * 1000);
}
