/**
 * The audit log (issue 17; api.md, `GET /v1/audit`): who did what, when, with which key. Rows are
 * only ever inserted — in the transaction of the change they record where there is one — and read
 * in `audit_id` order, the order they were written.
 */
import type { Kysely } from 'kysely';
import type { DB } from './schema.js';

/** Who acted: an API key (by id and name), a command on the service's machine, or the service. */
export type AuditActor =
  | { kind: 'key'; keyId: string; keyName: string | null; requestId?: string }
  | { kind: 'cli' }
  | { kind: 'system' };

export interface AuditEntry {
  tenantId: string;
  actor: AuditActor;
  /** `key.created`, `key.revoked`, `calendar.changed`, `sla_policies.changed`, `tenant.changed`, `hr_export.pulled`. */
  action: string;
  /** What it was done to (a key id, a calendar id…), when there is one thing. */
  target?: string | null;
  /** The parameters of the action (a JSON object). */
  details?: Record<string, unknown>;
}

export async function insertAudit(db: Kysely<DB>, entry: AuditEntry): Promise<void> {
  const { actor } = entry;
  await db
    .insertInto('audit_log')
    .values({
      tenant_id: entry.tenantId,
      actor: actor.kind,
      key_id: actor.kind === 'key' ? actor.keyId : null,
      key_name: actor.kind === 'key' ? actor.keyName : null,
      request_id: actor.kind === 'key' ? (actor.requestId ?? null) : null,
      action: entry.action,
      target: entry.target ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

export interface StoredAudit {
  audit_id: string;
  at: Date;
  actor: string;
  key_id: string | null;
  key_name: string | null;
  action: string;
  target: string | null;
  details: unknown;
  request_id: string | null;
}

export interface AuditQuery {
  /** Only entries at or after / before these instants (epoch ms). */
  from?: number;
  to?: number;
  actions?: readonly string[];
  /** Only entries written after this one (a previous page's last `audit_id`). */
  after?: string;
  limit: number;
}

/** The tenant's entries in the order they were written, at most `limit`. */
export async function listAudit(
  db: Kysely<DB>,
  tenantId: string,
  query: AuditQuery,
): Promise<StoredAudit[]> {
  let q = db
    .selectFrom('audit_log')
    .select([
      'audit_id',
      'at',
      'actor',
      'key_id',
      'key_name',
      'action',
      'target',
      'details',
      'request_id',
    ])
    .where('tenant_id', '=', tenantId);
  if (query.from !== undefined) q = q.where('at', '>=', new Date(query.from));
  if (query.to !== undefined) q = q.where('at', '<', new Date(query.to));
  if (query.actions !== undefined && query.actions.length > 0) {
    q = q.where('action', 'in', query.actions);
  }
  if (query.after !== undefined) q = q.where('audit_id', '>', query.after);
  const rows = await q.orderBy('audit_id').limit(query.limit).execute();
  return rows.map((r) => ({ ...r, audit_id: String(r.audit_id) }));
}
