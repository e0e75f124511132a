/**
 * Versions of the ordered SLA policy list (metrics.md, "SLA policies"). A new version is stored,
 * the configuration revision bumped and the recomputation recorded in one transaction; the job
 * runs after the commit.
 */
import { insertAudit, type AuditActor } from '../storage/audit.repository.js';
import { validatePolicyList } from '../core/policy/index.js';
import type { RecomputeScope } from '../storage/recompute-job.repository.js';
import {
  insertPolicyVersion,
  listPolicyVersions,
  type StoredPolicyVersion,
} from '../storage/sla-policy.repository.js';
import { bumpConfigRevision } from '../storage/tenant.repository.js';
import type { ConfigError, TenantConfigDeps } from './config-deps.js';

export type { StoredPolicyVersion };

export type PutPolicyResult =
  | { ok: true; jobId: string; versions: StoredPolicyVersion[] }
  | { ok: false; errors: ConfigError[] };

/** A version that becomes the earliest one also governs everything before it: recompute all. */
function policyScope(existing: StoredPolicyVersion[], effectiveFrom: number): RecomputeScope {
  const earliest = Math.min(...existing.map((v) => v.effectiveFrom));
  return existing.length === 0 || effectiveFrom <= earliest
    ? { kind: 'all' }
    : { kind: 'created', from: effectiveFrom };
}

/**
 * Validates `body` (a policy may only name a calendar the tenant has) and stores it as the next
 * version, in force from its effective_from or `now`. Returns every version after the change.
 */
export async function putPolicyVersion(
  deps: TenantConfigDeps,
  tenantId: string,
  body: unknown,
  now: number,
  actor?: AuditActor,
): Promise<PutPolicyResult> {
  const calendars = await deps.calendars.loadAll(deps.db, tenantId);
  const checked = validatePolicyList(body, (id) => calendars.has(id));
  if (!checked.ok) return { ok: false, errors: checked.errors };
  const effectiveFrom = checked.value.effectiveFrom ?? now;
  const jobId = await deps.db.transaction().execute(async (trx) => {
    const existing = await listPolicyVersions(trx, tenantId);
    await insertPolicyVersion(trx, tenantId, effectiveFrom, checked.value.policies);
    await bumpConfigRevision(trx, tenantId);
    if (actor !== undefined) {
      await insertAudit(trx, {
        tenantId,
        actor,
        action: 'sla_policies.changed',
        details: {
          effective_from: new Date(effectiveFrom).toISOString(),
          policies: checked.value.policies.map((p) => p.id),
        },
      });
    }
    return deps.jobs.create(
      trx,
      tenantId,
      'sla policies changed',
      policyScope(existing, effectiveFrom),
    );
  });
  deps.jobs.kick();
  return { ok: true, jobId, versions: await listPolicyVersions(deps.db, tenantId) };
}

export async function getPolicyVersions(
  deps: Pick<TenantConfigDeps, 'db'>,
  tenantId: string,
): Promise<StoredPolicyVersion[]> {
  return listPolicyVersions(deps.db, tenantId);
}
