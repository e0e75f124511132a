/**
 * Kysely table types. Column names are the database's snake_case; timestamps arrive as Date
 * (node-postgres and PGlite both parse timestamptz to Date), bigint columns as strings.
 */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface TenantTable {
  tenant_id: string;
  name: string;
  timezone: Generated<string>;
  default_calendar_id: Generated<string>;
  config_revision: ColumnType<string, never, string | number>;
  created_at: GeneratedTimestamp;
}

export interface ApiKeyTable {
  tenant_id: string;
  key_id: string;
  key_hash: Buffer | Uint8Array;
  name: string;
  scopes: string[];
  created_at: GeneratedTimestamp;
  revoked_at: Timestamp | null;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface AuditLogTable {
  tenant_id: string;
  audit_id: Generated<string>;
  at: GeneratedTimestamp;
  actor: 'key' | 'cli' | 'system';
  key_id: string | null;
  key_name: string | null;
  action: string;
  target: string | null;
  details: ColumnType<unknown, string, string>;
  request_id: string | null;
}

export interface TicketEventTable {
  tenant_id: string;
  event_id: string;
  seq: ColumnType<string, never, never>;
  ticket_id: string;
  type: string;
  occurred_at: Timestamp;
  actor_type: string;
  actor_id: string | null;
  data: ColumnType<unknown, string, string>;
  content_hash: Buffer | Uint8Array;
  ingested_at: GeneratedTimestamp;
}

export interface CalendarVersionTable {
  tenant_id: string;
  calendar_id: string;
  version: number;
  effective_from: Timestamp;
  definition: ColumnType<unknown, string, string>;
  created_at: GeneratedTimestamp;
}

export interface SlaPolicyVersionTable {
  tenant_id: string;
  version: number;
  effective_from: Timestamp;
  policies: ColumnType<unknown, string, string>;
  created_at: GeneratedTimestamp;
}

export interface TicketTable {
  tenant_id: string;
  ticket_id: string;
  contributions: ColumnType<unknown, string | null, string | null>;
  derived: ColumnType<unknown, string | null, string | null>;
  status: string | null;
  priority: string | null;
  channel: string | null;
  team: string | null;
  assignee_id: string | null;
  category: string | null;
  created_at: Timestamp | null;
  deleted: ColumnType<boolean, boolean | undefined, boolean>;
  first_solved_at: Timestamp | null;
  policy_id: string | null;
  last_occurred_at: Timestamp | null;
  last_seq: ColumnType<string | null, string | number | null, string | number | null>;
  config_revision: ColumnType<string | null, string | number | null, string | number | null>;
  /** xid8 of the transaction that last wrote the row (as text). */
  rev: string | null;
  updated_at: GeneratedTimestamp;
}

export interface SlaClockTable {
  tenant_id: string;
  ticket_id: string;
  metric: string;
  cycle: number;
  policy_id: string;
  policy_version: number;
  calendar_id: string;
  status: string;
  stop_reason: string | null;
  started_at: Timestamp;
  stopped_at: Timestamp | null;
  target_seconds: number;
  elapsed_business_seconds: number;
  elapsed_calendar_seconds: number;
  paused_calendar_seconds: number;
  running_since: Timestamp | null;
  due_at: Timestamp | null;
  at_risk_at: Timestamp | null;
  breached_at: Timestamp | null;
  decided_at: Timestamp | null;
  team: string | null;
  agent: string | null;
  priority: string | null;
  channel: string | null;
  category: string | null;
}

export interface RecomputeJobTable {
  tenant_id: string;
  job_id: string;
  reason: string;
  status: string;
  total: ColumnType<number, number | undefined, number>;
  done: ColumnType<number, number | undefined, number>;
  error: string | null;
  created_at: GeneratedTimestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  scope: string;
  scope_from: Timestamp | null;
  cursor: string | null;
}

export interface TicketFoldFailureTable {
  tenant_id: string;
  ticket_id: string;
  error: string;
  failed_at: GeneratedTimestamp;
}

export interface SchemaMigrationTable {
  name: string;
  checksum: string;
  applied_at: GeneratedTimestamp;
}

export interface DB {
  tenant: TenantTable;
  api_key: ApiKeyTable;
  ticket_event: TicketEventTable;
  calendar_version: CalendarVersionTable;
  sla_policy_version: SlaPolicyVersionTable;
  ticket: TicketTable;
  sla_clock: SlaClockTable;
  recompute_job: RecomputeJobTable;
  ticket_fold_failure: TicketFoldFailureTable;
  schema_migration: SchemaMigrationTable;
  audit_log: AuditLogTable;
}
