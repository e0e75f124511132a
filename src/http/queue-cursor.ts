/**
 * The work queue's keyset cursor (GET /v1/tickets): the sort key of a page's last item as
 * base64url JSON. It comes back from the caller, so decoding accepts only what the encoder can
 * write: anything else would reach PostgreSQL as a cast or comparison it fails with a 500.
 */
import { isStorableText, MAX_TEXT_LENGTH } from '../core/domain.js';
import type { QueueKey } from '../reporting/work-queue.js';
import { ApiError } from './errors.js';

/** The wire form of a {@link QueueKey}: short keys, as cursors travel in URLs. */
interface QueueCursor {
  /** due_at as an ISO instant, or `Infinity` for a clock without one (those sort last). */
  d: string;
  /** ticket_id, metric, cycle: the rest of the sort key. */
  t: string;
  m: string;
  c: number;
}

const KEYS = ['c', 'd', 'm', 't'];
const METRICS = new Set(['first_response', 'next_response', 'resolution']);
const MAX_CYCLE = 2 ** 31 - 1;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** toISOString's shape for the years 0001–9999, all of which PostgreSQL reads. */
const ISO_INSTANT = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function encodeQueueCursor(key: QueueKey): string {
  const cursor: QueueCursor = { d: key.due, t: key.ticketId, m: key.metric, c: key.cycle };
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function isInstant(d: unknown): boolean {
  if (d === 'Infinity') return true;
  if (typeof d !== 'string' || !ISO_INSTANT.test(d)) return false;
  // Rejects dates the pattern lets through but the calendar lacks, e.g. 2026-02-30.
  const ms = Date.parse(d);
  return Number.isFinite(ms) && new Date(ms).toISOString() === d;
}

function isCursor(v: unknown): v is QueueCursor {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  return (
    Object.keys(r).sort().join() === KEYS.join() &&
    isInstant(r.d) &&
    typeof r.t === 'string' &&
    r.t.length >= 1 &&
    r.t.length <= MAX_TEXT_LENGTH &&
    isStorableText(r.t) &&
    typeof r.m === 'string' &&
    METRICS.has(r.m) &&
    Number.isInteger(r.c) &&
    (r.c as number) >= 0 &&
    (r.c as number) <= MAX_CYCLE
  );
}

export function decodeQueueCursor(cursor: string | undefined): QueueKey | undefined {
  if (cursor === undefined) return undefined;
  let value: unknown;
  try {
    value = BASE64URL.test(cursor)
      ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
      : undefined;
  } catch {
    value = undefined;
  }
  if (isCursor(value)) return { due: value.d, ticketId: value.t, metric: value.m, cycle: value.c };
  throw new ApiError(400, 'invalid_parameter', 'cursor is not one this API returned', '/cursor');
}
