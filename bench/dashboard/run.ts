/**
 * The dashboard's initial load against a running service: every request each panel makes on
 * first load (web/src/lib/requests.ts, the list the page itself uses), run --runs times, with
 * the service's own time for each (its Server-Timing header: `cube;dur=…` or `sql;dur=…`) or,
 * for the endpoints without one, the time on the loopback (an upper bound of the server's).
 *
 *   npx tsx bench/dashboard/run.ts --url http://127.0.0.1:3000 --key dm_… [--runs 5]
 *
 * Requests are sent one at a time, without If-None-Match (each answer computed, never a 304).
 */
import { parseArgs } from 'node:util';
import { initialRequests, type PanelRequest } from '../../web/src/lib/requests.js';
import { DEFAULT_STATE } from '../../web/src/lib/state.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    key: { type: 'string' },
    runs: { type: 'string', default: '5' },
    timezone: { type: 'string' },
  },
});
if (!values.url || !values.key) {
  process.stderr.write(
    'usage: tsx bench/dashboard/run.ts --url URL --key KEY [--runs N] [--timezone ZONE]\n',
  );
  process.exit(2);
}
const base = values.url.replace(/\/$/, '');
const headers = { authorization: `Bearer ${values.key}` };
const runs = Math.max(1, Number(values.runs));

interface Timing {
  source: string;
  ms: number;
}

async function timeOnce(path: string): Promise<Timing> {
  const started = performance.now();
  const res = await fetch(base + path, { headers });
  await res.arrayBuffer();
  const wall = performance.now() - started;
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  const header = res.headers.get('server-timing') ?? '';
  const match = /^(\w+);dur=([\d.]+)/.exec(header);
  return match ? { source: match[1]!, ms: Number(match[2]) } : { source: 'wall', ms: wall };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const tenant = (await (await fetch(`${base}/v1/tenant`, { headers })).json()) as {
  timezone?: string;
};
const state = { ...DEFAULT_STATE, timezone: values.timezone ?? tenant.timezone ?? 'UTC' };
const requests: PanelRequest[] = initialRequests(state, Date.now());

const rows: { request: PanelRequest; source: string; median: number; max: number }[] = [];
for (const request of requests) {
  const timings: Timing[] = [];
  for (let i = 0; i < runs; i++) timings.push(await timeOnce(request.path));
  const ms = timings.map((t) => t.ms);
  const sources = [...new Set(timings.map((t) => t.source))].join('/');
  rows.push({ request, source: sources, median: median(ms), max: Math.max(...ms) });
}

const pad = (s: string, n: number) => s.padEnd(n);
const num = (n: number) => n.toFixed(1).padStart(9);
process.stdout.write(
  `${runs} runs each, zone ${state.timezone}; ms of server time (wall: loopback)\n\n`,
);
process.stdout.write(
  `${pad('panel', 13)}${pad('request', 15)}${pad('source', 10)}   median       max  path\n`,
);
for (const r of rows) {
  process.stdout.write(
    `${pad(r.request.panel, 13)}${pad(r.request.name, 15)}${pad(r.source, 10)}${num(r.median)} ${num(r.max)}  ${r.request.path}\n`,
  );
}
process.stdout.write(
  '\npanel initial load (sum of its requests, the page sends them in parallel):\n',
);
let over = false;
for (const panel of [...new Set(rows.map((r) => r.request.panel))]) {
  const mine = rows.filter((r) => r.request.panel === panel);
  const total = mine.reduce((s, r) => s + r.median, 0);
  const worst = mine.reduce((s, r) => s + r.max, 0);
  over ||= worst >= 1000;
  process.stdout.write(
    `  ${pad(panel, 13)} median ${num(total)} ms   worst ${num(worst)} ms${worst >= 1000 ? '   OVER 1 s' : ''}\n`,
  );
}
process.stdout.write(over ? '\nsome panel took 1 s or more\n' : '\nevery panel under 1 s\n');
process.exitCode = over ? 1 : 0;
