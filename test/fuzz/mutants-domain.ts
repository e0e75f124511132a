/**
 * Mutants that know the domain: time zones that do not exist, instants that are not instants (or
 * lie outside 1970–2199, or come in the wrong order), and cursors this service never issued.
 */
import type { Draft, GenContext } from './draft.js';
import type { Mutant } from './mutants-params.js';
import { setParam } from './mutants-params.js';
import { chance, pick } from './random.js';
import type { Operation } from './spec.js';

export const BAD_ZONES = [
  'Mars/Olympus_Mons',
  'UTC+25',
  '+01:00',
  'GMT-3',
  'Etc/GMT+14',
  'EST5EDT',
  'utc',
  'europe/warsaw',
  'Europe/Warsaw ',
  '../../etc/localtime',
  '/etc/localtime',
  'Europe/Warsaw\u0000',
  '',
  'Local',
  'America/Argentina/ComodRivadavia',
  'Asia/Calcutta',
  'x'.repeat(64),
  'x'.repeat(65),
  'Z',
  'US/Pacific-New',
  'Canada/East-Saskatchewan',
  'Factory',
  'SystemV/AST4',
  'Europe/Warsaw/..',
  '🙂',
];

export const BAD_INSTANTS = [
  '2026-13-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-11-20',
  '2026-11-20T00:00:00',
  '2026-11-20T24:00:00Z',
  '2016-12-31T23:59:60Z',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '1969-12-31T23:59:59Z',
  '2200-01-01T00:00:00Z',
  '2199-12-31T23:45:00Z',
  '1970-01-01T00:00:00Z',
  '2026-11-20T00:00:00+24:00',
  '2026-11-20T00:00:00+14:01',
  '2026-11-20T00:07:00Z',
  '2026-11-20T00:00:00.123456789Z',
  '2026-11-20t00:00:00z',
  '2026-11-20 00:00:00Z',
  '1e12',
  '1763596800000',
  'now',
  '',
  ' 2026-11-20T00:00:00Z',
  '2026-W47-1T00:00:00Z',
  '２０２６-11-20T00:00:00Z',
  '2026-11-20T00:00:00-00:00',
  '275760-09-13T00:00:00.001Z',
];

const INSTANT_PARAMS = ['from', 'to', 'as_of', 'decided_from', 'decided_to'];
const BODY_INSTANTS: Record<string, string> = {
  putCalendar: 'effective_from',
  putSlaPolicies: 'effective_from',
};

const hasQuery = (op: Operation, names: string[]) =>
  op.queryParams.some((p) => names.includes(p.name));

type Json = Record<string, unknown>;

/** The body's first event (JSON array, CloudEvents batch or one CloudEvent). */
function firstEvent(d: Draft): Json | undefined {
  if (!d.body || !('json' in d.body)) return undefined;
  const body = d.body.json;
  const first: unknown = Array.isArray(body) ? body[0] : body;
  return typeof first === 'object' && first !== null ? (first as Json) : undefined;
}

function setInstant(op: Operation, d: Draft, ctx: GenContext, value: string): void {
  const params = op.queryParams.filter((p) => INSTANT_PARAMS.includes(p.name));
  if (params.length > 0 && (!op.body || chance(ctx.r, 0.5))) {
    setParam(d, pick(ctx.r, params), value);
    return;
  }
  const field = BODY_INSTANTS[op.id];
  if (field && d.body && 'json' in d.body) (d.body.json as Json)[field] = value;
  const event = firstEvent(d);
  if (op.id === 'ingestEvents' && event) event['time' in event ? 'time' : 'occurred_at'] = value;
}

