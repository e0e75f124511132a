/** Every contribution of one derived ticket (see the per-metric modules for definitions). */
import type { DerivedTicket } from '../ticket/derive.js';
import { backlogFlowContributions } from './backlog-flow.js';
import { fcrContributions } from './fcr.js';
import { handleTimeContributions } from './handle-time.js';
import { mergeOwnedRows, type KeyedRows } from './merge.js';
import { slaContributions } from './sla.js';
import { escalationContributions, reassignmentContributions } from './ticket-events.js';
import type { Contribution } from './types.js';
import { volumeContributions } from './volume.js';

function append(into: Contribution[], rows: readonly Contribution[]): void {
  for (let i = 0; i < rows.length; i++) into.push(rows[i]!);
}

/**
 * A ticket's contributions merged by key, with their keys (for `RollupDeltas`). The
 * per-metric rows are fresh, with exactly their kind's dimensions and measures, so they are
 * merged in place.
 */
export function keyedTicketContributions(d: DerivedTicket): KeyedRows {
  if (!d.ticket.exists) return { rows: [], keys: [] };
  const rows = slaContributions(d);
  append(rows, fcrContributions(d));
  append(rows, volumeContributions(d));
  append(rows, handleTimeContributions(d));
  append(rows, escalationContributions(d));
  append(rows, reassignmentContributions(d));
  append(rows, backlogFlowContributions(d));
  return mergeOwnedRows(rows);
}

/** A ticket's contributions, merged by key (a ticket that does not exist contributes nothing). */
export function ticketContributions(d: DerivedTicket): Contribution[] {
  return keyedTicketContributions(d).rows;
}
