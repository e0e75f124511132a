/**
 * Validation of a `PUT /v1/sla-policies` body (spec: metrics.md, "SLA policies").
 *
 * Every problem is reported, each with a JSON-pointer `path` into the input
 * (`/policies/1/targets/resolution`), so a caller can fix them all in one round trip.
 */
import { TICKET_STATUSES, type Instant, type TicketStatus } from '../events.js';
import { parseRfc3339 as parseInstant } from '../time/rfc3339.js';
import {
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
    list.forEach((item, i) => {
      const ok =
        key === 'tier' ? Number.isInteger(item) && (item as number) >= 1 : typeof item === 'string';
      if (!ok)
        c.add(path + pointer(i), key === 'tier' ? 'must be an integer >= 1' : 'must be a string');
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
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      c.add(base + pointer(metric), 'must be a number of seconds >= 0');
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
        c.add(path, `unknown status ${JSON.stringify(s)}`);
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
  if (typeof id !== 'string' || id.length === 0 || id.length > 256) {
    c.add(base + '/id', 'must be a string of 1-256 characters');
  } else if (seenIds.has(id)) {
    c.add(base + '/id', `duplicate policy id "${id}"`);
  } else {
    seenIds.add(id);
  }
  if (name !== undefined && typeof name !== 'string') c.add(base + '/name', 'must be a string');
  if (typeof calendarId !== 'string') c.add(base + '/calendar_id', 'must be a calendar id');
  else if (!knownCalendar(calendarId))
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
    effectiveFrom =
      typeof input.effective_from === 'string' ? parseRfc3339(input.effective_from) : null;
    if (effectiveFrom === null)
      c.add('/effective_from', 'must be an RFC 3339 timestamp with offset');
  }
  const policies = input.policies;
  if (!Array.isArray(policies)) {
    c.add('/policies', 'must be an array');
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
