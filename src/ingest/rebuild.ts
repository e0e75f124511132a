/**
 * `rebuild` and `verify` (issue: events are the source of truth, principle 1). Both fold every
 * ticket from its stored events with the current configuration — the same `updateTickets` /
 * `foldTicket` that live ingest uses. `rebuild` replaces all derived data in one transaction;
 * `verify` recomputes everything in memory and lists every difference from what is stored.
 */
import type { Kysely } from 'kysely';
import {
  contributionKey,
  mergeContributions,
  ticketContributions,
  type Contribution,
} from '../core/aggregate/index.js';
import type { TicketEvent } from '../core/events.js';
import { deriveTicket, foldTicket, type TicketState } from '../core/ticket/index.js';
import { listFoldFailures } from '../storage/ticket-fold-failure.repository.js';
import { canonicalJson } from './canonical-json.js';
import { clearDerived, readRollups } from '../storage/rollup.repository.js';
import type { DB } from '../storage/schema.js';
import {
  clockJson,
  contactJson,
  segmentJson,
  TICKET_COPY_COLUMNS,
  ticketJson,
  type TicketWrite,
} from '../storage/derived-rows.js';
import {
  listAllTicketIds,
  loadStoredRows,
  type VerifiedTable,
} from '../storage/rebuild.repository.js';
import { loadContributions } from '../storage/ticket-lock.repository.js';
import type { FoldContextProvider, TenantContext } from '../tenant-config/fold-context.js';
import { loadTicketEvents, storedEventToCore } from '../storage/ticket-event.repository.js';
import { updateTickets } from './fold-step.js';

const BATCH = 500;

type TicketRowsDerived = ReturnType<typeof deriveTicket>;

/** Recomputes every derived row and rollup of the tenant from its events; returns tickets folded. */
export async function rebuildTenant(
  db: Kysely<DB>,
  tenantId: string,
  contexts: FoldContextProvider,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const context = await contexts.forUpdate(trx, tenantId);
    const ids = await listAllTicketIds(trx, tenantId);
    await clearDerived(trx, tenantId);
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      await updateTickets(
        trx,
        tenantId,
        new Map(batch.map((id) => [id, [] as TicketEvent[]])),
        context,
        { refold: true },
      );
    }
    return ids.length;
  });
}

export interface Difference {
  ticket_id?: string;
  what: string;
  stored: string;
  expected: string;
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}

async function storedRows(db: Kysely<DB>, tenantId: string, table: VerifiedTable, ids: string[]) {
  const rows = await loadStoredRows(db, tenantId, table, ids);
  const byTicket = new Map<string, Array<Record<string, unknown>>>();
  // `rev` names the transaction that wrote the row (report cursors): not a derived figure.
  for (const { tenant_id: _t, rev: _rev, ...row } of rows) {
    const id = row.ticket_id as string;
    byTicket.set(id, [...(byTicket.get(id) ?? []), normalise(row) as Record<string, unknown>]);
  }
  return byTicket;
}

const sortRows = (rows: Array<Record<string, unknown>>) => rows.map((r) => canonicalJson(r)).sort();

function compareRows(
  out: Difference[],
  id: string,
  what: string,
  stored: Array<Record<string, unknown>> | undefined,
  expected: Array<Record<string, unknown>>,
) {
  const a = sortRows(stored ?? []);
  const b = sortRows(
    expected.map((r) => normalise(JSON.parse(JSON.stringify(r))) as Record<string, unknown>),
  );
  if (a.join('\n') !== b.join('\n'))
    out.push({ ticket_id: id, what, stored: a.join('\n'), expected: b.join('\n') });
}

/** The ticket row's columns verify compares: all but the bookkeeping ones. */
const NOT_COMPARED = new Set(['ticket_id', 'last_seq', 'config_revision', 'rev']);
const TICKET_COLUMNS = TICKET_COPY_COLUMNS.filter((c) => !NOT_COMPARED.has(c));

function pick(row: Record<string, unknown>, columns: string[]) {
  return Object.fromEntries(columns.map((c) => [c, row[c] ?? null]));
}

