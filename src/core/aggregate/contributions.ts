/** Every contribution of one derived ticket (see the per-metric modules for definitions). */
import type { DerivedTicket } from '../ticket/derive.js';
import { backlogFlowContributions } from './backlog-flow.js';
import { fcrContributions } from './fcr.js';
import { handleTimeContributions } from './handle-time.js';
import { mergeContributions } from './merge.js';
import { slaContributions } from './sla.js';
import { escalationContributions, reassignmentContributions } from './ticket-events.js';
import type { Contribution } from './types.js';
import { volumeContributions } from './volume.js';

/** A ticket's contributions, merged by key (a ticket that does not exist contributes nothing). */
export function ticketContributions(d: DerivedTicket): Contribution[] {
  if (!d.ticket.exists) return [];
  return mergeContributions([
    ...slaContributions(d),
    ...fcrContributions(d),
    ...volumeContributions(d),
    ...handleTimeContributions(d),
    ...escalationContributions(d),
    ...reassignmentContributions(d),
    ...backlogFlowContributions(d),
  ]);
}
