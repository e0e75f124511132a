/**
 * Calendars (calendars.md, api.md): new versions by PUT, definitions and versions by GET, and the
 * business-time arithmetic every metric uses, exposed so users can check it for themselves.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ALWAYS_OPEN_CALENDAR_ID, validateCalendarDefinition } from '../../core/calendar/index.js';
import { MAX_DURATION_SECONDS } from '../../core/domain.js';
import type {
  LoadedCalendar,
  StoredCalendarVersion,
} from '../../tenant-config/calendar-registry.js';
import { putCalendarVersion } from '../../tenant-config/calendar-versions.js';
import type { TenantConfigDeps } from '../../tenant-config/config-deps.js';
import { prepareCalendar } from '../../tenant-config/prepare-calendars.js';
import { ApiError } from '../errors.js';
import { instantParam, iso } from '../params.js';
import { actorOf, tenantOf } from '../plugins/auth.js';
import { bodyErrorResponses, errorResponses } from '../schemas/common.js';
import { BusinessAdd, BusinessTime, Calendar, CalendarPut } from '../schemas/calendars.js';

export interface CalendarRoutesOptions extends TenantConfigDeps {
  now?: () => number;
}

const CalendarIdParams = Type.Object({
  calendar_id: Type.String({
    minLength: 1,
    maxLength: 128,
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  }),
});
type IdRequest = FastifyRequest<{ Params: { calendar_id: string } }>;

function versionBody(v: StoredCalendarVersion) {
  return {
    version: v.version,
    effective_from: iso(v.effectiveFrom),
    created_at: v.createdAt.toISOString(),
    definition: v.definition,
  };
}

function calendarBody(loaded: LoadedCalendar, now: number) {
  const inForce =
    loaded.versions.filter((v) => v.effectiveFrom <= now).at(-1) ?? loaded.versions[0];
  return {
    id: loaded.id,
    built_in: loaded.id === ALWAYS_OPEN_CALENDAR_ID,
    current: inForce ? versionBody(inForce) : null,
    versions: loaded.versions.map(versionBody),
  };
}

async function loadOr404(
  options: CalendarRoutesOptions,
  request: IdRequest,
): Promise<LoadedCalendar> {
  const loaded = await options.calendars.load(
    options.db,
    tenantOf(request),
    request.params.calendar_id,
  );
  if (!loaded)
    throw new ApiError(
      404,
      'not_found',
      `no calendar "${request.params.calendar_id}"`,
      '/calendar_id',
    );
  return loaded;
}

const tags = ['calendars'];
const security = [{ bearerAuth: [] }];

/** A new version of a calendar (never of the built-in 24x7). */
function putCalendarRoute(
  app: FastifyInstance,
  options: CalendarRoutesOptions,
  now: () => number,
): void {
  app.put(
    '/v1/calendars/:calendar_id',
    {
      config: { scope: 'config:write' },
      schema: {
        operationId: 'putCalendar',
        tags,
        security,
        summary: 'Store a new calendar version',
        description:
          'The version is in force from effective_from (default now); the past keeps the versions it was counted with.',
        params: CalendarIdParams,
        body: CalendarPut,
        response: {
          200: Type.Intersect([
            Type.Ref(Calendar),
            Type.Object({ recompute_job_id: Type.String() }),
          ]),
          ...bodyErrorResponses,
        },
      },
    },
    async (
      request: FastifyRequest<{ Params: { calendar_id: string }; Body: Record<string, unknown> }>,
    ) => {
      const tenantId = tenantOf(request);
      const { calendar_id: calendarId } = request.params;
      if (calendarId === ALWAYS_OPEN_CALENDAR_ID) {
        throw new ApiError(
          400,
          'invalid_parameter',
          '24x7 is the built-in always-open calendar',
          '/calendar_id',
        );
      }
      const { effective_from: effective, ...definition } = request.body;
      const effectiveFrom =
        effective === undefined ? now() : instantParam(effective, 'effective_from', 'body');
      const checked = validateCalendarDefinition(definition);
      if (!checked.ok) {
        const first = checked.errors[0];
        const all = checked.errors.map((e) => `${e.path || '/'} ${e.message}`).join('; ');
        throw new ApiError(400, 'invalid_body', all, first?.path);
      }
      const { jobId, calendar } = await putCalendarVersion(options, {
        tenantId,
        calendarId,
        effectiveFrom,
        definition: checked.value,
        actor: actorOf(request),
      });
      return { ...calendarBody(calendar, now()), recompute_job_id: jobId };
    },
  );
}

