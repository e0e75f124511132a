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
  schema_migration: SchemaMigrationTable;
}