async function verifyBatch(
  db: Kysely<DB>,
  tenantId: string,
  ids: string[],
  ctx: TenantContext,
  out: Difference[],
  expectedRollups: Contribution[],
  failures: ReadonlyMap<string, string>,
) {
  const events = new Map<string, TicketEvent[]>();
  for (const row of await loadTicketEvents(db, tenantId, ids))
    events.set(row.ticket_id, [...(events.get(row.ticket_id) ?? []), storedEventToCore(row)]);
  const [tickets, clocks, contacts, segments] = await Promise.all(
    (['ticket', 'sla_clock', 'contact', 'backlog_segment'] as const).map((t) =>
      storedRows(db, tenantId, t, ids),
    ),
  );
  const unfoldable: string[] = [];
  for (const id of ids) {
    const recorded = failures.get(id);
    let state: TicketState;
    let derived: TicketRowsDerived;
    try {
      state = foldTicket(events.get(id) ?? [], ctx.ctx);
      derived = deriveTicket(state, ctx.ctx, { segments: false });
    } catch (error) {
      // Its stored rows are whatever it had before the failure: nothing to compare them with.
      out.push({
        ticket_id: id,
        what: 'fold',
        stored: recorded === undefined ? '(failure not recorded)' : `failed: ${recorded}`,
        expected: `fails: ${error instanceof Error ? error.message : String(error)}`,
      });
      unfoldable.push(id);
      continue;
    }
    if (recorded !== undefined) {
      out.push({ ticket_id: id, what: 'fold', stored: `failed: ${recorded}`, expected: 'folds' });
    }
    const contributions = ticketContributions(derived);
    expectedRollups.push(...contributions);
    const write: TicketWrite = {
      ticketId: id,
      state,
      derived,
      contributions,
      configRevision: ctx.revision,
    };
    const stored = tickets?.get(id)?.[0];
    compareRows(out, id, 'ticket', stored ? [pick(stored, TICKET_COLUMNS)] : [], [
      pick(ticketJson(write), TICKET_COLUMNS),
    ]);
    compareRows(out, id, 'sla_clock', clocks?.get(id), clockJson(write));
    compareRows(out, id, 'contact', contacts?.get(id), contactJson(write));
    compareRows(out, id, 'backlog_segment', segments?.get(id), segmentJson(write));
  }
  // An unfoldable ticket's rollup contributions are those it had: the rollups must hold them.
  for (const rows of (await loadContributions(db, tenantId, unfoldable)).values()) {
    expectedRollups.push(...rows);
  }
}

/** Every difference between what is stored and what the events give (empty: all consistent). */
export async function verifyTenant(
  db: Kysely<DB>,
  tenantId: string,
  contexts: FoldContextProvider,
): Promise<Difference[]> {
  // One snapshot: ingest may go on meanwhile without showing up as differences.
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const context = await contexts.forUpdate(trx, tenantId);
      const ids = await listAllTicketIds(trx, tenantId);
      const failures = new Map(
        (await listFoldFailures(trx, tenantId)).map((f) => [f.ticketId, f.error]),
      );
      const out: Difference[] = [];
      const expected: Contribution[] = [];
      for (let i = 0; i < ids.length; i += BATCH) {
        const batch = ids.slice(i, i + BATCH);
        await verifyBatch(trx, tenantId, batch, context, out, expected, failures);
      }
      const want = new Map(
        mergeContributions(expected)
          .filter((c) => Object.values(c.measures).some((v) => v !== 0))
          .map((c) => [contributionKey(c), canonicalJson(c.measures)]),
      );
      const have = new Map(
        (await readRollups(trx, tenantId)).map((c) => [
          contributionKey(c),
          canonicalJson(c.measures),
        ]),
      );
      for (const key of new Set([...want.keys(), ...have.keys()])) {
        if (want.get(key) !== have.get(key))
          out.push({
            what: `rollup ${key}`,
            stored: have.get(key) ?? '(none)',
            expected: want.get(key) ?? '(none)',
          });
      }
      return out;
    });
}
