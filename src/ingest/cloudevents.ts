/**
 * CloudEvents 1.0 (structured and batch JSON) → the deskmetrics envelope (events.md, Transport).
 * `subject` carries the ticket id, `time` the instant, `actortype`/`actorid` extension attributes
 * the actor; a reverse-DNS prefix on `type` (`com.acme.ticket.created`) is accepted. Other
 * context attributes and extensions are CloudEvents' own business and are ignored. Error paths are
 * translated back to CloudEvents attribute names, since that is what the sender wrote.
 */
import { EVENT_TYPES } from '../core/events.js';
import type { FieldError } from './validate-event.js';

const CE_PATHS: Record<string, string> = {
  '/ticket_id': '/subject',
  '/occurred_at': '/time',
  '/actor/type': '/actortype',
  '/actor/id': '/actorid',
  '/actor': '/actortype',
};

export interface MappedCloudEvent {
  envelope: unknown;
  errors: FieldError[];
}

function mapType(type: unknown): unknown {
  if (typeof type !== 'string') return type;
  for (const known of EVENT_TYPES) {
    if (type === known || type.endsWith(`.${known}`)) return known;
  }
  return type;
}

export function mapCloudEvent(ce: unknown): MappedCloudEvent {
  if (typeof ce !== 'object' || ce === null || Array.isArray(ce)) {
    return { envelope: ce, errors: [] };
  }
  const c = ce as Record<string, unknown>;
  const errors: FieldError[] = [];
  if (c.specversion !== '1.0') {
    errors.push({ path: '/specversion', message: 'must be "1.0"' });
  }
  if (c.data_base64 !== undefined) {
    errors.push({ path: '/data_base64', message: 'binary data is not supported; send JSON data' });
  }
  const envelope: Record<string, unknown> = {
    id: c.id,
    type: mapType(c.type),
    ticket_id: c.subject,
    occurred_at: c.time,
  };
  if (c.data !== undefined) envelope.data = c.data;
  if (c.actortype !== undefined || c.actorid !== undefined) {
    envelope.actor = {
      type: c.actortype ?? 'system',
      ...(c.actorid !== undefined ? { id: c.actorid } : {}),
    };
  }
  return { envelope, errors };
}

export function cloudEventPath(path: string): string {
  return CE_PATHS[path] ?? path;
}
