/**
 * Validates one wire event (events.md) and normalises it: the instant parsed to epoch ms, defaults
 * applied, unknown `data` keys kept. Errors carry a JSON pointer to the offending field so a
 * sender can fix exactly that field. Hand-written rather than schema-compiled: it sits on the
 * ingest hot path and its messages ("must include a UTC offset") are part of the contract.
 */
import {
  ACTOR_TYPES,
  EVENT_TYPES,
  TICKET_STATUSES,
  type Actor,
  type EventType,
  type Instant,
} from '../core/events.js';
import {
  escapePointer,
  isStorableText,
  STORABLE_MESSAGE,
  unstorablePath,
  MAX_DURATION_SECONDS,
  MAX_TAGS,
  MAX_TEXT_LENGTH,
  MAX_TIER,
} from '../core/domain.js';
import { canonicalJson } from './canonical-json.js';
import { dataShapeError } from './data-shape.js';
import { parseRfc3339 } from '../core/time/rfc3339.js';

export interface FieldError {
  path: string;
  message: string;
}

/** A valid event as stored: `data` is what the fold reads (defaults applied, extra keys kept). */
export interface ValidEvent {
  id: string;
  type: EventType;
  ticketId: string;
  occurredAt: Instant;
  actor: Actor;
  data: Record<string, unknown>;
  /** `data` as canonical JSON (sorted keys): what is stored and hashed. */
  dataJson: string;
}

export type Validation = { ok: true; event: ValidEvent } | { ok: false; errors: FieldError[] };

const ENVELOPE_KEYS = new Set(['id', 'type', 'ticket_id', 'occurred_at', 'actor', 'data']);
const MAX_ID = MAX_TEXT_LENGTH;

type Rec = Record<string, unknown>;
type Check = (data: Rec, errors: FieldError[]) => void;

/** `\u0000` or `\udXXX` escapes in JSON text (an escaped backslash before them does not count). */
const UNSTORABLE_IN_JSON = /(?:^|[^\\])(?:\\\\)*\\u(?:0000|d[89a-f])/i;

function isEventType(v: unknown): v is EventType {
  return typeof v === 'string' && (EVENT_TYPES as readonly string[]).includes(v);
}

function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function idField(v: unknown, path: string, errors: FieldError[]): string | undefined {
  if (typeof v !== 'string') {
    errors.push({ path, message: v === undefined ? 'is required' : 'must be a string' });
    return undefined;
  }
  if (v.length < 1 || v.length > MAX_ID) {
    errors.push({ path, message: `must be 1–${MAX_ID} characters` });
    return undefined;
  }
  if (!isStorableText(v)) {
    errors.push({ path, message: STORABLE_MESSAGE });
    return undefined;
  }
  return v;
}

const TEXT_TOO_LONG = `must be at most ${MAX_TEXT_LENGTH} characters`;

function optionalString(data: Rec, key: string, errors: FieldError[], nullable: boolean): void {
  const v = data[key];
  if (v === undefined || (nullable && v === null)) return;
  if (typeof v === 'string') {
    if (v.length > MAX_TEXT_LENGTH) errors.push({ path: `/data/${key}`, message: TEXT_TOO_LONG });
    return;
  }
  errors.push({
    path: `/data/${key}`,
    message: nullable ? 'must be a string or null' : 'must be a string',
  });
}

function requiredString(data: Rec, key: string, errors: FieldError[]): void {
  if (data[key] === undefined) errors.push({ path: `/data/${key}`, message: 'is required' });
  else optionalString(data, key, errors, false);
}

function oneOf(
  data: Rec,
  key: string,
  allowed: readonly string[],
  errors: FieldError[],
  required: boolean,
): void {
  const v = data[key];
  if (v === undefined) {
    if (required) errors.push({ path: `/data/${key}`, message: 'is required' });
    return;
  }
  if (typeof v !== 'string' || !allowed.includes(v)) {
    errors.push({ path: `/data/${key}`, message: `must be one of ${allowed.join(', ')}` });
  }
}