/** Every calendar, and one calendar, each with the version in force and all versions. */
function readCalendarRoutes(
  app: FastifyInstance,
  options: CalendarRoutesOptions,
  now: () => number,
): void {
  app.get(
    '/v1/calendars',
    {
      config: { scope: 'reports:read' },
      schema: {
        operationId: 'listCalendars',
        tags,
        security,
        summary: 'Every calendar with its current definition and versions',
        response: {
          200: Type.Object({ calendars: Type.Array(Type.Ref(Calendar)) }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const all = await options.calendars.loadAll(options.db, tenantOf(request));
      return { calendars: [...all.values()].map((c) => calendarBody(c, now())) };
    },
  );

  app.get(
    '/v1/calendars/:calendar_id',
    {
      config: { scope: 'reports:read' },
      schema: {
        operationId: 'getCalendar',
        tags,
        security,
        summary: 'A calendar: the version in force now and all versions',
        params: CalendarIdParams,
        response: { 200: Type.Ref(Calendar), 404: errorResponses[400], ...errorResponses },
      },
    },
    async (request: IdRequest) => calendarBody(await loadOr404(options, request), now()),
  );
}

/** Business-time arithmetic on a calendar: the time between two instants, and a due date. */
function businessTimeRoutes(app: FastifyInstance, options: CalendarRoutesOptions): void {
  app.get(
    '/v1/calendars/:calendar_id/business-time',
    {
      config: { scope: 'reports:read' },
      schema: {
        operationId: 'getBusinessTime',
        tags,
        security,
        summary: 'Business time between two instants',
        params: CalendarIdParams,
        querystring: Type.Object({
          from: Type.String({ description: 'RFC 3339 instant with an offset' }),
          to: Type.String({ description: 'RFC 3339 instant with an offset' }),
        }),
        response: { 200: Type.Ref(BusinessTime), 404: errorResponses[400], ...errorResponses },
      },
    },
    async (
      request: FastifyRequest<{
        Params: { calendar_id: string };
        Querystring: { from: string; to: string };
      }>,
    ) => {
      const from = instantParam(request.query.from, 'from');
      const to = instantParam(request.query.to, 'to');
      const { calendar } = await loadOr404(options, request);
      await prepareCalendar(calendar, from, to);
      return {
        from: iso(from),
        to: iso(to),
        business_seconds: calendar.elapsed(from, to) / 1000,
        calendar_seconds: (to - from) / 1000,
      };
    },
  );

  app.get(
    '/v1/calendars/:calendar_id/add',
    {
      config: { scope: 'reports:read' },
      schema: {
        operationId: 'addBusinessTime',
        tags,
        security,
        summary: 'The instant a business duration from `from` runs out (a due date)',
        params: CalendarIdParams,
        querystring: Type.Object({
          from: Type.String({ description: 'RFC 3339 instant with an offset' }),
          seconds: Type.Number({
            minimum: 0,
            maximum: MAX_DURATION_SECONDS,
            description: 'business seconds (ms precision), at most ten 365-day years',
          }),
        }),
        response: { 200: Type.Ref(BusinessAdd), 404: errorResponses[400], ...errorResponses },
      },
    },
    async (
      request: FastifyRequest<{
        Params: { calendar_id: string };
        Querystring: { from: string; seconds: number };
      }>,
    ) => {
      const from = instantParam(request.query.from, 'from');
      const { seconds } = request.query;
      const { calendar } = await loadOr404(options, request);
      const duration = Math.round(seconds * 1000);
      await prepareCalendar(calendar, from, from, duration);
      const due = calendar.add(from, duration);
      // Infinity: the calendar never has that much open time left within the engine's range.
      return { from: iso(from), seconds, due_at: Number.isFinite(due) ? iso(due) : null };
    },
  );
}

export default function calendarRoutes(app: FastifyInstance, options: CalendarRoutesOptions): void {
  const now = options.now ?? Date.now;
  putCalendarRoute(app, options, now);
  readCalendarRoutes(app, options, now);
  businessTimeRoutes(app, options);
}
