/**
 * Backlog flow (spec: metrics.md, "Backlog"; definition in core/ticket/backlog.ts).
 *
 * `entered`: a ticket created into a backlog status (at creation) and every reopen; `left`:
 * every transition from a backlog status to solved/closed, re-solves included. Each at its
 * instant, attributed to the ticket then. Over `(T1, T2]`:
 * `backlog(T2) − backlog(T1) = entered − left`.
 */
import type { DerivedTicket } from '../ticket/derive.js';
import { isBacklogStatus, type DatedFact } from '../ticket/state.js';
import { dimsOf } from './dims.js';
import { bucketOf, type Contribution } from './types.js';

function row(fact: DatedFact, entered: number, left: number): Contribution {
  return {
    kind: 'backlog_flow',
    bucket: bucketOf(fact.at),
    dims: dimsOf(fact),
    measures: { entered, left },
  };
}

export function backlogFlowContributions(d: DerivedTicket): Contribution[] {
  const f = d.facts;
  const rows: Contribution[] = [];
  if (f.created !== null && isBacklogStatus(f.created.status)) rows.push(row(f.created, 1, 0));
  for (const reopen of f.reopens) rows.push(row(reopen, 1, 0));
  for (const solve of f.solves) rows.push(row(solve, 0, 1));
  return rows;
}
