/**
 * The fold's view of a tenant's configuration (policy versions, calendars, default calendar),
 * cached per tenant by `config_revision`. Reading the revision takes a share lock on the tenant
 * row: a configuration change (which locks it for update) waits for batches in flight, and every
 * batch after it sees the new revision — no batch folds with a half-old configuration.
 */
import type { Kysely } from 'kysely';
import type { FoldContext } from '../core/ticket/index.js';
import { listPolicyVersions } from '../storage/sla-policy.repository.js';
import type { DB } from '../storage/schema.js';
import { readConfigRevision } from '../storage/tenant.repository.js';
import type { CalendarRegistry } from './calendar-registry.js';

export const FCR_WINDOW_DAYS = 7;

export interface TenantContext {
  revision: number;
  ctx: FoldContext;
}

export class FoldContextProvider {
  private readonly cache = new Map<string, TenantContext>();

  constructor(private readonly calendars: CalendarRegistry) {}

  async forUpdate(db: Kysely<DB>, tenantId: string): Promise<TenantContext> {
    return this.load(db, tenantId, true);
  }

  /**
   * The context for a reader (the ticket timeline): the configuration as of now, without the
   * share lock — a reader must not wait for, nor hold up, a configuration change.
   */
  async forRead(db: Kysely<DB>, tenantId: string): Promise<TenantContext> {
    return this.load(db, tenantId, false);
  }

  private async load(db: Kysely<DB>, tenantId: string, lock: boolean): Promise<TenantContext> {
    const tenant = await readConfigRevision(db, tenantId, lock);
    if (!tenant) throw new Error(`unknown tenant ${tenantId}`);
    const { revision } = tenant;
    const cached = this.cache.get(tenantId);
    if (cached?.revision === revision) return cached;
    const [policyVersions, calendars] = await Promise.all([
      listPolicyVersions(db, tenantId),
      this.calendars.loadAll(db, tenantId),
    ]);
    const ctx: FoldContext = {
      policyVersions,
      calendar: (id) => calendars.get(id)?.calendar,
      defaultCalendarId: tenant.defaultCalendarId,
      fcrWindowDays: FCR_WINDOW_DAYS,
    };
    const entry = { revision, ctx };
    this.cache.set(tenantId, entry);
    return entry;
  }
}
