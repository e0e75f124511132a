/**
 * FCR cohort contributions (spec: metrics.md, "First-contact resolution", "Reopens and
 * escalations"; definition in core/ticket/fcr.ts).
 *
 * One row per customer-created ticket at its first solve, attributed to the ticket then:
 * `solved` (cohort), `fcr`, `zero_touch`, `touched` (touches ≥ 1, the rate's denominator),
 * `reopened` (within the window), `escalated` (before the first solve). A reopen inside the
 * window changes the row through the diff. `pending_confirmation` depends on the query time
 * and is read from the ticket table (`fcr` and `fcr_window_ends_at` > now).
 */
import type { DerivedTicket } from '../ticket/derive.js';
import { dimsOf } from './dims.js';
import { bucketOf, type Contribution } from './types.js';

export function fcrContributions(d: DerivedTicket): Contribution[] {
  const first = d.facts.first_solve;
  const t = d.ticket;
  if (first === null || t.fcr === null) return [];
  return [
    {
      kind: 'fcr',
      bucket: bucketOf(first.at),
      dims: dimsOf(first),
      measures: {
        solved: 1,
        fcr: t.fcr ? 1 : 0,
        zero_touch: t.touches === 0 ? 1 : 0,
        touched: t.touches >= 1 ? 1 : 0,
        reopened: t.reopened_within_window === true ? 1 : 0,
        escalated: t.escalated_before_first_solve ? 1 : 0,
      },
    },
  ];
}
