/**
 * Wall cases of the BI reports and the HR export, in every format (JSON and NDJSON searched as
 * text, CSV as text, Arrow, Parquet and XLSX decoded and searched byte for byte): B's tables
 * hold B's rows only, A's filters give B nothing, and every report's cursor A was given is a
 * 400 for B (while B's own cursor and A's own replay of it are accepted). The audit log, a table
 * of the same kind: B's entries only, whatever the action filter or `after` cursor.
 */
import { expect } from 'vitest';
import { REPORT_NAMES } from '../../../src/reporting/reports/index.js';
import { ownOnlyForB, replayForB, rowsOf, type WallCase } from './checks.js';
import { A_AGENT, A_TEAM, B_MARK, B_POLICY, B_TICKET } from './fixture.js';
import { expectNoLeak } from './leaks.js';
import type { World } from './world.js';

const FORMATS = ['json', 'ndjson', 'csv', 'arrow', 'parquet'] as const;
const EXPORT_RANGE = 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&interval=day';

/** B's own string each report shows (kpi-daily rows carry teams; the others ticket ids). */
const OWN: Record<string, string> = {
  tickets: B_TICKET,
  'sla-instances': B_TICKET,
  contacts: '',
  'status-intervals': B_TICKET,
  'kpi-daily': B_MARK,
};

async function reportCase(w: World, name: string): Promise<void> {
  for (const format of FORMATS) {
    const own = OWN[name] === '' ? undefined : OWN[name];
    await ownOnlyForB(w, { url: `/v1/reports/${name}?format=${format}` }, { own });
  }
  const filtered = await ownOnlyForB(w, { url: `/v1/reports/${name}?format=json&team=${A_TEAM}` });
  expect(filtered.json<{ rows: unknown[] }>().rows, `B's ${name} filtered by A's team`).toEqual([]);

  // Cursors: A's is refused for B in every format; B's own and A's replay of A's are accepted.
  const cursor = w.tokens.reportCursors[name]!;
  for (const format of FORMATS) {
    await replayForB(
      w,
      { url: `/v1/reports/${name}?format=${format}&updated_since=${cursor}` },
      { status: 400, path: '/updated_since' },
    );
  }
  const accepted = await w.a({ url: `/v1/reports/${name}?updated_since=${cursor}` });
  expect(accepted.statusCode, `A's own cursor for ${name}: ${accepted.body}`).toBe(200);
  const full = await w.b({ url: `/v1/reports/${name}` });
  const mine = String(full.headers['x-next-cursor']);
  await ownOnlyForB(w, { url: `/v1/reports/${name}?updated_since=${mine}` }, { mode: 'none' });
  const reverse = await w.a({ url: `/v1/reports/${name}?updated_since=${mine}` });
  expect(reverse.statusCode, `B's cursor replayed by A for ${name}`).toBe(400);
}

export const REPORT_CASES: Record<string, WallCase> = {
  'GET /v1/reports/{name}': {
    proves: `each report (${REPORT_NAMES.join(', ')}) in each format holds B's rows only; A's filters give B nothing; A's cursor of each report is a 400 for B`,
    phase: 1,
    run: async (w) => {
      for (const name of REPORT_NAMES) await reportCase(w, name);
    },
  },
  'GET /v1/exports/agent-productivity': {
    proves:
      "the HR export in each format (XLSX too) names none of A's agents, filtered by A's agent it is empty",
    phase: 1,
    run: async (w) => {
      for (const format of [...FORMATS, 'xlsx']) {
        await ownOnlyForB(w, {
          url: `/v1/exports/agent-productivity?${EXPORT_RANGE}&format=${format}`,
        });
      }
      const filtered = await ownOnlyForB(w, {
        url: `/v1/exports/agent-productivity?${EXPORT_RANGE}&agent=${A_AGENT}`,
      });
      expect(filtered.json<{ rows: unknown[] }>().rows).toEqual([]);
    },
  },
};

/** B's audit log: none of A's entries (A's key ids, request ids, calendar, policies, settings). */
async function auditCase(w: World): Promise<void> {
  const mine = await w.a({ url: '/v1/audit' });
  const aEntries = rowsOf(mine);
  expect(aEntries.map((r) => r.action)).toEqual(
    expect.arrayContaining([
      'key.created',
      'calendar.changed',
      'sla_policies.changed',
      'tenant.changed',
      'hr_export.pulled',
    ]),
  );
  const forbidden = [
    ...w.forbidden,
    ...aEntries.flatMap((r) => [
      r.key_id,
      r.request_id,
      r.action === 'key.created' ? r.target : null,
    ]),
  ].filter((v): v is string => typeof v === 'string');
  const check = async (url: string, own?: string) => {
    const res = await ownOnlyForB(w, { url }, { own, mode: own === undefined ? 'ok' : 'shows-a' });
    await expectNoLeak(url, res, forbidden);
    return res;
  };
  for (const format of [...FORMATS, 'xlsx']) await check(`/v1/audit?format=${format}`, B_POLICY);
  const filtered = await check('/v1/audit?action=calendar.changed,tenant.changed');
  expect(rowsOf(filtered)).toEqual([]);
  const cursor = String(mine.headers['x-next-cursor']);
  await check(`/v1/audit?after=0&limit=1`);
  for (const q of [`after=${cursor}`, `after=${Number(cursor) - 3}`, 'after=0&limit=10000']) {
    const res = await replayForB(w, { url: `/v1/audit?${q}` });
    await expectNoLeak(`/v1/audit?${q}`, res, forbidden);
  }
}

/** Tables of the same kind outside /v1/reports. */
export const TABLE_CASES: Record<string, WallCase> = {
  'GET /v1/audit': {
    proves:
      "B's audit log in each format holds B's entries only (A's keys, request ids and configuration changes absent), whatever action filter or `after` cursor",
    phase: 1,
    run: auditCase,
  },
};
