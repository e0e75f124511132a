/**
 * Where a service's CPU time went: summarizes a V8 `.cpuprofile` (the service started with
 * `--node-flags="--max-semi-space-size=128 --cpu-prof --cpu-prof-dir=DIR"`, written when it
 * stops) by area — idle, GC, the COPY text parser, each writer, apache-arrow, parquet-wasm's
 * WebAssembly, node:http and streams… — and by function (self time).
 *
 *   npx tsx bench/exports/cpu-profile.ts DIR/CPU.*.cpuprofile [--top 25] [--from S] [--to S]
 *
 * `--from` and `--to` keep the samples of that window only, in seconds from the profile's start
 * (bench/soak: compare a minute early in the soak with one late in it). `--stalls MS` lists
 * instead the stretches of the window when the thread never went idle for MS ms or more — what
 * sets a p99 latency — each with the functions that held it (inclusive time), and their count.
 * `--base-from S --base-to S` compares instead: the functions whose self time grew most from that
 * base window to `--from`–`--to` (bench/soak: what costs more at minute 20 than at minute 5), in
 * the same profile or, with `--base FILE`, in another one (one build against another).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The area a frame belongs to, from its script URL and name. */
function areaOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName: name } = frame;
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)') return 'V8/native (program)';
  if (url.startsWith('wasm://') || /^\$?wasm-function/.test(name))
    return 'parquet-wasm (WebAssembly)';
  const named = [
    ['storage/reports/copy-rows', 'COPY text → rows (copy-rows.ts)'],
    ['exports/text', 'timestamp/float text (exports/text.ts)'],
    ['exports/json-rows', 'JSON row text (json-rows.ts)'],
    ['exports/arrow-columns', 'Arrow column builders (arrow-columns.ts)'],
    ['exports/', 'other writer code (src/exports)'],
    ['node_modules/apache-arrow', 'apache-arrow (IPC writer)'],
    ['node_modules/parquet-wasm', 'parquet-wasm JS glue'],
    ['node_modules/pg', 'pg / pg-copy-streams'],
    ['node_modules/fastify', 'fastify'],
    ['node:internal/streams', 'node streams'],
    ['node:_http', 'node:http'],
    ['node:net', 'node:net / sockets'],
    ['node:internal/', 'other node internals'],
    ['/dist/', 'other service code (dist/)'],
  ] as const;
  for (const [part, area] of named) if (url.includes(part)) return area;
  return url === '' ? 'native (builtins: Buffer, string decoding, microtasks…)' : 'other JS';
}

const fileOf = (frame: ProfileNode['callFrame']) =>
  frame.url.replace(/^.*\/(node_modules\/[^/]+|src|dist)\//, '$1/');

/** The busy stretches of at least `minMs` in the window: when, how long, what held the thread. */
function stalls(
  profile: Profile,
  window: { from: number; to: number },
  minMs: number,
  top: number,
): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stretches: Array<{ start: number; us: number; samples: Array<[number, number]> }> = [];
  let open: (typeof stretches)[number] | undefined;
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < window.from * 1e6 || at >= window.to * 1e6) return;
    if (byId.get(id)!.callFrame.functionName === '(idle)') {
      if (open !== undefined && open.us >= minMs * 1000) stretches.push(open);
      open = undefined;
      return;
    }
    open ??= { start: at, us: 0, samples: [] };
    open.us += delta;
    open.samples.push([id, delta]);
  });
  if (open !== undefined && open.us >= minMs * 1000) stretches.push(open);
  const minutes = (window.to === Infinity ? at / 1e6 - window.from : window.to - window.from) / 60;
  console.log(
    `${stretches.length} busy stretch(es) of ${minMs} ms or more (${(stretches.length / minutes).toFixed(1)} a minute); the ${top} longest:`,
  );
  for (const s of [...stretches].sort((a, b) => b.us - a.us).slice(0, top)) {
    const inclusive = new Map<string, number>();
    for (const [id, us] of s.samples) {
      const seen = new Set<string>();
      for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
        const frame = byId.get(n)!.callFrame;
        if (frame.url === '' || frame.url.startsWith('node:')) continue;
        const key = `${frame.functionName || '(anonymous)'} ${fileOf(frame)}:${frame.lineNumber + 1}`;
        if (seen.has(key)) continue;
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + us);
      }
    }
    const held = [...inclusive]
      .filter(([key]) => key.includes(' src/') || key.includes(' dist/'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([key, us]) => `${key} ${(us / 1000).toFixed(0)} ms`);
    console.log(
      `  at ${(s.start / 1e6).toFixed(1)} s: ${(s.us / 1000).toFixed(0)} ms; ${held.join(' | ') || '(no service code)'}`,
    );
  }
}

