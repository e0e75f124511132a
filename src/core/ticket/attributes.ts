/**
 * Attribute changes: `ticket.created` and `ticket.updated` (spec: events.md).
 *
 * - Reassignment: an update that changes a non-null `assignee_id` to another agent (a change
 *   to or from "unassigned" is not one). Attributed to the ticket as it was before the update
 *   (the agent and team the ticket was taken from).
 * - Functional escalation: an update that raises `tier` above every tier the ticket had
 *   before. The first tier a ticket gets sets the baseline and is not an escalation. Recorded
 *   with the tier escalated from (the current tier, or the highest before when it was
 *   cleared) and attributed to the ticket as it was before the update.
 * - A second `ticket.created` (a re-sent or re-imported ticket) is read as an update of the
 *   attributes it carries; its status, `via` and instant do not change the ticket.
 */
import type { Instant, TicketCreatedData, TicketUpdatedData } from '../events.js';
import type { TicketAttributes, TicketState } from './state.js';
import { currentAttribution } from './state.js';

const MATCHED: ReadonlyArray<keyof TicketAttributes> = [
  'priority',
  'channel',
  'group',
  'category',
  'organization_id',
  'tier',
  'tags',
];

export function attributesFromCreated(data: TicketCreatedData): TicketAttributes {
  return {
    priority: data.priority,
    channel: data.channel,
    group: data.group ?? null,
    assignee_id: data.assignee_id ?? null,
    requester_id: data.requester_id ?? null,
    organization_id: data.organization_id ?? null,
    category: data.category ?? null,
    tier: data.tier ?? null,
    tags: data.tags === undefined ? [] : [...data.tags],
  };
}

function sameValue(a: TicketAttributes[keyof TicketAttributes], b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  return a === b;
}

function recordReassignment(state: TicketState, t: Instant, next: string | null | undefined): void {
  const from = state.attrs.assignee_id;
  if (next === undefined || next === null || from === null || next === from) return;
  state.reassignments.push({
    at: t,
    ...currentAttribution(state),
    from_agent: from,
    to_agent: next,
  });
}

function recordEscalation(state: TicketState, t: Instant, next: number | null | undefined): void {
  if (next === undefined || next === null) return;
  const max = state.maxTier;
  state.maxTier = max === null ? next : Math.max(max, next);
  if (max === null || next <= max) return;
  state.escalations.push({
    at: t,
    ...currentAttribution(state),
    from_tier: state.attrs.tier ?? max,
    to_tier: next,
  });
  if (state.firstSolve === null) state.escalatedBeforeFirstSolve = true;
}

/**
 * Applies the changed keys of an update; returns whether a policy-matched attribute changed.
 * Facts are recorded before the attributes change (attribution before the update).
 */
export function applyAttributeUpdate(
  state: TicketState,
  t: Instant,
  data: TicketUpdatedData,
): boolean {
  recordReassignment(state, t, data.assignee_id);
  recordEscalation(state, t, data.tier);
  const attrs = state.attrs as unknown as Record<string, unknown>;
  const changes = data as Record<string, unknown>;
  let matchedChanged = false;
  for (const key of Object.keys(state.attrs) as Array<keyof TicketAttributes>) {
    const value = changes[key];
    if (value === undefined || sameValue(state.attrs[key], value)) continue;
    attrs[key] = Array.isArray(value) ? [...(value as string[])] : value;
    if (MATCHED.includes(key)) matchedChanged = true;
  }
  return matchedChanged;
}

/** The attribute part of a repeated `ticket.created`, as an update. */
export function createdAsUpdate(data: TicketCreatedData): TicketUpdatedData {
  const update: TicketUpdatedData = { priority: data.priority, channel: data.channel };
  const keys = ['group', 'assignee_id', 'requester_id', 'organization_id', 'category'] as const;
  for (const key of keys) {
    const value = data[key];
    if (value !== undefined) update[key] = value;
  }
  if (data.tier !== undefined) update.tier = data.tier;
  if (data.tags !== undefined) update.tags = data.tags;
  return update;
}
