/**
 * Folding one ingest batch, without I/O (spec principle 3): which tickets continue a cached fold
 * state, which are folded from their stored log and which from the new events alone; the fold of
 * each; and what is to be written of them — their rows and the `new − old` contributions to add
 * to the rollups. Ingest's fold step (ingest/fold-step.ts) loads the inputs, calls these and
 * persists what they return.
 */
import { compareEvents, type TicketEvent } from '../events.js';
import { applyInPlace } from '../ticket/apply.js';
import type { FoldContext } from '../ticket/context.js';
import { deriveTicket, type DerivedTicket } from '../ticket/derive.js';
import { canApplyAfter, foldTicket } from '../ticket/fold.js';
import type { TicketState } from '../ticket/state.js';
import { keyedTicketContributions } from './contributions.js';
import { RollupDeltas, type KeyedRows } from './merge.js';
import type { Contribution } from './types.js';

/** What the ticket's stored row says about its fold (storage's locked row). */
export interface TicketRowState {
  /** No row exists: the ticket is new, it has no derived rows or contributions yet. */
  created: boolean;
  /** The configuration revision its rows were folded with (null: never written). */
  configRevision: number | null;
  /** A fold of the ticket failed and none has succeeded since. */
  foldFailed: boolean;
}

/** How each ticket of a batch is brought up to date. */
export interface FoldPlan {
  /** Cached states that the new events continue (every new event sorts after them). */
  continued: Map<string, { state: TicketState; events: TicketEvent[] }>;
  /** Tickets created by this batch: the new events are their whole log. */
  fromNew: Map<string, TicketEvent[]>;
  /** Tickets folded again from their stored log. */
  refold: Set<string>;
}

/**
 * Plans the fold of each of `ids`. `cached` holds the ticket cache's entries that are current
 * (written at the row's rev); `refold` refolds every ticket from its log. A ticket without a row
 * has no log but the new events (its row is created in the transaction that stores its first
 * events), unless another transaction is storing its first events right now — persisting the
 * fold finds out.
 */
export function planFolds(
  ids: readonly string[],
  rows: ReadonlyMap<string, TicketRowState>,
  newEvents: ReadonlyMap<string, readonly TicketEvent[]>,
  cached: ReadonlyMap<string, { state?: TicketState | undefined }>,
  options: { revision: number; refold?: boolean | undefined },
): FoldPlan {
  const plan: FoldPlan = { continued: new Map(), fromNew: new Map(), refold: new Set() };
  for (const id of ids) {
    const row = rows.get(id)!;
    if (options.refold || row.foldFailed) {
      plan.refold.add(id);
      continue;
    }
    const events = [...(newEvents.get(id) ?? [])].sort(compareEvents);
    if (row.created) {
      plan.fromNew.set(id, events);
      continue;
    }
    const state = cached.get(id)?.state;
    if (
      state === undefined ||
      row.configRevision !== options.revision ||
      !events.every((e) => canApplyAfter(state, e))
    ) {
      plan.refold.add(id);
      continue;
    }
    plan.continued.set(id, { state, events });
  }
  return plan;
}

/** The earliest and latest instant a fold of the plan can compute with. */
export function foldInstantRange(
  plan: FoldPlan,
  logs: ReadonlyMap<string, readonly TicketEvent[]>,
): [number, number] {
  let from = Infinity;
  let to = -Infinity;
  const see = (t: number | null | undefined) => {
    if (typeof t !== 'number') return;
    if (t < from) from = t;
    if (t > to) to = t;
  };
  const seeAll = (events: readonly TicketEvent[]) => {
    for (const e of events) see(e.occurredAt);
  };
  for (const { state, events } of plan.continued.values()) {
    see(state.createdAt);
    see(state.last?.occurredAt);
    seeAll(events);
  }
  for (const events of plan.fromNew.values()) seeAll(events);
  for (const events of logs.values()) seeAll(events);
  return [from, to];
}

/** One ticket folded: its state, derived rows and contributions (keyed, for the deltas). */
export interface FoldedTicket {
  id: string;
  state: TicketState;
  derived: DerivedTicket;
  contributions: KeyedRows;
}

/** What is written of a folded ticket: its row, its derived rows and its contributions. */
export interface TicketRecord {
  ticketId: string;
  state: TicketState;
  derived: DerivedTicket;
  contributions: Contribution[];
  configRevision: number;
  /** The stored contributions already are `contributions` (as JSON): keep them, send nothing. */
  contributionsStored?: boolean;
  /** The ticket row was just created: it has no derived rows to delete. */
  created?: boolean;
}

export interface FoldBatchInput {
  /** The batch's tickets, in the order they are folded. */
  ids: readonly string[];
  rows: ReadonlyMap<string, TicketRowState>;
  plan: FoldPlan;
  /** The stored events of the tickets refolded, in fold order. */
  logs: ReadonlyMap<string, readonly TicketEvent[]>;
  ctx: FoldContext;
  revision: number;
  /** The contributions each ticket last added to the rollups (absent: none stored). */
  previous: ReadonlyMap<string, readonly Contribution[]>;
}

/** What a batch's fold gives: for the tickets that folded, their records and rollup deltas. */
export interface FoldedBatch {
  folded: FoldedTicket[];
  records: TicketRecord[];
  /** Each folded ticket's contributions minus its previous ones. */
  deltas: RollupDeltas;
  /** The tickets whose fold failed, with the reason; they are in neither list above. */
  failed: Map<string, string>;
}

/**
 * Folds the batch: a continued ticket applies its new events to its cached state (in place), the
 * others are folded from their new events or their log. A ticket whose fold throws, for whatever
 * reason, lands in `failed` and is left out: one bad ticket must never fail the batch it travels
 * in.
 */
export function foldBatch(input: FoldBatchInput): FoldedBatch {
  const failed = new Map<string, string>();
  const folded: FoldedTicket[] = [];
  for (const id of input.ids) {
    try {
      folded.push(foldOne(id, input));
    } catch (error) {
      failed.set(id, reason(error));
    }
  }
  return { folded, failed, ...recordsOf(folded, input) };
}

function foldOne(id: string, input: FoldBatchInput): FoldedTicket {
  const { plan, ctx } = input;
  const continued = plan.continued.get(id);
  let state: TicketState;
  if (continued) {
    state = continued.state;
    for (const event of continued.events) applyInPlace(state, event, ctx);
  } else {
    state = foldTicket(plan.fromNew.get(id) ?? input.logs.get(id) ?? [], ctx);
  }
  const derived = deriveTicket(state, ctx, { segments: false });
  return { id, state, derived, contributions: keyedTicketContributions(derived) };
}

/** Why a fold failed, for the operator: the error's own message, never a stack. */
function reason(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * The records and rollup deltas of `folded` (in its order). Neither `folded` nor `previous` is
 * modified, so they can be computed again for a subset of the tickets.
 */
export function recordsOf(
  folded: readonly FoldedTicket[],
  input: Pick<FoldBatchInput, 'rows' | 'revision' | 'previous'>,
): { records: TicketRecord[]; deltas: RollupDeltas } {
  const records: TicketRecord[] = [];
  const deltas = new RollupDeltas();
  for (const { id, state, derived, contributions } of folded) {
    const before = input.previous.get(id);
    const changed = deltas.addTicket(before ?? [], contributions);
    records.push({
      ticketId: id,
      state,
      derived,
      contributions: contributions.rows,
      configRevision: input.revision,
      contributionsStored: !changed && before !== undefined,
      created: input.rows.get(id)!.created,
    });
  }
  return { records, deltas };
}
