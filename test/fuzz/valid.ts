/**
 * Valid requests: every parameter drawn from its schema, with the meaning the schema cannot say
 * supplied where it matters (an instant pair in order and on a quarter hour, a zone that exists,
 * an id that is stored, a cursor this service issued), so most of them reach real code paths.
 */
import { SCOPES } from '../../src/storage/tenant.repository.js';
import { validBody } from './bodies.js';
import type { Draft, GenContext } from './draft.js';
import { DAY, QUARTER, rfc3339, TIMEZONES, valueContext } from './domain.js';
import { chance, int, pick, sample } from './random.js';
import { valueOf } from './schema-values.js';
import type { Operation, Parameter } from './spec.js';

/** A [from, to) pair inside the fixture's window, on quarter hours when `aligned`. */
function range(ctx: GenContext, aligned: boolean): [number, number] {
  const { from, to } = ctx.fixture.window;
  const span = pick(ctx.r, [QUARTER, 3600_000, DAY, 7 * DAY, 21 * DAY]);
  let start = from + Math.floor(ctx.r() * Math.max(to - from - span, QUARTER));
  if (aligned) start -= start % QUARTER;
  return [start, start + span];
}

function commaList(ctx: GenContext, values: readonly string[]): string {
  return sample(ctx.r, values, int(ctx.r, 1, 2)).join(',');
}

/**
 * The values a description lists ("comma list of team, agent, …", "comma list of actions:
 * key.created, …"); undefined when it names a kind of value rather than the values.
 */
function listed(param: Parameter): string[] | undefined {
  const at = param.description.indexOf('comma list of ');
  if (at < 0) return undefined;
  const items = param.description
    .slice(at + 'comma list of '.length)
    .replace(/^\w+: /, '')
    .split(/,\s*/);
  return items.every((item) => /^[\w.-]+$/.test(item)) ? items : undefined;
}

const BUCKETS = ['1d,3d,7d', '3600,86400', '90m,4h,3d,2w', '1d', '15m,1h,1d,1w,30d'];

/** A value with meaning for parameters whose schema is only "a string"; undefined: use the schema. */
function hinted(
  op: Operation,
  param: Parameter,
  ctx: GenContext,
  draft: Draft,
): string | undefined {
  const { fixture: f, r } = ctx;
  switch (param.name) {
    case 'ticket_id':
      return chance(r, 0.85) ? pick(r, f.ticketIds) : undefined;
    case 'calendar_id':
      return op.method === 'PUT' && chance(r, 0.6) ? undefined : pick(r, f.calendarIds);
    case 'job_id':
      return chance(r, 0.7) && f.jobIds.length > 0 ? pick(r, f.jobIds) : undefined;
    case 'name':
      return f.reportNames.length > 0 && chance(r, 0.9) ? pick(r, f.reportNames) : undefined;
    case 'timezone':
      return pick(r, TIMEZONES);
    case 'buckets':
      return pick(r, BUCKETS);
    case 'team':
    case 'agent':
    case 'priority':
    case 'channel':
    case 'category':
      return commaList(ctx, f.values[param.name]);
    case 'updated_since':
      return f.reportCursors[draft.pathParams.name ?? ''];
    case 'cursor':
      return f.queueCursor;
    case 'as_of':
      return rfc3339(range(ctx, false)[0], ctx);
    default: {
      const values = listed(param);
      return values ? sample(r, values, int(r, 1, 2)).join(',') : undefined;
    }
  }
}

function addInstantPairs(op: Operation, ctx: GenContext, draft: Draft): Set<string> {
  const names = new Set(op.queryParams.map((p) => p.name));
  const done = new Set<string>();
  for (const [a, b] of [
    ['from', 'to'],
    ['decided_from', 'decided_to'],
  ] as const) {
    if (!names.has(a)) continue;
    const param = op.queryParams.find((p) => p.name === a)!;
    const aligned = param.description.includes('quarter hour');
    // KPI ranges are required by the service though their schema says optional.
    if (!(param.required || aligned || chance(ctx.r, 0.35))) continue;
    const [from, to] = range(ctx, aligned);
    draft.query.push([a, rfc3339(from, ctx)]);
    if (names.has(b)) draft.query.push([b, rfc3339(to, ctx)]);
    done.add(a).add(b);
  }
  return done;
}

/** A report's `updated_since` is a pull of the whole table: no range, no filters with it. */
const NARROWING = ['from', 'to', 'team', 'agent', 'priority', 'channel', 'category'];

function addQuery(op: Operation, ctx: GenContext, draft: Draft): void {
  const done = addInstantPairs(op, ctx, draft);
  for (const param of op.queryParams) {
    if (done.has(param.name) || !(param.required || chance(ctx.r, 0.3))) continue;
    if (param.name === 'sla_status' && draft.query.some(([k]) => k === 'decided_from')) {
      draft.query.push([param.name, pick(ctx.r, ['achieved', 'breached'])]);
      continue;
    }
    const value = hinted(op, param, ctx, draft) ?? valueOf(param.schema, valueContext(ctx));
    if (value !== undefined) draft.query.push([param.name, asText(value)]);
  }
  if (draft.query.some(([k]) => k === 'updated_since')) {
    const drop = chance(ctx.r, 0.5) ? NARROWING : ['updated_since'];
    draft.query = draft.query.filter(([k]) => !drop.includes(k));
  }
}

/** Accept and If-None-Match as a client would send them, now and then. */
function addHeaders(op: Operation, ctx: GenContext, draft: Draft): void {
  const ok = op.responses.get(200) ?? {};
  const types = Object.keys(ok);
  if (types.length > 1 && chance(ctx.r, 0.3)) draft.headers.accept = pick(ctx.r, types);
  const etag = ctx.fixture.etags[op.path];
  if (op.responses.has(304) && etag !== undefined && chance(ctx.r, 0.2)) {
    draft.headers['if-none-match'] = etag;
  }
}

/** A generated parameter value as query-string text. */
const asText = (value: unknown): string =>
  typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);

export function validDraft(op: Operation, ctx: GenContext): Draft {
  const draft: Draft = { method: op.method, pathParams: {}, query: [], headers: {} };
  if (op.secured) {
    const scope = chance(ctx.r, 0.85) ? 'admin' : pick(ctx.r, SCOPES);
    draft.headers.authorization = `Bearer ${ctx.fixture.keys[scope]}`;
  }
  for (const param of op.pathParams) {
    const value = hinted(op, param, ctx, draft) ?? valueOf(param.schema, valueContext(ctx));
    draft.pathParams[param.name] = asText(value);
  }
  addQuery(op, ctx, draft);
  addHeaders(op, ctx, draft);
  if (op.body) {
    const body = validBody(op, ctx, draft);
    draft.headers['content-type'] = body.contentType;
    draft.body = body.body;
  }
  return draft;
}
