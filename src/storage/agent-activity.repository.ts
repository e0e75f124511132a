/**
 * Agents' own actions that no rollup keeps: the public responses each agent authored (metrics.md,
 * "Attribution": HR figures come from the agent's own actions). Counted from the event log with
 * the fold's definition of a qualifying response (core/sla/response.ts: `ticket.message`,
 * outbound, public, by an `agent` actor), on tickets that exist and are not deleted.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';

export interface AgentCount {
  /** Index of the period (of `periodStarts`) the action falls in. */
  period: number;
  agent: string;
  count: number;
}

/** Responses authored per agent and period over `[from, to)`. */
export async function countAgentResponses(
  db: Kysely<DB>,
  tenantId: string,
  q: { from: number; to: number; periodStarts: readonly number[] },
): Promise<AgentCount[]> {
  const starts = q.periodStarts.map((t) => new Date(t).toISOString());
  const { rows } = await sql<{ period: number; agent: string; n: string }>`
    select width_bucket(e.occurred_at, ${starts}::timestamptz[]) - 1 as period,
      e.actor_id as agent, count(*) as n
    from ticket_event e
    join ticket t on t.tenant_id = e.tenant_id and t.ticket_id = e.ticket_id
    where e.tenant_id = ${tenantId}::uuid and e.type = 'ticket.message'
      and e.actor_type = 'agent' and e.actor_id is not null
      and e.occurred_at >= ${new Date(q.from)} and e.occurred_at < ${new Date(q.to)}
      and e.data->>'direction' = 'outbound' and (e.data->>'public')::boolean
      and t.status is not null and not t.deleted and e.occurred_at >= t.created_at
    group by 1, 2`.execute(db);
  return rows.map((r) => ({ period: Number(r.period), agent: r.agent, count: Number(r.n) }));
}
