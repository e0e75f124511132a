/**
 * Wall cases of the writes: B writing under A's ids (tenant settings naming A's calendar, a
 * policy on A's calendar, a calendar with A's calendar id, events with A's event and ticket ids)
 * creates B's own objects or is refused as if A's did not exist; A's view is compared before and
 * after all of them by the test itself.
 */
import { expect } from 'vitest';
import { ownOnlyForB, type WallCase } from './checks.js';
import { describeRequest, expectError, expectNoLeak } from './leaks.js';
import {
  A_CALENDAR,
  A_POLICY,
  A_SECRET,
  A_TICKETS,
  aEvents,
  B_MARK,
  B_POLICY,
  B_TEAM,
  B_TICKET,
} from './fixture.js';
import type { Req, World } from './world.js';

/** B's request is refused with a 400 as if A's object did not exist. */
async function refusedForB(w: World, req: Req, path: string, sent: string[]): Promise<void> {
  const res = await w.b(req);
  expectError(`B's ${describeRequest(req)}`, res, 400);
  expect(res.json<{ error: { path: string } }>().error.path).toBe(path);
  await expectNoLeak(describeRequest(req), res, w.forbidden, sent);
}

const B_CALENDAR = {
  name: `${B_MARK}-cal`,
  timezone: 'UTC',
  weekly: { mon: [['00:00', '24:00']] },
  effective_from: '2020-01-01T00:00:00Z',
};

const bEvent = (id: string, ticket: string, type: string, data: object) => ({
  id,
  type,
  ticket_id: ticket,
  occurred_at: '2026-11-24T09:00:00Z',
  actor: { type: 'agent', id: `${B_MARK}-agent` },
  data,
});

