/**
 * Validation of a `PUT /v1/sla-policies` body (spec: metrics.md, "SLA policies").
 *
 * Every problem is reported, each with a JSON-pointer `path` into the input
 * (`/policies/1/targets/resolution`), so a caller can fix them all in one round trip.
 */
import {
  isStorableText,
  MAX_DURATION_SECONDS,
  MAX_TEXT_LENGTH,
  MAX_TIER,
  STORABLE_MESSAGE,
} from '../domain.js';
import { TICKET_STATUSES, type Instant, type TicketStatus } from '../events.js';
import { parseRfc3339 as parseInstant } from '../time/rfc3339.js';
import {
  MATCH_KEY_KINDS,
  MATCH_KEYS,
  PAUSABLE_STATUSES,
  SLA_METRICS,
  type PolicyMatch,
  type SlaPolicy,
} from './types.js';

export interface ValidationError {
  path: string;
  message: string;
}

export interface PolicyListInput {
  /** `effective_from` parsed; null when absent (the caller uses "now"). */
  effectiveFrom: Instant | null;
  policies: SlaPolicy[];
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationError[] };

type Json = Record<string, unknown>;

/** Bounds of one policy list version, so a version stays a small row and a quick match. */
export const MAX_POLICIES = 100;
const MAX_MATCH_VALUES = 1000;

const POLICY_KEYS = ['id', 'name', 'match', 'calendar_id', 'targets', 'pause', 'at_risk'];

function pointer(...parts: Array<string | number>): string {
  return parts.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Collector {
  readonly errors: ValidationError[] = [];
  add(path: string, message: string): void {
    this.errors.push({ path, message });
  }
  unknownKeys(obj: Json, allowed: readonly string[], base: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.add(base + pointer(key), `unknown key "${key}"`);
    }
  }
}

/** Parses an RFC 3339 timestamp that carries an offset (core/time/rfc3339.ts); null when invalid. */
export function parseRfc3339(s: string): Instant | null {
  const parsed = parseInstant(s);
  return typeof parsed === 'number' ? parsed : null;
}

/** A string of 1–256 storable characters (core/domain.ts); false (and reported) otherwise. */
function textField(v: unknown, path: string, c: Collector): v is string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_TEXT_LENGTH) {
    c.add(path, `must be a string of 1-${MAX_TEXT_LENGTH} characters`);
    return false;
  }
  if (!isStorableText(v)) {
    c.add(path, STORABLE_MESSAGE);
    return false;
  }
  return true;
}

function validateMatch(raw: unknown, base: string, c: Collector): PolicyMatch {
  if (raw === undefined) return {};
  if (!isObject(raw)) {
    c.add(base, 'must be an object');
    return {};
  }
  c.unknownKeys(raw, MATCH_KEYS, base);
  for (const key of MATCH_KEYS) {
    const list = raw[key];
    if (list === undefined) continue;
    const path = base + pointer(key);
    if (!Array.isArray(list) || list.length === 0) {
      c.add(path, 'must be a non-empty array');
      continue;
    }
    if (list.length > MAX_MATCH_VALUES) {
      c.add(path, `must have at most ${MAX_MATCH_VALUES} values`);
      continue;
    }
    list.forEach((item, i) => {
      if (MATCH_KEY_KINDS[key] === 'tier') {
        if (!Number.isInteger(item) || (item as number) < 1 || (item as number) > MAX_TIER)
          c.add(path + pointer(i), `must be an integer 1-${MAX_TIER}`);
      } else textField(item, path + pointer(i), c);
    });
  }
  return raw;
}

function validateTargets(raw: unknown, base: string, c: Collector): void {
  if (!isObject(raw)) {
    c.add(base, 'must be an object of seconds per metric');
    return;
  }
  c.unknownKeys(raw, SLA_METRICS, base);
  for (const metric of SLA_METRICS) {
    const v = raw[metric];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= 0 && v <= MAX_DURATION_SECONDS)) {
      c.add(base + pointer(metric), `must be a number of seconds 0-${MAX_DURATION_SECONDS}`);
    }
  }
}

