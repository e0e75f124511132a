/**
 * Where a service's CPU time went: summarizes a V8 `.cpuprofile` (the service started with
 * `--node-flags="--max-semi-space-size=128 --cpu-prof --cpu-prof-dir=DIR"`, written when it
 * stops) by area — idle, GC, the COPY text parser, each writer, apache-arrow, parquet-wasm's
 * WebAssembly, node:http and streams… — and by function (self time).
 *
 *   npx tsx bench/exports/cpu-profile.ts DIR/CPU.*.cpuprofile [--top 25]
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

function summarize(path: string, top: number): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const area = areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + us);
    if (area === 'idle') continue;
    const file = frame.url.replace(/^.*\/(node_modules\/[^/]+|src|dist)\//, '$1/');
    const key = `${frame.functionName || '(anonymous)'} ${file}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const busy = total - (areas.get('idle') ?? 0);
  const line = (label: string, us: number) =>
    `  ${(us / 1e6).toFixed(2).padStart(8)} s ${((us / busy) * 100).toFixed(1).padStart(5)} %  ${label}`;
  console.log(
    `${path}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (shares of busy time)`,
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
  options: { top: { type: 'string', default: '25' } },
});
if (positionals.length === 0) {
  console.error('usage: npx tsx bench/exports/cpu-profile.ts FILE.cpuprofile [--top 25]');
  process.exitCode = 2;
}
for (const path of positionals) {
  try {
    summarize(path, Number(values.top));
  } catch (error) {
    console.error(`cpu-profile: cannot read ${path}: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}
