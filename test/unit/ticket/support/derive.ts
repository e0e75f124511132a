/** Shortcuts for scenario tests: fold + derive, and picking one clock instance. */
import type { TicketEvent } from '../../../../src/core/events.js';
import type { SlaMetric } from '../../../../src/core/policy/types.js';
import type { ClockRow } from '../../../../src/core/sla/derive.js';
import type { FoldContext } from '../../../../src/core/ticket/context.js';
import { deriveTicket, type DerivedTicket } from '../../../../src/core/ticket/derive.js';
import { foldTicket } from '../../../../src/core/ticket/fold.js';
import { foldContext } from '../../../factories/context.js';

export function derive(
  events: readonly TicketEvent[],
  ctx: FoldContext = foldContext(),
): DerivedTicket {
  return deriveTicket(foldTicket(events, ctx), ctx);
}

export function clockOf(d: DerivedTicket, metric: SlaMetric, cycle = 1): ClockRow {
  const clock = d.clocks.find((c) => c.metric === metric && c.cycle === cycle);
  if (clock === undefined) throw new Error(`no ${metric} clock, cycle ${cycle}`);
  return clock;
}

export function hasClock(d: DerivedTicket, metric: SlaMetric, cycle = 1): boolean {
  return d.clocks.some((c) => c.metric === metric && c.cycle === cycle);
}
