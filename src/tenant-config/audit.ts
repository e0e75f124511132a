/**
 * The audit log as the service uses it (api.md, `GET /v1/audit`): entries recorded for actions
 * that are not configuration changes (those record theirs in their own transaction: calendars,
 * SLA policies, tenant settings, keys), and the log read back as a table for the admin, in any
 * export format.
 */
import type { Kysely } from 'kysely';
import type { ReportColumn, ReportRow, ReportTable } from '../core/report/table.js';
import {
  insertAudit,
  listAudit,
  type AuditActor,
  type AuditEntry,
  type AuditQuery,
} from '../storage/audit.repository.js';
import type { DB } from '../storage/schema.js';

export type { AuditActor, AuditEntry, AuditQuery };

const column = (
  name: string,
  type: ReportColumn['type'],
  nullable: boolean,
  description: string,
  dictionary = false,
): ReportColumn => ({ name, type, nullable, description, dictionary });

export const AUDIT_TABLE: ReportTable = {
  name: 'audit',
  columns: [
    column(
      'audit_id',
      'string',
      false,
      'The entry’s id, increasing in the order entries were written.',
    ),
    column('at', 'timestamp', false, 'When it happened.'),
    column(
      'actor',
      'string',
      false,
      '`key` (an API request), `cli` (a command) or `system`.',
      true,
    ),
    column('key_id', 'string', true, 'The API key used, by its public id (actor `key`).'),
    column('key_name', 'string', true, 'The name the key was created with (actor `key`).'),
    column(
      'action',
      'string',
      false,
      'What was done: key.created, key.revoked, calendar.changed, sla_policies.changed, tenant.changed, hr_export.pulled.',
      true,
    ),
    column(
      'target',
      'string',
      true,
      'What it was done to (a key id, a calendar id), when one thing.',
    ),
    column(
      'details',
      'string',
      false,
      'Its parameters, as a JSON object (an HR export: the query and the row count).',
    ),
    column(
      'request_id',
      'string',
      true,
      'The request’s id (actor `key`), as in the service’s log.',
    ),
  ],
};

export interface AuditLog {
  /** Writes an entry (committed when it resolves). */
  record(entry: AuditEntry): Promise<void>;
  /** The tenant's entries matching `query` as rows of {@link AUDIT_TABLE}, in the order written. */
  read(tenantId: string, query: AuditQuery): Promise<{ rows: ReportRow[]; lastId: string | null }>;
}

export function auditLog(db: Kysely<DB>): AuditLog {
  return {
    record: (entry) => insertAudit(db, entry),
    async read(tenantId, query) {
      const entries = await listAudit(db, tenantId, query);
      const rows = entries.map((e): ReportRow => [
        e.audit_id,
        e.at.getTime(),
        e.actor,
        e.key_id,
        e.key_name,
        e.action,
        e.target,
        JSON.stringify(e.details ?? {}),
        e.request_id,
      ]);
      return { rows, lastId: entries.at(-1)?.audit_id ?? null };
    },
  };
}
