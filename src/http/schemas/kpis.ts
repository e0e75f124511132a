/** Query strings and responses of `/v1/kpis/*` (api.md "KPI parameters", "KPI response"). */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const Instant = (description: string) =>
  Type.String({ maxLength: 64, description: `RFC 3339 instant with an offset; ${description}` });
const List = (description: string) => Type.String({ maxLength: 65_536, description });

export const FILTERS = {
  team: Type.Optional(List('filter: comma list of teams (groups)')),
  agent: Type.Optional(List('filter: comma list of agents')),
  priority: Type.Optional(List('filter: comma list of priorities')),
  channel: Type.Optional(List('filter: comma list of channels')),
  category: Type.Optional(List('filter: comma list of categories')),
};

const RANGE = {
  from: Type.Optional(Instant('start of the half-open range [from, to), on a quarter hour')),
  to: Type.Optional(Instant('end of the half-open range [from, to), on a quarter hour')),
  timezone: Type.Optional(
    Type.String({ maxLength: 64, description: "IANA zone of the periods; default the tenant's" }),
  ),
  interval: Type.Optional(
    Type.String({
      enum: ['none', 'hour', 'day', 'week', 'month'],
      description: 'period length; week is the ISO week (Monday); hour covers at most 93 days',
    }),
  ),
  compare: Type.Optional(
    Type.String({
      enum: ['previous_period', 'previous_year'],
      description: 'each row also carries the same measures for that window, under `previous`',
    }),
  ),
  ...FILTERS,
};

const groupBy = (keys: string) => Type.Optional(List(`comma list of ${keys}`));

export const RangeQuery = (keys: string) =>
  Type.Object({ ...RANGE, group_by: groupBy(keys) }, { additionalProperties: false });

export const BacklogQuery = Type.Object(
  {
    as_of: Type.Optional(Instant('the instant of the backlog; default now')),
    timezone: RANGE.timezone,
    buckets: Type.Optional(
      Type.String({
        maxLength: 2048,
        description:
          'ascending age boundaries (seconds, or with a unit: 90m, 4h, 3d, 2w); default 1d,3d,7d,14d,30d,90d',
      }),
    ),
    age: Type.Optional(
      Type.String({
        enum: ['calendar', 'business'],
        description: "business: on each ticket's policy calendar",
      }),
    ),
    compare: Type.Optional(Type.String({ enum: ['previous_year'] })),
    group_by: groupBy('team, agent, priority, channel, category, policy'),
    ...FILTERS,
  },
  { additionalProperties: false },
);

export const BacklogTrendQuery = RangeQuery('team, agent, priority, channel, category, policy');

/**
 * A primitive or null, as one JSON Schema `type` list (OpenAPI 3.1) rather than `anyOf`: the
 * response serializer writes a type list directly, while each `anyOf` costs a validation per
 * value — hundreds per KPI answer.
 */
const Nullable = <T extends TSchema>(s: T) =>
  Type.Unsafe<Static<T> | null>({ ...s, type: [s.type as string, 'null'] });
const Count = Type.Integer({ minimum: 0 });
const Rate = Nullable(Type.Number({ description: 'null when the denominator is empty' }));
const Seconds = Nullable(Type.Number());

const GROUP_KEYS = {
  period_start: Type.Optional(Type.String({ format: 'date-time' })),
  team: Type.Optional(Nullable(Type.String())),
  agent: Type.Optional(Nullable(Type.String())),
  priority: Type.Optional(Nullable(Type.String())),
  channel: Type.Optional(Nullable(Type.String())),
  category: Type.Optional(Nullable(Type.String())),
  policy: Type.Optional(Nullable(Type.String())),
  metric: Type.Optional(Nullable(Type.String())),
};

function rangeResponse(id: string, measures: Record<string, TSchema>) {
  const Row = Type.Object({
    ...GROUP_KEYS,
    ...measures,
    previous: Type.Optional(Type.Object(measures)),
  });
  return Type.Object(
    {
      definition: Type.Object({ name: Type.String() }, { additionalProperties: true }),
      from: Type.String({ format: 'date-time' }),
      to: Type.String({ format: 'date-time' }),
      timezone: Type.String(),
      interval: Type.String(),
      group_by: Type.Array(Type.String()),
      compare: Type.Optional(
        Type.Object({ kind: Type.String(), from: Type.String(), to: Type.String() }),
      ),
      rows: Type.Array(Row),
    },
    { $id: id, title: id },
  );
}

export const SlaKpi = rangeResponse('SlaKpi', {
  achieved: Count,
  breached: Count,
  compliance: Rate,
  elapsed_business_seconds_avg: Seconds,
  elapsed_business_seconds_p50: Seconds,
  elapsed_business_seconds_p90: Seconds,
});

export const FcrKpi = rangeResponse('FcrKpi', {
  solved: Count,
  fcr: Count,
  zero_touch: Count,
  fcr_rate: Rate,
  pending_confirmation: Count,
  reopened: Count,
  reopen_rate: Rate,
  escalated: Count,
});

export const HandleTimeKpi = rangeResponse('HandleTimeKpi', {
  contacts: Count,
  talk_seconds: Type.Number(),
  hold_seconds: Type.Number(),
  wrap_seconds: Type.Number(),
  handle_seconds: Type.Number(),
  aht_seconds: Seconds,
  handle_seconds_p50: Seconds,
  handle_seconds_p90: Seconds,
});

export const VolumeKpi = rangeResponse('VolumeKpi', {
  created: Count,
  solved: Count,
  reopens: Count,
  deleted: Count,
});

const AgeBucket = Type.Object({
  label: Type.String(),
  min_seconds: Type.Number(),
  max_seconds: Nullable(Type.Number()),
  count: Count,
});

const BacklogMeasures = {
  as_of: Type.String({ format: 'date-time' }),
  total: Count,
  actionable: Count,
  age_seconds_avg: Seconds,
  buckets: Type.Array(AgeBucket),
};

export const BacklogKpi = Type.Object(
  {
    definition: Type.Object({ name: Type.String() }, { additionalProperties: true }),
    as_of: Type.String({ format: 'date-time' }),
    timezone: Type.String(),
    group_by: Type.Array(Type.String()),
    compare: Type.Optional(Type.Object({ kind: Type.String(), as_of: Type.String() })),
    rows: Type.Array(
      Type.Object({
        ...GROUP_KEYS,
        ...BacklogMeasures,
        previous: Type.Optional(Type.Object(BacklogMeasures)),
      }),
    ),
  },
  { $id: 'BacklogKpi', title: 'BacklogKpi' },
);

export const BacklogTrendKpi = Type.Object(
  {
    definition: Type.Object({ name: Type.String() }, { additionalProperties: true }),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    timezone: Type.String(),
    interval: Type.String(),
    group_by: Type.Array(Type.String()),
    rows: Type.Array(
      Type.Object({
        ...GROUP_KEYS,
        period_end: Type.String({ format: 'date-time' }),
        total: Count,
        actionable: Count,
        previous: Type.Optional(
          Type.Object({ period_end: Type.String(), total: Count, actionable: Count }),
        ),
      }),
    ),
  },
  { $id: 'BacklogTrendKpi', title: 'BacklogTrendKpi' },
);

export const KPI_SCHEMAS = [SlaKpi, FcrKpi, HandleTimeKpi, VolumeKpi, BacklogKpi, BacklogTrendKpi];
