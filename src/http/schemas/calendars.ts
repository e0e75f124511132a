/** OpenAPI schemas of the calendar endpoints (calendars.md, api.md). */
import { Type } from '@sinclair/typebox';

const LocalInterval = Type.Tuple(
  [Type.String({ examples: ['08:00'] }), Type.String({ examples: ['17:00'] })],
  {
    description:
      'local [start, end], HH:MM or HH:MM:SS; end may be 24:00; end <= start crosses midnight',
  },
);
const Day = Type.Array(LocalInterval);

export const CalendarDefinition = Type.Object(
  {
    name: Type.Optional(Type.String()),
    timezone: Type.String({
      description: 'IANA zone name (UTC allowed, fixed offsets not)',
      examples: ['Europe/Warsaw'],
    }),
    weekly: Type.Object(
      {
        mon: Type.Optional(Day),
        tue: Type.Optional(Day),
        wed: Type.Optional(Day),
        thu: Type.Optional(Day),
        fri: Type.Optional(Day),
        sat: Type.Optional(Day),
        sun: Type.Optional(Day),
      },
      { description: 'a missing day is closed' },
    ),
    exceptions: Type.Optional(
      Type.Array(
        Type.Object({
          date: Type.String({ format: 'date' }),
          hours: Day,
          name: Type.Optional(Type.String()),
        }),
        {
          description:
            'a local date whose hours replace the weekly intervals starting that date ([] closes it)',
        },
      ),
    ),
    holidays: Type.Optional(
      Type.Union([
        Type.Object({
          country: Type.String({ examples: ['PL'] }),
          region: Type.Optional(Type.String()),
        }),
        Type.Null(),
      ]),
    ),
  },
  { $id: 'CalendarDefinition', title: 'CalendarDefinition' },
);

export const CalendarPut = Type.Object(
  {
    name: Type.Optional(Type.String()),
    timezone: Type.String(),
    weekly: Type.Object({}, { additionalProperties: true }),
    exceptions: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
    holidays: Type.Optional(
      Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
    ),
    effective_from: Type.Optional(
      Type.String({ format: 'date-time', description: 'default: now' }),
    ),
  },
  { description: 'a CalendarDefinition plus effective_from; validated field by field' },
);

export const CalendarVersion = Type.Object(
  {
    version: Type.Integer(),
    effective_from: Type.String({ format: 'date-time' }),
    created_at: Type.String({ format: 'date-time' }),
    definition: Type.Ref(CalendarDefinition),
  },
  { $id: 'CalendarVersion', title: 'CalendarVersion' },
);

export const Calendar = Type.Object(
  {
    id: Type.String(),
    built_in: Type.Boolean(),
    current: Type.Union([Type.Ref(CalendarVersion), Type.Null()], {
      description: 'the version in force now (before the first version: the first); null for 24x7',
    }),
    versions: Type.Array(Type.Ref(CalendarVersion)),
  },
  { $id: 'Calendar', title: 'Calendar' },
);

export const BusinessTime = Type.Object(
  {
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    business_seconds: Type.Number({
      description: 'open time in [from, to); negative when to < from',
    }),
    calendar_seconds: Type.Number(),
  },
  { $id: 'BusinessTime', title: 'BusinessTime' },
);

export const BusinessAdd = Type.Object(
  {
    from: Type.String({ format: 'date-time' }),
    seconds: Type.Number(),
    due_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description:
        'the earliest instant with `seconds` of business time since from; null if the calendar never has that much open time',
    }),
  },
  { $id: 'BusinessAdd', title: 'BusinessAdd' },
);
