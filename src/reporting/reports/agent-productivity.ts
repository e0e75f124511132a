/**
 * The HR export (GET /v1/exports/agent-productivity): per agent and period, what the agent did
 * and owned, each rate with its sample size so nobody is judged on three tickets (metrics.md,
 * "Attribution").
 *
 * Its figures are the KPI API's own answers grouped by `agent` (sla, fcr, handle-time, volume:
 * the same code, the same query), joined per agent and period; to those it adds what no KPI
 * endpoint serves: responses authored (from the event log) and escalation events raised while
 * owning the ticket (the escalation rollup). Figures of unassigned tickets (no agent) are left
 * out: they are nobody's.
 */
import type { ReportColumn, ReportRow, ReportTable } from '../../core/report/table.js';
import { countAgentResponses } from '../../storage/agent-activity.repository.js';
import { readKpiContext } from '../../storage/data-version.repository.js';
import { sumRollup } from '../../storage/kpi.repository.js';
import { groupedQuery, rate, type KpiRow } from '../kpis/grouped.js';
import { answerKpi, type KpiServiceDeps } from '../kpis/index.js';
import { KpiParamError, parseKpiQuery, type RawKpiQuery } from '../kpis/query.js';
import { RANGE_GROUPS } from '../kpis/range-kpis.js';

type Spec = [string, ReportColumn['type'], string];

const SPECS: Spec[] = [
  ['agent_id', 'string', 'The agent.'],
  ['period_start', 'timestamp', 'Start of the period (local calendar periods of `timezone`).'],
  ['period_end', 'timestamp', 'End of the period (exclusive).'],
  ['tickets_solved', 'int', 'Tickets first solved while the agent owned them (KPI volume.solved).'],
  ['responses_authored', 'int', 'Public agent responses the agent wrote.'],
  ['contacts_handled', 'int', 'Contacts the agent completed (KPI handle-time.contacts).'],
  ['handle_seconds', 'float', 'Talk + hold + wrap seconds of those contacts.'],
  ['talk_seconds', 'float', 'Talk seconds.'],
  ['hold_seconds', 'float', 'Hold seconds.'],
  ['wrap_seconds', 'float', 'After-contact work seconds.'],
  [
    'aht_seconds',
    'float',
    'Average handle time: handle_seconds / contacts_handled; null with no contact.',
  ],
  [
    'fcr_cohort',
    'int',
    'FCR cohort: tickets first solved while owned (not agent-created; KPI fcr.solved).',
  ],
  ['fcr', 'int', 'Cohort tickets resolved at first contact.'],
  ['zero_touch', 'int', 'Cohort tickets solved with no touch (outside the FCR rate).'],
  ['fcr_rate', 'float', 'fcr / n_fcr; null when n_fcr is 0.'],
  ['reopened', 'int', 'Cohort tickets reopened within the FCR window.'],
  ['reopen_rate', 'float', 'reopened / fcr_cohort; null when the cohort is empty.'],
  ['escalated', 'int', 'Cohort tickets escalated before their first solve.'],
  ['escalations_raised', 'int', 'Escalation events on tickets the agent owned at that instant.'],
  ['sla_achieved', 'int', 'SLA clocks achieved while the agent owned the ticket at the decision.'],
  ['sla_breached', 'int', 'SLA clocks breached while the agent owned the ticket at the decision.'],
  ['sla_compliance', 'float', 'sla_achieved / n_sla_decided; null when none was decided.'],
  ['n_solved', 'int', 'Sample size of tickets_solved.'],
  ['n_fcr', 'int', 'Sample size of fcr_rate: cohort tickets with at least one touch.'],
  ['n_contacts', 'int', 'Sample size of aht_seconds.'],
  ['n_sla_decided', 'int', 'Sample size of sla_compliance: clocks decided (achieved + breached).'],
];

const NULLABLE = new Set(['aht_seconds', 'fcr_rate', 'reopen_rate', 'sla_compliance']);

export const AGENT_PRODUCTIVITY: ReportTable = {
  name: 'agent-productivity',
  columns: SPECS.map(([name, type, description]) => ({
    name,
    type,
    description,
    nullable: NULLABLE.has(name),
    ...(name === 'agent_id' ? { dictionary: true } : {}),
  })),
};

/** The KPI query parameters the export passes through (group_by is always `agent`). */
const PASSED = [
  'from',
  'to',
  'interval',
  'timezone',
  'team',
  'agent',
  'priority',
  'channel',
  'category',
];

interface Acc {
  agent: string;
  period: number;
  v: Record<string, number>;
}

export interface AgentProductivity {
  table: ReportTable;
  rows: ReportRow[];
  fileStem: string;
}

