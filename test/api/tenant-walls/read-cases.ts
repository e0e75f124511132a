/**
 * Wall cases of the configuration and ticket reads: B with A's calendar, job and ticket ids gets
 * 404s; B's lists (calendars, policies, tenant, the work queue) hold only B's data; A's
 * work-queue cursor replayed by B yields nothing of A's.
 */
import { expect } from 'vitest';
import { notFoundForB, ownOnlyForB, replayForB, type WallCase } from './checks.js';
import {
  A_CALENDAR,
  A_TEAM_2,
  A_TICKETS,
  A_URGENT,
  B_MARK,
  B_POLICY,
  B_TICKET,
} from './fixture.js';

const A_TICKET_IDS = Object.values(A_TICKETS);
const DAY = 'from=2026-11-17T00:00:00Z&to=2026-11-18T00:00:00Z';

export const READ_CASES: Record<string, WallCase> = {
  'GET /v1/calendars': {
    proves: "B's list holds the built-in 24x7 only, not A's calendar",
    phase: 1,
    run: async (w) => {
      await ownOnlyForB(
        w,
        { url: '/v1/calendars' },
        {
          check: (b) =>
            expect(b.json<{ calendars: { id: string }[] }>().calendars.map((c) => c.id)).toEqual([
              '24x7',
            ]),
        },
      );
    },
  },
  'GET /v1/calendars/{calendar_id}': {
    proves: "A's calendar id is a 404 for B",
    phase: 1,
    run: (w) => notFoundForB(w, { url: `/v1/calendars/${A_CALENDAR}` }, [A_CALENDAR]),
  },
  'GET /v1/calendars/{calendar_id}/business-time': {
    proves: "business time on A's calendar is a 404 for B",
    phase: 1,
    run: (w) =>
      notFoundForB(
        w,
        { url: `/v1/calendars/${A_CALENDAR}/business-time?${DAY}` },
        [A_CALENDAR],
        'ok',
      ),
  },
  'GET /v1/calendars/{calendar_id}/add': {
    proves: "a due date on A's calendar is a 404 for B",
    phase: 1,
    run: (w) =>
      notFoundForB(
        w,
        { url: `/v1/calendars/${A_CALENDAR}/add?from=2026-11-17T00:00:00Z&seconds=3600` },
        [A_CALENDAR],
        'ok',
      ),
  },
  'GET /v1/sla-policies': {
    proves: "B's policy list is B's one version, none of A's policies",
    phase: 1,
    run: async (w) => {
      await ownOnlyForB(
        w,
        { url: '/v1/sla-policies' },
        {
          own: B_POLICY,
          check: (b) => {
            const body = b.json<{ versions: { version: number; policies: { id: string }[] }[] }>();
            expect(body.versions.map((v) => [v.version, v.policies.map((p) => p.id)])).toEqual([
              [1, [B_POLICY]],
            ]);
          },
        },
      );
    },
  },
  'GET /v1/tenant': {
    proves:
      "B's settings are B's: its id, name, UTC and 24x7 (A's are a name, Kathmandu and A's calendar)",
    phase: 1,
    run: async (w) => {
      await ownOnlyForB(
        w,
        { url: '/v1/tenant' },
        {
          own: B_MARK,
          check: (b) =>
            expect(b.json()).toEqual({
              tenant_id: w.bTenantId,
              name: `${B_MARK}-name`,
              timezone: 'UTC',
              default_calendar_id: '24x7',
            }),
        },
      );
    },
  },
  'GET /v1/jobs/{job_id}': {
    proves:
      "every recomputation job of A's (calendar, policies ×2, tenant settings) is a 404 for B",
    phase: 1,
    run: async (w) => {
      expect(w.tokens.jobIds).toHaveLength(4);
      for (const id of w.tokens.jobIds)
        await notFoundForB(w, { url: `/v1/jobs/${id}` }, [id], 'ok');
    },
  },
  'GET /v1/tickets/{ticket_id}': {
    proves:
      "each of A's tickets (solved, breached, running, paused, reopened, deleted) is a 404 for B",
    phase: 1,
    run: async (w) => {
      for (const id of A_TICKET_IDS) await notFoundForB(w, { url: `/v1/tickets/${id}` }, [id]);
    },
  },
  'GET /v1/tickets/{ticket_id}/timeline': {
    proves: "each of A's tickets' timeline is a 404 for B",
    phase: 1,
    run: async (w) => {
      for (const id of A_TICKET_IDS) {
        await notFoundForB(w, { url: `/v1/tickets/${id}/timeline` }, [id]);
      }
    },
  },
  'GET /v1/tickets': {
    proves:
      "B's work queue (every state, A's filters, decided ranges) holds only B's clocks, and A's cursor replayed by B yields none of A's",
    phase: 1,
    run: async (w) => {
      const decided = 'decided_from=2026-11-01T00:00:00Z&decided_to=2026-12-01T00:00:00Z';
      const items = (r: { json: <T>() => T }) =>
        r.json<{ items: { ticket_id: string }[] }>().items.map((i) => i.ticket_id);
      const queries: Array<[string, 'shows-a' | 'ok', string[] | undefined]> = [
        ['', 'shows-a', [B_TICKET, B_TICKET]],
        ['?sla_status=active', 'shows-a', [B_TICKET, B_TICKET]],
        ['?sla_status=at_risk', 'ok', []],
        ['?sla_status=breached', 'shows-a', []],
        ['?sla_status=paused', 'shows-a', []],
        ['?metric=first_response&limit=1', 'shows-a', [B_TICKET]],
        [`?team=${A_TEAM_2}`, 'shows-a', []],
        [`?priority=${A_URGENT}`, 'shows-a', []],
        [`?sla_status=achieved&${decided}`, 'shows-a', []],
        [`?sla_status=breached&${decided}`, 'shows-a', []],
      ];
      for (const [q, mode, expected] of queries) {
        await ownOnlyForB(
          w,
          { url: `/v1/tickets${q}` },
          { mode, check: (b) => expect(items(b), q).toEqual(expected) },
        );
      }
      const cursor = w.tokens.queueCursor;
      for (const q of [
        `?cursor=${cursor}`,
        `?limit=1&cursor=${cursor}`,
        `?sla_status=breached&cursor=${cursor}`,
      ]) {
        await replayForB(w, { url: `/v1/tickets${q}` });
      }
    },
  },
};
