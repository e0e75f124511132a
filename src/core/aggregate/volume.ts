/**
 * Volume contributions (spec: metrics.md, "Volume"; edge case 22).
 *
 * `created` at `created_at`, `solved` at the first solve, `reopens` at every reopen, each
 * attributed to the ticket at that instant. A deleted ticket leaves all of them, for all of
 * history; the one figure it still makes is `deleted`, counted at the deletion instant.
 */
import type { DatedFact } from '../ticket/state.js';
import type { DerivedTicket } from '../ticket/derive.js';
import { dimsOf } from './dims.js';
import { bucketOf, type Contribution, type VolumeMeasures } from './types.js';

function row(fact: DatedFact, measure: keyof VolumeMeasures): Contribution {
  const measures: VolumeMeasures = { created: 0, solved: 0, reopens: 0, deleted: 0 };
  measures[measure] = 1;
  return { kind: 'volume', bucket: bucketOf(fact.at), dims: dimsOf(fact), measures };
}

export function volumeContributions(d: DerivedTicket): Contribution[] {
  const f = d.facts;
  if (f.deleted !== null) return [row(f.deleted, 'deleted')];
  const rows: Contribution[] = [];
  if (f.created !== null) rows.push(row(f.created, 'created'));
  if (f.first_solve !== null) rows.push(row(f.first_solve, 'solved'));
  for (const reopen of f.reopens) rows.push(row(reopen, 'reopens'));
  return rows;
}
