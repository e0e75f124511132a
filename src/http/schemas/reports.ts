/** Query strings of `/v1/reports/{name}` and `/v1/exports/agent-productivity` (api.md "Formats"). */
import { Type } from '@sinclair/typebox';
import { FILTERS, Instant } from './kpis.js';

export const REPORT_FORMATS = ['json', 'ndjson', 'csv', 'arrow', 'parquet'] as const;
export const EXPORT_FORMATS = [...REPORT_FORMATS, 'xlsx'] as const;

const Timezone = (description: string) =>
  Type.Optional(Type.String({ maxLength: 64, description }));

export const ReportQuery = Type.Object(
  {
    format: Type.Optional(
      Type.String({
        enum: [...REPORT_FORMATS],
        description: 'the body format; default from the Accept header, else json',
      }),
    ),
    from: Type.Optional(
      Instant(
        'rows from this instant: tickets by created_at, sla-instances by started_at, contacts by ended_at, status-intervals overlapping, kpi-daily by bucket',
      ),
    ),
    to: Type.Optional(Instant('rows before this instant (exclusive)')),
    timezone: Timezone("kpi-daily: the IANA zone of its local days; default the tenant's"),
    updated_since: Type.Optional(
      Type.String({
        maxLength: 8192,
        description:
          'a cursor from X-Next-Cursor: only rows changed since (deletions as rows with deleted: true); not combined with filters or from/to',
      }),
    ),
    ...FILTERS,
  },
  { additionalProperties: false },
);

export const AgentProductivityQuery = Type.Object(
  {
    format: Type.Optional(
      Type.String({
        enum: [...EXPORT_FORMATS],
        description: 'the body format; default from the Accept header, else json',
      }),
    ),
    from: Instant('start of the half-open range [from, to), on a quarter hour'),
    to: Instant('end of the half-open range [from, to), on a quarter hour'),
    interval: Type.Optional(
      Type.String({
        enum: ['none', 'hour', 'day', 'week', 'month'],
        description: 'period length (as the KPI API); default none',
      }),
    ),
    timezone: Timezone("IANA zone of the periods; default the tenant's"),
    ...FILTERS,
  },
  { additionalProperties: false },
);