export async function agentProductivity(
  deps: KpiServiceDeps,
  tenantId: string,
  raw: RawKpiQuery,
  now: number,
): Promise<AgentProductivity> {
  for (const name of ['group_by', 'compare']) {
    if (raw[name] !== undefined)
      throw new KpiParamError(
        `/${name}`,
        `${name} is not a parameter of this export (rows are per agent and period)`,
      );
  }
  const kpiRaw: RawKpiQuery = { group_by: 'agent' };
  for (const name of PASSED) if (raw[name] !== undefined) kpiRaw[name] = raw[name];
  const { timezone } = await readKpiContext(deps.db, tenantId);
  const q = parseKpiQuery(kpiRaw, timezone, RANGE_GROUPS);
  const starts = q.periods.map((p) => p.start);
  const periodOf = new Map(starts.map((s, i) => [new Date(s).toISOString(), i]));
  const acc = new Map<string, Acc>();
  const add = (period: number, agent: string | null, values: Record<string, number>) => {
    if (agent === null) return;
    const key = `${period}\u0000${agent}`;
    let a = acc.get(key);
    if (a === undefined) acc.set(key, (a = { agent, period, v: {} }));
    for (const [k, v] of Object.entries(values)) a.v[k] = (a.v[k] ?? 0) + v;
  };
  const kpi = async (endpoint: 'sla' | 'fcr' | 'handle-time' | 'volume') => {
    const answer = await answerKpi(deps, tenantId, endpoint, kpiRaw, { now });
    if (answer.notModified) return [];
    return (answer.body as { rows: KpiRow[] }).rows;
  };
  const period = (row: KpiRow) =>
    row.period_start === undefined ? 0 : periodOf.get(row.period_start)!;
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  for (const r of await kpi('volume'))
    add(period(r), r.agent as string | null, { tickets_solved: num(r.solved) });
  for (const r of await kpi('handle-time')) {
    add(period(r), r.agent as string | null, {
      contacts_handled: num(r.contacts),
      handle_seconds: num(r.handle_seconds),
      talk_seconds: num(r.talk_seconds),
      hold_seconds: num(r.hold_seconds),
      wrap_seconds: num(r.wrap_seconds),
    });
  }
  for (const r of await kpi('fcr')) {
    add(period(r), r.agent as string | null, {
      fcr_cohort: num(r.solved),
      fcr: num(r.fcr),
      zero_touch: num(r.zero_touch),
      reopened: num(r.reopened),
      escalated: num(r.escalated),
    });
  }
  for (const r of await kpi('sla')) {
    add(period(r), r.agent as string | null, {
      sla_achieved: num(r.achieved),
      sla_breached: num(r.breached),
    });
  }
  const grouped = groupedQuery(q, q.periods, q.from, q.to);
  const escalations = await sumRollup(deps.db, tenantId, 'escalation', ['escalations'], grouped);
  for (const r of escalations)
    add(r.period, r.keys.agent ?? null, { escalations_raised: r.sums.escalations ?? 0 });
  const responses = await countAgentResponses(deps.db, tenantId, {
    from: q.from,
    to: q.to,
    periodStarts: q.interval === 'none' ? [q.from] : starts,
  });
  for (const r of responses) add(r.period, r.agent, { responses_authored: r.count });
  const rows = [...acc.values()]
    .filter((a) => Object.values(a.v).some((v) => v !== 0))
    .sort((x, y) => x.period - y.period || (x.agent < y.agent ? -1 : x.agent > y.agent ? 1 : 0))
    .map((a) => rowOf(a, q.periods[a.period]!));
  const fileStem = `agent-productivity_${new Date(q.from).toISOString().slice(0, 10)}_${new Date(q.to).toISOString().slice(0, 10)}`;
  return { table: AGENT_PRODUCTIVITY, rows, fileStem };
}

function rowOf(a: Acc, p: { start: number; end: number }): ReportRow {
  const v = (k: string) => a.v[k] ?? 0;
  const nFcr = v('fcr_cohort') - v('zero_touch');
  const decided = v('sla_achieved') + v('sla_breached');
  const values: Record<string, number | string | null> = {
    agent_id: a.agent,
    period_start: p.start,
    period_end: p.end,
    tickets_solved: v('tickets_solved'),
    responses_authored: v('responses_authored'),
    contacts_handled: v('contacts_handled'),
    handle_seconds: v('handle_seconds'),
    talk_seconds: v('talk_seconds'),
    hold_seconds: v('hold_seconds'),
    wrap_seconds: v('wrap_seconds'),
    aht_seconds: rate(v('handle_seconds'), v('contacts_handled')),
    fcr_cohort: v('fcr_cohort'),
    fcr: v('fcr'),
    zero_touch: v('zero_touch'),
    fcr_rate: rate(v('fcr'), nFcr),
    reopened: v('reopened'),
    reopen_rate: rate(v('reopened'), v('fcr_cohort')),
    escalated: v('escalated'),
    escalations_raised: v('escalations_raised'),
    sla_achieved: v('sla_achieved'),
    sla_breached: v('sla_breached'),
    sla_compliance: rate(v('sla_achieved'), decided),
    n_solved: v('tickets_solved'),
    n_fcr: nFcr,
    n_contacts: v('contacts_handled'),
    n_sla_decided: decided,
  };
  return AGENT_PRODUCTIVITY.columns.map((c) => values[c.name] ?? null);
}
