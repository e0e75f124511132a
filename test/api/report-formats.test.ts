/**
 * Every format of every report, and of the HR export, decoded by a reader other than the one
 * that wrote it (DuckDB for CSV and Parquet, flechette for Arrow, SheetJS for XLSX), gives the
 * JSON format's rows — values and types. On a server the CSV is PostgreSQL's own COPY output;
 * on the embedded database it is the CSV writer's: both must read back the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_NAMES, reportColumns } from '../../src/reporting/reports/index.js';
import { AGENT_PRODUCTIVITY } from '../../src/reporting/reports/agent-productivity.js';
import type { ReportColumn } from '../../src/core/report/table.js';
import { createTestApp, type TestApp } from '../support/app.js';
import {
  decodeArrow,
  decodeCsv,
  decodeParquet,
  decodeXlsx,
  type Row,
} from '../support/decoders.js';

let t: TestApp;
const now = Date.parse('2026-11-25T12:00:00Z');

const ev = (
  id: string,
  type: string,
  ticket: string,
  at: string,
  data: object,
  actor: object = { type: 'agent', id: 'ag-1' },
) => ({
  id,
  type,
  ticket_id: ticket,
  occurred_at: at,
  actor,
  data,
});

/** Enough tickets for several record batches per format, with awkward text and nulls. */
function events(): object[] {
  const out: object[] = [];
  const teams = ['L1', 'L2', 'Zespół "Ł", ünïcode', ''];
  for (let i = 0; i < 300; i++) {
    const id = `T-${String(i).padStart(4, '0')}`;
    const at = Date.parse('2026-11-16T08:00:00Z') + i * 1_800_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    out.push(
      ev(
        `${id}-c`,
        'ticket.created',
        id,
        iso(at),
        {
          priority: i % 3 === 0 ? 'high' : 'normal',
          channel: i % 2 === 0 ? 'email' : 'phone',
          ...(teams[i % 4] === '' ? {} : { group: teams[i % 4] }),
          assignee_id: i % 5 === 0 ? null : `ag-${i % 7}`,
          category: i % 11 === 0 ? 'line\nbreak, "quotes"' : 'general',
          tier: 1 + (i % 2),
        },
        { type: 'customer' },
      ),
      ev(
        `${id}-r`,
        'ticket.message',
        id,
        iso(at + 600_000 * (1 + (i % 9))),
        { direction: 'outbound' },
        { type: 'agent', id: `ag-${i % 7}` },
      ),
    );
    if (i % 4 === 0)
      out.push(
        ev(`${id}-k`, 'contact.completed', id, iso(at + 900_000), {
          agent_id: `ag-${i % 7}`,
          talk_seconds: 100 + i,
          hold_seconds: 0.5,
          wrap_seconds: 12,
        }),
      );
    if (i % 3 !== 2)
      out.push(
        ev(`${id}-s`, 'ticket.status_changed', id, iso(at + 3_600_000), { status: 'solved' }),
      );
    if (i % 10 === 1)
      out.push(ev(`${id}-o`, 'ticket.status_changed', id, iso(at + 7_200_000), { status: 'open' }));
  }
  return out;
}

beforeAll(async () => {
  t = await createTestApp({ now: () => now, logger: { level: 'error' } });
  const policies = {
    effective_from: '2020-01-01T00:00:00Z',
    policies: [
      {
        id: 'std',
        match: {},
        calendar_id: '24x7',
        targets: { first_response: 3000, resolution: 7200 },
      },
    ],
  };
  expect((await t.configure('/v1/sla-policies', policies)).statusCode).toBe(200);
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: t.auth('events:write'),
    payload: events(),
  });
  expect(res.json()).toMatchObject({ rejected: 0 });
});

afterAll(async () => t.close());

async function fetch(
  path: string,
  format: string,
  scope: 'reports:read' | 'hr:read' = 'reports:read',
) {
  const res = await t.app.inject({
    method: 'GET',
    url: `${path}${path.includes('?') ? '&' : '?'}format=${format}`,
    headers: t.auth(scope),
  });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  return res;
}