/** from after to, from equal to, or 230 years by the hour: bounds on the range itself. */
function badRange(op: Operation, d: Draft, ctx: GenContext): void {
  const [a, b] =
    hasQuery(op, ['decided_from']) && chance(ctx.r, 0.5)
      ? ['decided_from', 'decided_to']
      : ['from', 'to'];
  const from = d.query.find(([k]) => k === a)?.[1] ?? '2026-11-16T00:00:00Z';
  const to = d.query.find(([k]) => k === b)?.[1] ?? '2026-11-23T00:00:00Z';
  d.query = d.query.filter(([k]) => k !== a && k !== b);
  const choice = pick(ctx.r, ['swap', 'equal', 'huge']);
  if (choice === 'swap') d.query.push([a, to], [b, from]);
  else if (choice === 'equal') d.query.push([a, from], [b, from]);
  else {
    d.query.push([a, '1970-01-01T00:00:00Z'], [b, '2199-12-31T23:45:00Z']);
    if (op.queryParams.some((p) => p.name === 'interval')) {
      d.query = d.query.filter(([k]) => k !== 'interval');
      d.query.push(['interval', pick(ctx.r, ['hour', 'day', 'week'])]);
    }
  }
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function decoded(cursor: string | undefined): Json {
  try {
    return JSON.parse(Buffer.from(cursor ?? '', 'base64url').toString()) as Json;
  } catch {
    return {};
  }
}

/** A cursor that decodes like one of ours, with one field changed. */
function forged(ctx: GenContext, base: Json): string {
  const key = pick(ctx.r, [...Object.keys(base), 'extra']);
  const value = pick(ctx.r, [
    -1,
    1.5,
    2 ** 31,
    2 ** 53,
    9e15,
    -9e15,
    1e308,
    '',
    'x',
    null,
    true,
    [],
    {},
    '0:0:',
    '18446744073709551615:18446744073709551615:',
    '5:3:',
    '1:2:3,4,5',
    '1:9999999999:1',
    'Infinity',
    '0001-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
    '2026-02-30T00:00:00.000Z',
    'a'.repeat(257),
    'x\u0000',
    'bogus',
    'tickets',
    'kpi-daily',
  ]);
  return b64({ ...base, [key]: value });
}

function badCursor(op: Operation, d: Draft, ctx: GenContext): void {
  const param = pick(
    ctx.r,
    op.queryParams.filter((p) => ['cursor', 'updated_since'].includes(p.name)),
  );
  const f = ctx.fixture;
  const own = param.name === 'cursor' ? f.queueCursor : f.reportCursors[d.pathParams.name ?? ''];
  const other =
    param.name === 'cursor' ? pick(ctx.r, Object.values(f.reportCursors)) : f.queueCursor;
  const value = pick(ctx.r, [
    () => forged(ctx, decoded(own ?? other)),
    () => forged(ctx, decoded(own ?? other)),
    () => other ?? 'x',
    () =>
      Buffer.from(Array.from({ length: 40 }, () => Math.floor(ctx.r() * 256))).toString(
        'base64url',
      ),
    () =>
      pick(ctx.r, ['!!!', '', '=', 'eyJ', 'e30', 'bnVsbA', 'W10', 'ImEi', 'MQ', 'x'.repeat(8193)]),
    () => `${own ?? 'e30'}${pick(ctx.r, ['=', '==', '.', 'A', '%00'])}`,
  ])();
  setParam(d, param, value);
}

export const DOMAIN_MUTANTS: Mutant[] = [
  {
    name: 'bad-timezone',
    applies: (op) => hasQuery(op, ['timezone']) || ['putCalendar', 'putTenant'].includes(op.id),
    apply: (op, d, ctx) => {
      const zone = pick(ctx.r, BAD_ZONES);
      const param = op.queryParams.find((p) => p.name === 'timezone');
      if (param) setParam(d, param, zone);
      else if (d.body && 'json' in d.body) (d.body.json as Json).timezone = zone;
    },
  },
  {
    name: 'bad-instant',
    applies: (op) =>
      hasQuery(op, INSTANT_PARAMS) || op.id in BODY_INSTANTS || op.id === 'ingestEvents',
    apply: (op, d, ctx) => setInstant(op, d, ctx, pick(ctx.r, BAD_INSTANTS)),
  },
  {
    name: 'bad-range',
    applies: (op) => hasQuery(op, ['from', 'decided_from']),
    apply: badRange,
  },
  {
    name: 'bad-cursor',
    applies: (op) => hasQuery(op, ['cursor', 'updated_since']),
    apply: badCursor,
  },
];
