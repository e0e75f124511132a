/**
 * The fuzzer's words: a failure with everything needed to replay it (seed, index, the request as
 * sent, the answer, the app's error log), and the summary of a run per operation and status.
 */
import type { FuzzResult, Failure } from './openapi-fuzz.js';

const LIMIT = 600;

/** Text with control characters and non-UTF-8 bytes made visible, cut at `limit` characters. */
export function shown(value: string | Buffer, limit = LIMIT): string {
  const text = typeof value === 'string' ? value : value.toString('latin1');
  const length = typeof value === 'string' ? value.length : value.length;
  const visible = JSON.stringify(text.slice(0, limit)).slice(1, -1);
  return length > limit
    ? `${visible}… (${length} ${typeof value === 'string' ? 'characters' : 'bytes'})`
    : visible;
}

function headers(h: Record<string, unknown>): string {
  return Object.entries(h)
    .map(([k, v]) => `${k}: ${shown(String(v), 200)}`)
    .join('; ');
}

export function formatFailure(f: Failure): string {
  const r = f.request;
  const lines = [
    `FAILURE seed=${r.seed} index=${r.index} operation=${r.operationId} variant=${r.variant}`,
    `  problems: ${f.problems.join('; ')}`,
    `  request:  ${r.method} ${shown(r.url)}`,
    `  headers:  ${headers(r.headers) || '(none)'}`,
  ];
  if (r.payload !== undefined) lines.push(`  body:     ${shown(r.payload)}`);
  if (f.answer) {
    lines.push(
      `  answer:   ${f.answer.statusCode} ${headers({ 'content-type': f.answer.headers['content-type'] })}`,
    );
    lines.push(`            ${shown(f.answer.body, 400)}`);
  }
  for (const line of f.log.slice(0, 3)) lines.push(`  log:      ${shown(line, 1200)}`);
  lines.push(
    `  replay:   npm run fuzz -- --seed ${r.seed} --only ${r.index}   (the whole run: --seed ${r.seed} --requests ${r.index + 1})`,
  );
  return lines.join('\n');
}

const statusList = (statuses: Map<number, number>) =>
  [...statuses.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');

export function formatSummary(result: FuzzResult): string {
  const rows = [...result.operations.entries()].map(([id, s]) => [
    id,
    String(s.requests),
    `${s.validOk}/${s.valid}`,
    String(s.failures),
    `${(s.ms / 1000).toFixed(1)} s`,
    statusList(s.statuses),
  ]);
  const header = ['operation', 'requests', 'valid 2xx', 'failures', 'time', 'statuses'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const variants = [...result.variants.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([v, n]) => `${v} ${n}`)
    .join(', ');
  return [
    `seed ${result.seed}: ${result.requests} requests in ${(result.durationMs / 1000).toFixed(1)} s, ${result.failureCount} failures`,
    line(header),
    ...rows.map(line),
    `statuses: ${statusList(result.statuses)}`,
    `variants: ${variants}`,
    'slowest:',
    ...result.slowest.map(
      (s) =>
        `  ${s.ms.toFixed(0).padStart(6)} ms  ${s.status ?? '-'}  #${s.request.index} ${s.request.variant}  ${s.request.method} ${shown(s.request.url, 100)}${s.request.payload ? ` (${s.request.payload.length} body)` : ''}`,
    ),
  ].join('\n');
}