const sortRows = (rows: Row[], columns: readonly ReportColumn[]) =>
  [...rows].sort((a, b) => {
    for (const c of columns) {
      const x = JSON.stringify(a[c.name] ?? null);
      const y = JSON.stringify(b[c.name] ?? null);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });

function expectSameRows(got: Row[], want: Row[], columns: readonly ReportColumn[]) {
  expect(got.length).toBe(want.length);
  const a = sortRows(got, columns);
  const b = sortRows(want, columns);
  a.forEach((row, i) => {
    for (const c of columns)
      expect(row[c.name], `row ${i} ${c.name}`).toEqual(b[i]![c.name] ?? null);
  });
}

const PARQUET_TYPES = {
  string: 'VARCHAR',
  int: 'BIGINT',
  float: 'DOUBLE',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMP WITH TIME ZONE',
};

describe.each(REPORT_NAMES.map((name) => ({ name })))('report $name', ({ name }) => {
  const columns = reportColumns(name);
  let json: Row[];
  const path = `/v1/reports/${name}${name === 'kpi-daily' ? '?timezone=Europe/Warsaw' : ''}`;

  beforeAll(async () => {
    json = (await fetch(path, 'json')).json<{ rows: Row[] }>().rows;
    expect(json.length).toBeGreaterThan(5);
    for (const row of json) expect(Object.keys(row)).toEqual(columns.map((c) => c.name));
  });

  it('ndjson: the same rows, then the trailer', async () => {
    const res = await fetch(path, 'ndjson');
    const lines = res.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    expect(lines.pop()).toEqual({
      _trailer: true,
      next_cursor: res.headers['x-next-cursor'],
      row_count: json.length,
    });
    expectSameRows(lines, json, columns);
  });

  it('csv: DuckDB reads the JSON rows back', async () => {
    const res = await fetch(path, 'csv');
    const { rows } = await decodeCsv(res.rawPayload, columns);
    expectSameRows(rows, json, columns);
  });

  it('parquet: DuckDB reads the JSON rows back, typed', async () => {
    const res = await fetch(path, 'parquet');
    expect(res.headers['content-type']).toBe('application/vnd.apache.parquet');
    const { rows, types } = await decodeParquet(res.rawPayload);
    for (const c of columns) expect(types[c.name], c.name).toBe(PARQUET_TYPES[c.type]);
    expectSameRows(rows, json, columns);
  });

  it('arrow: flechette reads the JSON rows back, typed', async () => {
    const res = await fetch(path, 'arrow');
    expect(res.headers['content-type']).toBe('application/vnd.apache.arrow.stream');
    const { rows, fields } = decodeArrow(res.rawPayload);
    expect(fields.map((f) => f.name)).toEqual(columns.map((c) => c.name));
    for (const c of columns) {
      const type = fields.find((f) => f.name === c.name)!.type;
      if (c.type === 'timestamp')
        expect(type).toMatchObject({ typeId: 10, unit: 1, timezone: 'UTC' });
      if (c.type === 'int') expect(type).toMatchObject({ typeId: 2, bitWidth: 64, signed: true });
      if (c.type === 'float') expect(type).toMatchObject({ typeId: 3 });
      if (c.type === 'bool') expect(type).toMatchObject({ typeId: 6 });
      if (c.dictionary === true) expect(type).toMatchObject({ typeId: -1 });
    }
    expectSameRows(rows, json, columns);
  });
});

describe('the HR export', () => {
  const path =
    '/v1/exports/agent-productivity?from=2026-11-16T00:00:00Z&to=2026-11-23T00:00:00Z&interval=day&timezone=UTC';
  const columns = AGENT_PRODUCTIVITY.columns;

  it.each(['csv', 'parquet', 'arrow', 'ndjson'])(
    '%s reads back as the JSON rows',
    async (format) => {
      const json = (await fetch(path, 'json', 'hr:read')).json<{ rows: Row[] }>().rows;
      expect(json.length).toBeGreaterThan(7);
      const res = await fetch(path, format, 'hr:read');
      let rows: Row[];
      if (format === 'csv') rows = (await decodeCsv(res.rawPayload, columns)).rows;
      else if (format === 'parquet') rows = (await decodeParquet(res.rawPayload)).rows;
      else if (format === 'arrow') rows = decodeArrow(res.rawPayload).rows;
      else
        rows = res.body
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as Row)
          .slice(0, -1);
      expectSameRows(rows, json, columns);
    },
  );

  it('xlsx: typed cells, a frozen header, and a sheet of definitions', async () => {
    const json = (await fetch(path, 'json', 'hr:read')).json<{ rows: Row[] }>().rows;
    const res = await fetch(path, 'xlsx', 'hr:read');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="agent-productivity_2026-11-16_2026-11-23.xlsx"',
    );
    const book = decodeXlsx(res.rawPayload);
    expect(book.sheets.length).toBe(2);
    expect(book.definitions.map((d) => Object.values(d)[0])).toEqual(columns.map((c) => c.name));
    const seconds = (v: unknown) =>
      typeof v === 'string' && v.endsWith('Z')
        ? new Date(Math.round(Date.parse(v) / 1000) * 1000).toISOString()
        : v;
    const norm = (rows: Row[]) =>
      rows.map((r) => Object.fromEntries(columns.map((c) => [c.name, seconds(r[c.name] ?? null)])));
    expectSameRows(norm(book.rows), norm(json), columns);
  });
});