function validatePause(raw: unknown, base: string, c: Collector): void {
  if (raw === undefined) return;
  if (!isObject(raw)) {
    c.add(base, 'must be an object of status lists per metric');
    return;
  }
  c.unknownKeys(raw, SLA_METRICS, base);
  for (const metric of SLA_METRICS) {
    const list = raw[metric];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      c.add(base + pointer(metric), 'must be an array of statuses');
      continue;
    }
    list.forEach((s, i) => {
      const path = base + pointer(metric, i);
      if (!TICKET_STATUSES.includes(s as TicketStatus))
        // Not JSON.stringify(s) whatever s is: 10,000 nested arrays overflow its stack.
        c.add(
          path,
          typeof s === 'string'
            ? `unknown status ${JSON.stringify(s)}`
            : `unknown status (${Array.isArray(s) ? 'an array' : typeof s}, not a string)`,
        );
      else if (!PAUSABLE_STATUSES.includes(s as TicketStatus)) {
        c.add(path, `"${String(s)}" stops every clock; it cannot be a pause status`);
      }
    });
  }
}

function validatePolicy(
  raw: unknown,
  base: string,
  c: Collector,
  seenIds: Set<string>,
  knownCalendar: (id: string) => boolean,
): void {
  if (!isObject(raw)) {
    c.add(base, 'must be an object');
    return;
  }
  c.unknownKeys(raw, POLICY_KEYS, base);
  const { id, name, calendar_id: calendarId, at_risk: atRisk } = raw;
  if (!textField(id, base + '/id', c)) {
    // reported
  } else if (seenIds.has(id)) {
    c.add(base + '/id', `duplicate policy id "${id}"`);
  } else {
    seenIds.add(id);
  }
  if (name !== undefined) textField(name, base + '/name', c);
  if (typeof calendarId !== 'string') c.add(base + '/calendar_id', 'must be a calendar id');
  else if (!textField(calendarId, base + '/calendar_id', c)) {
    // reported
  } else if (!knownCalendar(calendarId))
    c.add(base + '/calendar_id', `unknown calendar "${calendarId}"`);
  validateMatch(raw.match, base + '/match', c);
  validateTargets(raw.targets, base + '/targets', c);
  validatePause(raw.pause, base + '/pause', c);
  if (atRisk !== undefined && (typeof atRisk !== 'number' || !(atRisk > 0 && atRisk <= 1))) {
    c.add(base + '/at_risk', 'must be a number in (0, 1]');
  }
}

/**
 * Validates `{ effective_from?, policies }`. On success the policies are returned as given
 * (defaults are applied where they are used, so a stored version reads back as written).
 */
export function validatePolicyList(
  input: unknown,
  knownCalendarIds: (id: string) => boolean,
): ValidationResult<PolicyListInput> {
  const c = new Collector();
  if (!isObject(input)) return { ok: false, errors: [{ path: '', message: 'must be an object' }] };
  c.unknownKeys(input, ['effective_from', 'policies'], '');
  let effectiveFrom: Instant | null = null;
  if (input.effective_from !== undefined) {
    const parsed =
      typeof input.effective_from === 'string'
        ? parseInstant(input.effective_from)
        : 'must be an RFC 3339 timestamp with offset';
    if (typeof parsed === 'number') effectiveFrom = parsed;
    else c.add('/effective_from', parsed);
  }
  const policies = input.policies;
  if (!Array.isArray(policies)) {
    c.add('/policies', 'must be an array');
  } else if (policies.length > MAX_POLICIES) {
    c.add('/policies', `must have at most ${MAX_POLICIES} policies`);
  } else {
    const seen = new Set<string>();
    policies.forEach((p, i) =>
      validatePolicy(p, pointer('policies', i), c, seen, knownCalendarIds),
    );
  }
  if (c.errors.length > 0) return { ok: false, errors: c.errors };
  return { ok: true, value: { effectiveFrom, policies: (policies as SlaPolicy[]).map(withMatch) } };
}

function withMatch(p: SlaPolicy): SlaPolicy {
  return p.match === undefined ? { ...p, match: {} } : p;
}
