/**
 * The query parameters of GET /v1/reports/{name}, checked: the KPI filters, `from`/`to` (any
 * instant), `timezone` (kpi-daily's local days) and `updated_since`. An incremental pull is of
 * the whole table: a filter or range with it would let a row that left the filter go unreported,
 * so the combination is refused.
 */
import {
  filtersOf,
  instantOf,
  KpiParamError,
  timezoneOf,
  type RawKpiQuery,
} from '../kpis/query.js';
import { CursorError, decodeCursor, type ReportCursor } from './cursor.js';

export interface ReportQuery {
  from?: number | undefined;
  to?: number | undefined;
  timezone: string;
  filters: Partial<Record<string, string[]>>;
  since?: ReportCursor | undefined;
}

/** The longest filter value accepted (ids and names). */
const MAX_VALUE_LENGTH = 256;

export function parseReportQuery(
  raw: RawKpiQuery,
  tenantId: string,
  report: string,
  tenantZone: string,
): ReportQuery {
  const from = raw.from === undefined ? undefined : instantOf(raw, 'from');
  const to = raw.to === undefined ? undefined : instantOf(raw, 'to');
  if (from !== undefined && to !== undefined && to <= from) {
    throw new KpiParamError('/to', 'to must be after from (the range is [from, to))');
  }
  const filters = filtersOf(raw);
  for (const [name, values] of Object.entries(filters)) {
    for (const v of values ?? []) {
      if (v.length > MAX_VALUE_LENGTH || v.includes('\u0000')) {
        throw new KpiParamError(
          `/${name}`,
          `${name} values are at most ${MAX_VALUE_LENGTH} characters, without NUL`,
        );
      }
    }
  }
  const timezone = timezoneOf(raw, tenantZone);
  let since: ReportCursor | undefined;
  if (raw.updated_since !== undefined) {
    try {
      since = decodeCursor(raw.updated_since, tenantId, report);
    } catch (error) {
      if (error instanceof CursorError) throw new KpiParamError('/updated_since', error.message);
      throw error;
    }
    const narrowed = ['from', 'to', ...Object.keys(filters)].find((k) => raw[k] !== undefined);
    if (narrowed !== undefined) {
      throw new KpiParamError(
        `/${narrowed}`,
        `${narrowed} cannot be combined with updated_since: incremental pulls are of the whole table`,
      );
    }
  }
  return { from, to, timezone, filters, since };
}
