/**
 * The client side of bench/ingest: every tenant's events as NDJSON over its own connections (each
 * ticket's events on one connection, in order), all tenants at once, with each request's latency
 * and each tenant's end time recorded.
 */
import http from 'node:http';
import { Readable } from 'node:stream';
import type { BenchEvent } from './generate.js';

/** One connection's requests: NDJSON bodies, sent one after the other. */
export type ConnectionBodies = Buffer[];

export interface TenantSent {
  accepted: number;
  /** Seconds from the common start to this tenant's last response. */
  seconds: number;
  /** Every request's latency, ms, sorted. */
  latencies: number[];
}

export function* chunks(body: Buffer, size = 256 * 1024): Generator<Buffer> {
  for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
}

/**
 * The events split over `connections` by ticket, each connection's lines cut into bodies of
 * `requestEvents` lines (0: one body).
 */
export function connectionBodies(
  events: readonly BenchEvent[],
  connections: number,
  requestEvents: number,
): ConnectionBodies[] {
  const parts: string[][] = Array.from({ length: connections }, () => []);
  for (const e of events) {
    let h = 0;
    for (let i = 0; i < e.ticket_id.length; i += 1) h = (h * 31 + e.ticket_id.charCodeAt(i)) | 0;
    parts[Math.abs(h) % connections]!.push(JSON.stringify(e));
  }
  return parts.map((lines) => {
    const size = requestEvents > 0 ? requestEvents : Math.max(1, lines.length);
    const bodies: Buffer[] = [];
    for (let i = 0; i < lines.length; i += size) {
      bodies.push(Buffer.from(`${lines.slice(i, i + size).join('\n')}\n`));
    }
    return bodies;
  });
}

function post(
  baseUrl: string,
  key: string,
  body: Buffer,
): Promise<{ accepted: number; rejected: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${baseUrl}/v1/events`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(JSON.parse(text) as { accepted: number; rejected: number })
            : reject(
                new Error(`POST /v1/events answered ${res.statusCode}: ${text.slice(0, 300)}`),
              ),
        );
      },
    );
    req.on('error', reject);
    Readable.from(chunks(body)).pipe(req);
  });
}

/**
 * Sends every tenant's connections at once; `onProgress` is told the events accepted so far
 * after each response.
 */
export async function sendAll(
  baseUrl: string,
  tenants: ReadonlyArray<{ key: string; connections: readonly ConnectionBodies[] }>,
  onProgress: (accepted: number) => void,
): Promise<{ seconds: number; tenants: TenantSent[] }> {
  let total = 0;
  const t0 = performance.now();
  const sent = await Promise.all(
    tenants.map(async (tenant) => {
      const latencies: number[] = [];
      let accepted = 0;
      await Promise.all(
        tenant.connections.map(async (bodies) => {
          for (const body of bodies) {
            const started = performance.now();
            const result = await post(baseUrl, tenant.key, body);
            latencies.push(performance.now() - started);
            accepted += result.accepted;
            total += result.accepted;
            onProgress(total);
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      return { accepted, seconds: (performance.now() - t0) / 1000, latencies };
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, tenants: sent };
}

/** The q-quantile of sorted values, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}
