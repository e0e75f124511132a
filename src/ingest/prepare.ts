/**
 * The pure half of ingest: validate each received item, map CloudEvents, hash the normalised
 * content and settle duplicates within the batch itself. What comes out is either an error
 * (with the item's position) or a row ready for the event log.
 */
import { hash } from 'node:crypto';
import { cloudEventPath, mapCloudEvent } from './cloudevents.js';
import { validateEvent, type ValidEvent } from './validate-event.js';
import type { EventRow } from '../storage/ticket-event.repository.js';

export type ItemFormat = 'envelope' | 'cloudevent';

/** One received event and where it was: `index` in a JSON array, or `line` of an NDJSON body. */
export interface ReceivedItem {
  position: { index: number } | { line: number };
  raw: unknown;
}

export interface IngestError {
  index?: number;
  line?: number;
  id?: string;
  path: string;
  message: string;
}

/**
 * A valid event ready for the log. It keeps the item's position, not the item: the parsed item
 * is garbage once validated, instead of being held for as long as the batch's transaction runs.
 */
export interface PreparedEvent {
  position: ReceivedItem['position'];
  event: ValidEvent;
  row: EventRow;
}

export interface PreparedBatch {
  events: PreparedEvent[];
  /** Later copies of an id already in this batch with the same content. */
  duplicates: number;
  errors: IngestError[];
}

/** The identity of an event's content: its envelope fields and its data, keys in canonical order. */
export function contentHash(event: ValidEvent, canonicalData = event.dataJson): string {
  const envelope = JSON.stringify([
    event.type,
    event.ticketId,
    event.occurredAt,
    event.actor.type,
    event.actor.id ?? null,
  ]);
  return hash('sha256', `${envelope}${canonicalData}`, 'hex');
}

export function errorAt(
  item: Pick<ReceivedItem, 'position'>,
  path: string,
  message: string,
  id?: string,
): IngestError {
  return { ...item.position, ...(id !== undefined ? { id } : {}), path, message };
}

function rawId(raw: unknown): string | undefined {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}

function toRow(event: ValidEvent): EventRow {
  const dataJson = event.dataJson;
  return {
    eventId: event.id,
    ticketId: event.ticketId,
    type: event.type,
    occurredAt: event.occurredAt,
    actorType: event.actor.type,
    actorId: event.actor.id ?? null,
    dataJson,
    contentHash: contentHash(event, dataJson),
  };
}

export function prepareBatch(items: readonly ReceivedItem[], format: ItemFormat): PreparedBatch {
  const batch: PreparedBatch = { events: [], duplicates: 0, errors: [] };
  const seen = new Map<string, string>();
  for (const item of items) {
    const mapped =
      format === 'cloudevent' ? mapCloudEvent(item.raw) : { envelope: item.raw, errors: [] };
    const result = validateEvent(mapped.envelope);
    const id = rawId(item.raw);
    const fieldErrors = [...mapped.errors, ...(result.ok ? [] : result.errors)];
    if (fieldErrors.length > 0 || !result.ok) {
      const translate = format === 'cloudevent' ? cloudEventPath : (p: string) => p;
      for (const e of fieldErrors)
        batch.errors.push(errorAt(item, translate(e.path), e.message, id));
      continue;
    }
    const row = toRow(result.event);
    const earlier = seen.get(row.eventId);
    if (earlier === undefined) {
      seen.set(row.eventId, row.contentHash);
      batch.events.push({ position: item.position, event: result.event, row });
    } else if (earlier === row.contentHash) {
      batch.duplicates += 1;
    } else {
      batch.errors.push(
        errorAt(
          item,
          '/id',
          'conflicts with an earlier event with the same id and other content',
          row.eventId,
        ),
      );
    }
  }
  return batch;
}

/** How many items the batch rejected (an item with several field errors counts once). */
export function rejectedCount(errors: readonly IngestError[]): number {
  const keys = new Set(errors.map((e) => (e.index !== undefined ? `i${e.index}` : `l${e.line}`)));
  return keys.size;
}