function tierField(data: Rec, errors: FieldError[], nullable: boolean): void {
  const v = data.tier;
  if (v === undefined || (nullable && v === null)) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_TIER) {
    errors.push({ path: '/data/tier', message: `must be an integer 1–${MAX_TIER}` });
  }
}

function tagsField(data: Rec, errors: FieldError[]): void {
  const v = data.tags;
  if (v === undefined) return;
  if (!Array.isArray(v)) {
    errors.push({ path: '/data/tags', message: 'must be an array of strings' });
    return;
  }
  if (v.length > MAX_TAGS) {
    errors.push({ path: '/data/tags', message: `must have at most ${MAX_TAGS} items` });
    return;
  }
  v.forEach((tag, i) => {
    if (typeof tag !== 'string')
      errors.push({ path: `/data/tags/${i}`, message: 'must be a string' });
    else if (tag.length > MAX_TEXT_LENGTH)
      errors.push({ path: `/data/tags/${i}`, message: TEXT_TOO_LONG });
  });
}

/** A duration in seconds within the domain (core/domain.ts), 0 when absent. */
function duration(data: Rec, key: string, errors: FieldError[]): void {
  const v = data[key];
  if (v === undefined) {
    data[key] = 0;
  } else if (typeof v !== 'number' || !(v >= 0 && v <= MAX_DURATION_SECONDS)) {
    errors.push({
      path: `/data/${key}`,
      message: `must be a number of seconds 0–${MAX_DURATION_SECONDS}`,
    });
  }
}

/** The nullable string attributes of created and updated events. */
const ATTRIBUTE_STRINGS = [
  'group',
  'requester_id',
  'organization_id',
  'category',
  'assignee_id',
] as const;
const CONTACT_DURATIONS = ['talk_seconds', 'hold_seconds', 'wrap_seconds'] as const;

const checkCreated: Check = (data, errors) => {
  requiredString(data, 'priority', errors);
  requiredString(data, 'channel', errors);
  oneOf(data, 'status', TICKET_STATUSES, errors, false);
  data.status ??= 'new';
  for (const key of ATTRIBUTE_STRINGS) optionalString(data, key, errors, true);
  tierField(data, errors, true);
  tagsField(data, errors);
  oneOf(data, 'via', ['customer', 'agent'], errors, false);
  data.via ??= 'customer';
};

const checkUpdated: Check = (data, errors) => {
  optionalString(data, 'priority', errors, false);
  optionalString(data, 'channel', errors, false);
  for (const key of ATTRIBUTE_STRINGS) optionalString(data, key, errors, true);
  tierField(data, errors, true);
  tagsField(data, errors);
};

const checkStatus: Check = (data, errors) => oneOf(data, 'status', TICKET_STATUSES, errors, true);

const checkMessage: Check = (data, errors) => {
  oneOf(data, 'direction', ['inbound', 'outbound'], errors, true);
  if (data.public === undefined) data.public = true;
  else if (typeof data.public !== 'boolean')
    errors.push({ path: '/data/public', message: 'must be a boolean' });
};

const checkContact: Check = (data, errors) => {
  requiredString(data, 'agent_id', errors);
  optionalString(data, 'channel', errors, true);
  for (const key of CONTACT_DURATIONS) duration(data, key, errors);
  if (data.started_at !== undefined && data.started_at !== null) {
    const parsed = typeof data.started_at === 'string' ? parseRfc3339(data.started_at) : undefined;
    if (typeof parsed !== 'number') {
      errors.push({ path: '/data/started_at', message: parsed ?? 'must be an RFC 3339 string' });
    }
  }
};

const checkDeleted: Check = (data, errors) => {
  oneOf(data, 'reason', ['spam', 'merged', 'deleted'], errors, false);
  data.reason ??= 'deleted';
  optionalString(data, 'merged_into', errors, true);
  if (data.reason === 'merged' && typeof data.merged_into !== 'string') {
    errors.push({ path: '/data/merged_into', message: 'is required when reason is merged' });
  }
};