/** Self time (µs) per function (name, file, line) over the window. */
function selfTimes(profile: Profile, window: { from: number; to: number }): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const times = new Map<string, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < window.from * 1e6 || at >= window.to * 1e6) return;
    const frame = byId.get(id)!.callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${fileOf(frame)}:${frame.lineNumber + 1}`;
    times.set(key, (times.get(key) ?? 0) + delta);
  });
  return times;
}

/** The functions whose self time grew most from the base window to the window. */
function growth(
  base: Map<string, number>,
  later: Map<string, number>,
  labels: [string, string],
  top: number,
): void {
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const ms = (us: number) => (us / 1000).toFixed(0).padStart(8);
  console.log(
    `self time, ms: ${labels[0]} (${ms(sum(base)).trim()} ms profiled) → ${labels[1]} (${ms(sum(later)).trim()} ms)`,
  );
  const keys = new Set([...base.keys(), ...later.keys()]);
  const rows = [...keys].map((k) => [k, base.get(k) ?? 0, later.get(k) ?? 0] as const);
  rows.sort((a, b) => b[2] - b[1] - (a[2] - a[1]));
  console.log(`${'base'.padStart(8)} ${'later'.padStart(8)} ${'change'.padStart(8)}  function`);
  for (const [k, a, b] of rows.slice(0, top)) console.log(`${ms(a)} ${ms(b)} ${ms(b - a)}  ${k}`);
}

function summarize(path: string, top: number, window: { from: number; to: number }): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < window.from * 1e6 || at >= window.to * 1e6) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const area = areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + us);
    if (area === 'idle') continue;
    const key = `${frame.functionName || '(anonymous)'} ${fileOf(frame)}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const busy = total - (areas.get('idle') ?? 0);
  const line = (label: string, us: number) =>
    `  ${(us / 1e6).toFixed(2).padStart(8)} s ${((us / busy) * 100).toFixed(1).padStart(5)} %  ${label}`;
  console.log(
    `${path}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (${((busy / total) * 100).toFixed(1)} %; below, shares of busy time)`,
  );
  console.log('by area:');
  for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1]))
    if (area !== 'idle') console.log(line(area, us));
  console.log(`top ${top} functions (self time):`);
  for (const [fn, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(line(fn, us));
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '25' },
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: 'Infinity' },
    stalls: { type: 'string' },
    base: { type: 'string' },
    'base-from': { type: 'string' },
    'base-to': { type: 'string' },
  },
});
const window = { from: Number(values.from), to: Number(values.to) };
if (positionals.length === 0 || !(window.from < window.to)) {
  console.error(
    'usage: npx tsx bench/exports/cpu-profile.ts FILE.cpuprofile [--top 25] [--from S] [--to S] [--stalls MS | --base-from S --base-to S [--base FILE]] (from < to, seconds)',
  );
  process.exitCode = 2;
}
for (const path of positionals) {
  if (process.exitCode === 2) break;
  try {
    if (values['base-from'] !== undefined || values['base-to'] !== undefined) {
      const baseWindow = {
        from: Number(values['base-from'] ?? 0),
        to: Number(values['base-to'] ?? Infinity),
      };
      const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Profile;
      const profile = read(path);
      const baseFile = values.base ?? path;
      const base = baseFile === path ? profile : read(baseFile);
      const label = (file: string, w: typeof window) => `${file} ${w.from}–${w.to} s`;
      growth(
        selfTimes(base, baseWindow),
        selfTimes(profile, window),
        [label(baseFile, baseWindow), label(path, window)],
        Number(values.top),
      );
    } else if (values.stalls === undefined) summarize(path, Number(values.top), window);
    else {
      const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
      stalls(profile, window, Number(values.stalls), Number(values.top));
    }
  } catch (error) {
    console.error(`cpu-profile: cannot read ${path}: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}