export const WRITE_CASES: Record<string, WallCase> = {
  'PUT /v1/tenant': {
    proves:
      "B cannot make A's calendar its default (400, as for any unknown id); B's change is B's",
    phase: 2,
    run: async (w) => {
      const url = '/v1/tenant';
      const payload = { default_calendar_id: A_CALENDAR };
      await refusedForB(w, { method: 'PUT', url, payload }, '/default_calendar_id', [A_CALENDAR]);
      const change = { name: `${B_MARK}-renamed`, timezone: 'Europe/Lisbon' };
      await ownOnlyForB(
        w,
        { method: 'PUT', url, payload: change },
        {
          mode: 'none',
          check: (b) =>
            expect(b.json()).toEqual({
              tenant_id: w.bTenantId,
              default_calendar_id: '24x7',
              ...change,
            }),
        },
      );
    },
  },
  'PUT /v1/sla-policies': {
    proves:
      "B cannot name A's calendar in a policy (400); B's list under A's policy id is B's version 2, its job is B's (a 404 for A)",
    phase: 2,
    run: async (w) => {
      const policy = (id: string, calendar: string) => ({
        policies: [{ id, match: {}, calendar_id: calendar, targets: { resolution: 3600 } }],
      });
      const onA = policy(B_POLICY, A_CALENDAR);
      await refusedForB(
        w,
        { method: 'PUT', url: '/v1/sla-policies', payload: onA },
        '/policies/0/calendar_id',
        [A_CALENDAR],
      );
      const res = await ownOnlyForB(
        w,
        { method: 'PUT', url: '/v1/sla-policies', payload: policy(A_POLICY, '24x7') },
        {
          mode: 'none',
          sent: [A_POLICY],
          check: (b) => {
            const body = b.json<{ versions: { version: number; policies: { id: string }[] }[] }>();
            expect(body.versions.map((v) => [v.version, v.policies.map((p) => p.id)])).toEqual([
              [1, [B_POLICY]],
              [2, [A_POLICY]],
            ]);
          },
        },
      );
      const job = res.json<{ recompute_job_id: string }>().recompute_job_id;
      await w.t.app.services.jobs.runUntilIdle();
      expect((await w.b({ url: `/v1/jobs/${job}` })).statusCode).toBe(200);
      expectError("A's GET of B's job", await w.a({ url: `/v1/jobs/${job}` }), 404, 'not_found');
    },
  },
  'PUT /v1/calendars/{calendar_id}': {
    proves:
      "B's PUT under A's calendar id makes B's calendar (version 1, B's hours), which B's business time uses",
    phase: 2,
    run: async (w) => {
      const url = `/v1/calendars/${A_CALENDAR}`;
      await ownOnlyForB(
        w,
        { method: 'PUT', url, payload: B_CALENDAR },
        {
          mode: 'none',
          sent: [A_CALENDAR],
          check: (b) => {
            const body = b.json<{
              id: string;
              versions: { version: number; definition: object }[];
            }>();
            expect(body.id).toBe(A_CALENDAR);
            expect(body.versions.map((v) => v.version)).toEqual([1]);
            expect(body.versions[0]!.definition).toMatchObject({
              timezone: 'UTC',
              name: `${B_MARK}-cal`,
            });
          },
        },
      );
      await w.t.app.services.jobs.runUntilIdle();
      // Tuesday 2026-11-17: 8 hours on A's calendar, none on B's (open Mondays only).
      const tuesday = `${url}/business-time?from=2026-11-17T00:00:00Z&to=2026-11-18T00:00:00Z`;
      const b = await w.b({ url: tuesday });
      expect(b.json()).toMatchObject({ business_seconds: 0 });
      const a = await w.a({ url: tuesday });
      expect(a.json()).toMatchObject({ business_seconds: 28800 });
    },
  },
  'POST /v1/events': {
    proves:
      "A's event ids are not duplicates or conflicts for B (atomic too); B's events under A's ticket ids make B's tickets only",
    phase: 2,
    run: async (w) => {
      const post = async (payload: object[], url = '/v1/events', sent: string[] = []) => {
        const res = await ownOnlyForB(w, { method: 'POST', url, payload }, { mode: 'none', sent });
        expect(res.json(), `B's ${url}`).toMatchObject({
          accepted: payload.length,
          duplicates: 0,
          rejected: 0,
        });
      };
      // A's event id with other content: a conflict only if B saw A's event.
      const aIds = aEvents().map((e) => (e as { id: string }).id);
      const conflict = bEvent(aIds[0]!, `${B_TICKET}-2`, 'ticket.created', {
        priority: 'low',
        channel: 'chat',
      });
      await post([conflict], '/v1/events?atomic=true', [aIds[0]!]);
      const line = JSON.stringify({ ...conflict, id: aIds[1]!, ticket_id: `${B_TICKET}-3` });
      const ndjson = await w.b({
        method: 'POST',
        url: '/v1/events?atomic=true',
        headers: { 'content-type': 'application/x-ndjson' },
        payload: `${line}\n`,
      });
      expect(ndjson.json(), 'NDJSON').toMatchObject({ accepted: 1, duplicates: 0, rejected: 0 });
      await expectNoLeak('POST /v1/events (NDJSON)', ndjson, w.forbidden, [aIds[1]!]);
      // An orphan message on A's ticket id: B has no such ticket.
      const orphan = bEvent(`${B_MARK}-ev-orphan`, A_TICKETS.breached, 'ticket.message', {
        direction: 'outbound',
      });
      await post([orphan], '/v1/events', [A_TICKETS.breached]);
      const none = await w.b({ url: `/v1/tickets/${A_TICKETS.breached}` });
      expectError("B's ticket known only by an orphan event under A's id", none, 404, 'not_found');
      // A ticket of B's under A's ticket id: B's attributes and policy only.
      const created = bEvent(`${B_MARK}-ev-created`, A_TICKETS.active, 'ticket.created', {
        priority: `${B_MARK}-prio`,
        channel: `${B_MARK}-channel`,
        group: B_TEAM,
      });
      await post([created], '/v1/events', [A_TICKETS.active]);
      const mine = await w.b({ url: `/v1/tickets/${A_TICKETS.active}` });
      expect(mine.json()).toMatchObject({ group: B_TEAM, policy_id: B_POLICY, assignee_id: null });
      await expectNoLeak(`GET /v1/tickets/${A_TICKETS.active}`, mine, w.forbidden, [
        A_TICKETS.active,
      ]);
      // Exact copies of A's events (but the one above): stored for B, not duplicates of A's.
      const copies = aEvents().filter((e) => !aIds.slice(0, 2).includes((e as { id: string }).id));
      await post(copies, '/v1/events', [A_SECRET]);
    },
  },
};
