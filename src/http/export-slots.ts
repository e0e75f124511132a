/**
 * How many reports and exports a tenant streams at once (DESKMETRICS_EXPORTS_PER_TENANT): each
 * holds a database connection for as long as its client reads, so one tenant's BI tool opening
 * dozens must not take every connection of the node. Past the cap: `429 too_many_exports` with
 * `Retry-After`; a slot is given back when its response ends, however it ends.
 */
import type { FastifyReply } from 'fastify';
import { ApiError } from './errors.js';

/** Seconds a client refused a slot is told to wait. */
export const EXPORT_RETRY_AFTER_SECONDS = 5;

export interface ExportSlots {
  /** Takes a slot for the tenant until `reply` ends; throws a 429 when none is free. */
  take(tenantId: string, reply: FastifyReply): void;
}

export function exportSlots(perTenant: number): ExportSlots {
  const busy = new Map<string, number>();
  return {
    take(tenantId, reply) {
      if (perTenant === 0) return;
      const n = busy.get(tenantId) ?? 0;
      if (n >= perTenant) {
        reply.header('retry-after', String(EXPORT_RETRY_AFTER_SECONDS));
        throw new ApiError(
          429,
          'too_many_exports',
          `this tenant already streams ${perTenant} reports or exports at once; retry when one ends`,
        );
      }
      busy.set(tenantId, n + 1);
      let given = false;
      const giveBack = () => {
        if (given) return;
        given = true;
        const left = (busy.get(tenantId) ?? 1) - 1;
        if (left === 0) busy.delete(tenantId);
        else busy.set(tenantId, left);
      };
      reply.raw.once('close', giveBack);
      reply.raw.once('finish', giveBack);
    },
  };
}