const CHECKS: Record<EventType, Check> = {
  'ticket.created': checkCreated,
  'ticket.updated': checkUpdated,
  'ticket.status_changed': checkStatus,
  'ticket.message': checkMessage,
  'contact.completed': checkContact,
  'ticket.deleted': checkDeleted,
};

function actorField(v: unknown, errors: FieldError[]): Actor {
  if (v === undefined || v === null) return { type: 'system' };
  if (!isRecord(v)) {
    errors.push({ path: '/actor', message: 'must be an object' });
    return { type: 'system' };
  }
  for (const key of Object.keys(v)) {
    if (key !== 'type' && key !== 'id')
      errors.push({ path: `/actor/${escapePointer(key)}`, message: 'is not allowed' });
  }
  const type = v.type ?? 'system';
  if (typeof type !== 'string' || !(ACTOR_TYPES as readonly string[]).includes(type)) {
    errors.push({ path: '/actor/type', message: `must be one of ${ACTOR_TYPES.join(', ')}` });
    return { type: 'system' };
  }
  if (v.id === undefined || v.id === null) return { type: type as Actor['type'] };
  const id = idField(v.id, '/actor/id', errors);
  return id === undefined ? { type: type as Actor['type'] } : { type: type as Actor['type'], id };
}

export function validateEvent(raw: unknown): Validation {
  if (!isRecord(raw)) return { ok: false, errors: [{ path: '', message: 'must be an object' }] };
  const errors: FieldError[] = [];
  for (const key of Object.keys(raw)) {
    if (!ENVELOPE_KEYS.has(key))
      errors.push({ path: `/${escapePointer(key)}`, message: 'is not allowed' });
  }
  const id = idField(raw.id, '/id', errors);
  const ticketId = idField(raw.ticket_id, '/ticket_id', errors);
  const type = isEventType(raw.type) ? raw.type : undefined;
  if (type === undefined) {
    errors.push({
      path: '/type',
      message: raw.type === undefined ? 'is required' : `must be one of ${EVENT_TYPES.join(', ')}`,
    });
  }
  const occurredAt = instantField(raw.occurred_at, errors);
  const actor = actorField(raw.actor, errors);
  let data: Rec = {};
  if (raw.data !== undefined && !isRecord(raw.data)) {
    errors.push({ path: '/data', message: 'must be an object' });
  } else {
    data = { ...raw.data };
    if (type !== undefined) CHECKS[type](data, errors);
  }
  const shape = dataShapeError(data);
  if (shape !== undefined) {
    errors.push(shape);
    return { ok: false, errors };
  }
  // JSON.stringify escapes exactly what PostgreSQL cannot store (NUL, lone surrogates): one
  // scan of the serialised data finds them; the walk for the path runs only when one is there.
  const dataJson = canonicalJson(data);
  if (UNSTORABLE_IN_JSON.test(dataJson)) {
    errors.push({ path: unstorablePath(data, '/data') ?? '/data', message: STORABLE_MESSAGE });
  }
  if (errors.length > 0 || !id || !ticketId || !type || occurredAt === undefined) {
    return { ok: false, errors };
  }
  return { ok: true, event: { id, type, ticketId, occurredAt, actor, data, dataJson } };
}

function instantField(v: unknown, errors: FieldError[]): Instant | undefined {
  if (v === undefined) {
    errors.push({ path: '/occurred_at', message: 'is required' });
    return undefined;
  }
  if (typeof v !== 'string') {
    errors.push({ path: '/occurred_at', message: 'must be an RFC 3339 string' });
    return undefined;
  }
  const parsed = parseRfc3339(v);
  if (typeof parsed === 'string') {
    errors.push({ path: '/occurred_at', message: parsed });
    return undefined;
  }
  return parsed;
}
